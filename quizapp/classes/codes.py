"""First sign-in codes after the sheet is gone: codes are stored only as keyed hashes, so a sheet
cannot be shown twice; a teacher issues new codes instead to the pupils still waiting to sign in."""

from datetime import datetime

import sqlalchemy as sa

from quizapp.auth.models import OneTimeCode, Role, User
from quizapp.classes.models import Classroom, Enrolment
from quizapp.classes.services import FIRST_SIGN_IN, issue_code
from quizapp.extensions import db


def waiting_pupils(classroom: Classroom, issuer: User) -> list[User]:
    """Pupils of the class who have not yet chosen a password, and whose first code this teacher
    issued (an admin: any pupil's); one query. Only they may be given a new first sign-in code."""
    query = (
        sa.select(User)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(
            Enrolment.class_id == classroom.id,
            User.role == Role.STUDENT.value,
            User.password_hash.startswith("!"),  # auth.services.unusable_password_hash: no password yet
        )
        .order_by(User.display_name, User.id)
    )
    if not issuer.is_admin:
        query = query.where(
            sa.exists().where(
                OneTimeCode.user_id == User.id,
                OneTimeCode.purpose == FIRST_SIGN_IN,
                OneTimeCode.created_by_id == issuer.id,
            )
        )
    return list(db.session.scalars(query))


def reissue_first_codes(classroom: Classroom, issuer: User, now: datetime) -> list[tuple[User, str]]:
    """A new first sign-in code for each waiting pupil; their earlier codes stop working."""
    return [(pupil, issue_code(pupil, FIRST_SIGN_IN, issuer.id, now)) for pupil in waiting_pupils(classroom, issuer)]
