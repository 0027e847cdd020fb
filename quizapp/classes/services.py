"""Classes: join codes, rosters (with pupils who have no email), one-time codes, assignments, progress."""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from anyascii import anyascii
from sqlalchemy.dialects import postgresql, sqlite

from quizapp import csvsafe, database
from quizapp.auth.codes import code_hash, normalise_code, random_code
from quizapp.auth.models import OneTimeCode, Role, User
from quizapp.auth.services import normalise_email, unusable_password_hash
from quizapp.authoring.models import QuestionSet
from quizapp.classes.access import opened_assignment_ids
from quizapp.classes.models import Assignment, AssignmentResult, Classroom, Enrolment
from quizapp.database import kept
from quizapp.extensions import db

CODE_LIFETIME = timedelta(days=14)
FIRST_SIGN_IN, RESET = "first_signin", "reset"
MAX_ROSTER_ROWS, MAX_ROSTER_BYTES = 500, 200_000
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ClassError(ValueError):
    """A refused action; the message is for the person who tried it."""


# --- classes and membership ------------------------------------------------------------------


def owned_class(user: User, class_id: int) -> Classroom | None:
    found = db.session.get(Classroom, class_id)
    return found if found is not None and (found.owner_id == user.id or user.is_admin) else None


def classes_of(user_id: int) -> list[Classroom]:
    return list(
        db.session.scalars(
            sa.select(Classroom).where(Classroom.owner_id == user_id).order_by(Classroom.created_at.desc())
        )
    )


def create_class(owner_id: int, name: str, now: datetime) -> Classroom:
    classroom = Classroom(owner_id=owner_id, name=name.strip(), join_code=random_code(), created_at=now)
    db.session.add(classroom)
    db.session.flush()
    return classroom


def renew_code(classroom: Classroom) -> None:
    classroom.join_code = random_code()


def close_code(classroom: Classroom) -> None:
    classroom.join_code = None


def join(user_id: int, code: str, now: datetime) -> Classroom:
    cleaned = normalise_code(code)
    classroom = db.session.scalar(sa.select(Classroom).where(Classroom.join_code == cleaned)) if cleaned else None
    if classroom is None:
        raise ClassError("No class has that code. Check it with your teacher; codes can be renewed or closed.")
    if not db.session.get(Enrolment, (classroom.id, user_id)):
        db.session.add(Enrolment(class_id=classroom.id, user_id=user_id, joined_at=now))
    return classroom


def _roster_of(classroom: Classroom, *columns):
    """The class's pupils in alphabetical order (by id among equal names, so that pages never part)."""
    return (
        sa.select(*columns)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.class_id == classroom.id)
        .order_by(User.display_name, User.id)
    )


def roster(classroom: Classroom) -> list[User]:
    return list(db.session.scalars(_roster_of(classroom, User)))


class Pupil(NamedTuple):
    """A pupil's name and sign-in: what a page that lists a whole class shows of each."""

    id: int
    display_name: str
    email: str | None
    username: str | None


def pupils(classroom: Classroom) -> list[Pupil]:
    """The roster as names and sign-ins, without loading every pupil's account (a class of 200)."""
    columns = (User.id, User.display_name, User.email, User.username)
    return [Pupil(*row) for row in db.session.execute(_roster_of(classroom, *columns))]


def is_member(classroom_id: int, user_id: int) -> bool:
    return db.session.get(Enrolment, (classroom_id, user_id)) is not None


def remove_student(classroom: Classroom, user_id: int) -> None:
    db.session.execute(sa.delete(Enrolment).where(Enrolment.class_id == classroom.id, Enrolment.user_id == user_id))


def issue_code(user: User, purpose: str, by_user_id: int, now: datetime) -> str:
    """A fresh one-time code (earlier unused ones stop working); only its hash is stored."""
    db.session.execute(
        sa.update(OneTimeCode).where(OneTimeCode.user_id == user.id, OneTimeCode.used_at.is_(None)).values(used_at=now)
    )
    code = random_code()
    db.session.add(
        OneTimeCode(
            user_id=user.id,
            code_hash=code_hash(code),
            purpose=purpose,
            created_by_id=by_user_id,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
    )
    return f"{code[:4]}-{code[4:]}"


@dataclass
class RosterLine:
    line: int
    name: str
    email: str | None


@dataclass
class RosterResult:
    # (pupil, first sign-in code, or None when the pupil was already on this class's roster)
    sheet: list[tuple[User, str | None]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # rows not added, each with what to do instead
    problems: list[str] = field(default_factory=list)


def parse_roster(text: str) -> tuple[list[RosterLine], list[str]]:
    """CSV lines "name,email" (email optional; a header line is allowed); problems name their line."""
    if len(text.encode()) > MAX_ROSTER_BYTES:
        return [], [f"The roster is larger than {MAX_ROSTER_BYTES // 1000} kB."]
    rows, problems, seen = [], [], set()
    try:
        records = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        return [], [f"The roster is not valid CSV: {error}."]
    for number, record in enumerate(records, start=1):
        cells = [csvsafe.restore(c).strip() for c in record]  # a sheet the app wrote reads back as it was
        if not any(cells) or (number == 1 and cells and cells[0].lower() in ("name", "display name")):
            continue
        name, email = cells[0], (cells[1] if len(cells) > 1 and cells[1] else None)
        if not name or len(name) > 80:
            problems.append(f"Line {number}: give a name of 1 to 80 characters.")
        if email is not None:
            email = normalise_email(email)
            if not EMAIL_SHAPE.match(email):
                problems.append(f"Line {number}: {email!r} is not an email address.")
            elif email in seen:
                problems.append(f"Line {number}: {email} appears twice.")
            seen.add(email)
        rows.append(RosterLine(number, name, email))
    if len(rows) > MAX_ROSTER_ROWS:
        problems.append(f"A roster holds at most {MAX_ROSTER_ROWS} pupils; this one has {len(rows)}.")
    if not rows and not problems:
        problems.append("The roster is empty: write one pupil per line, as name,email (the email may be left out).")
    return rows, problems


def _username_for(name: str, taken: set[str]) -> str:
    """A username from a name, in ASCII ("Amélie Dupont" -> amelie.dupont), unique among `taken`."""
    base = re.sub(r"[^a-z0-9]+", ".", anyascii(name).lower()).strip(".")[:24].strip(".") or "pupil"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    taken.add(candidate)
    return candidate


def _members_without_email(current: list[User]) -> dict[str, list[User]]:
    """A class's pupils who sign in with a username, by display name."""
    found: dict[str, list[User]] = {}
    for pupil in current:
        if pupil.email is None:
            found.setdefault(pupil.display_name, []).append(pupil)
    return found


def import_roster(classroom: Classroom, text: str, teacher_id: int, now: datetime) -> RosterResult:
    """Make an account, and a one-time code for its first sign-in, for every new pupil of the
    roster, and add them to the class; or, when a line is wrong, do nothing.

    A roster never takes over an account it did not make: a line whose email already has an
    account is left out, and the teacher is told to hand that person the class join code (so
    staff and self-registered pupils join, or not, by their own hand). A pupil already on this
    class's roster (the same email, or the same name without one) is not added twice.
    """
    rows, problems = parse_roster(text)
    if problems:
        return RosterResult(problems=problems)
    emails = [r.email for r in rows if r.email]
    existing = set(db.session.scalars(sa.select(User.email).where(User.email.in_(emails))))
    current = roster(classroom)
    members = {u.email: u for u in current if u.email}
    unnamed = _members_without_email(current)
    taken = set(db.session.scalars(sa.select(User.username).where(User.username.is_not(None))))
    result = RosterResult()
    for row in rows:
        if row.email in members:
            result.sheet.append((members[row.email], None))
            continue
        if row.email in existing:
            result.notes.append(
                f"Line {row.line}: {row.email} already has an account, so it was not added. "
                f"Give them the class join code ({classroom.join_code or 'renew it first: joining is closed'}); "
                "they join with it once signed in."
            )
            continue
        if row.email is None and unnamed.get(row.name):
            result.sheet.append((unnamed[row.name].pop(0), None))
            continue
        pupil = User(
            email=row.email,
            username=None if row.email else _username_for(row.name, taken),
            display_name=row.name,
            role=Role.STUDENT.value,
            created_at=now,
            password_hash=unusable_password_hash(),  # until the pupil redeems the code
        )
        db.session.add(pupil)
        db.session.flush()
        db.session.add(Enrolment(class_id=classroom.id, user_id=pupil.id, joined_at=now))
        result.sheet.append((pupil, issue_code(pupil, FIRST_SIGN_IN, teacher_id, now)))
    return result


def may_issue_reset_code(issuer: User, pupil: User) -> bool:
    """A teacher resets only pupils whose first sign-in code they issued (accounts their roster
    made); an admin resets anyone but another admin. Nobody else's account can be taken over."""
    if issuer.is_admin:
        return pupil.role != Role.ADMIN
    if pupil.role != Role.STUDENT:
        return False
    first_code_by_issuer = sa.select(OneTimeCode.id).where(
        OneTimeCode.user_id == pupil.id,
        OneTimeCode.purpose == FIRST_SIGN_IN,
        OneTimeCode.created_by_id == issuer.id,
    )
    return db.session.scalar(first_code_by_issuer.limit(1)) is not None


# --- assignments -------------------------------------------------------------------------------


def assign(
    classroom: Classroom,
    question_set: QuestionSet,
    kind: str,
    due_at: datetime | None,
    attempts: int | None,
    now: datetime,
) -> Assignment:
    assignment = Assignment(
        class_id=classroom.id,
        set_id=question_set.id,
        kind=kind,
        due_at=due_at,
        attempts_allowed=attempts if kind == "quiz" else None,
        created_at=now,
    )
    db.session.add(assignment)
    db.session.flush()
    return assignment


@dataclass
class StudentAssignment:
    """One of a learner's assignments as their home page lists it."""

    assignment: sa.Row  # the Assignment's columns shown: id, kind, due_at, exam_on, attempts_allowed
    class_name: str
    set_id: int
    set_name: str
    attempts: int = 0
    best: int | None = None  # percent of the best finished attempt
    studyable: bool = False  # open for study in Review (classes/access.py)

    @property
    def attempts_left(self) -> int | None:
        allowed = self.assignment.attempts_allowed
        return None if allowed is None else max(0, allowed - self.attempts)


def _assignments_of_learner():
    user_id = sa.bindparam("user_id", type_=sa.Integer)
    shown = (Assignment.id, Assignment.kind, Assignment.due_at, Assignment.exam_on, Assignment.attempts_allowed)
    return (
        sa.select(
            *shown,
            Classroom.name.label("class_name"),
            QuestionSet.id.label("set_id"),
            QuestionSet.name.label("set_name"),
            AssignmentResult.attempts,
            AssignmentResult.best_percent,
        )
        .join(Classroom, Classroom.id == Assignment.class_id)
        .join(Enrolment, sa.and_(Enrolment.class_id == Classroom.id, Enrolment.user_id == user_id))
        .join(QuestionSet, QuestionSet.id == Assignment.set_id)
        .outerjoin(
            AssignmentResult,
            sa.and_(AssignmentResult.assignment_id == Assignment.id, AssignmentResult.user_id == user_id),
        )
        .order_by(Assignment.due_at.is_(None), Assignment.due_at, Assignment.id.desc())
    )


def assignments_for(user_id: int, now: datetime) -> list[StudentAssignment]:
    """The learner's assignments with their attempts, best scores and whether they are open for
    study: two queries of columns (one when there are none)."""
    rows = database.rows(kept(("assignments of learner",), _assignments_of_learner), {"user_id": user_id}).all()
    found = [
        StudentAssignment(row, row.class_name, row.set_id, row.set_name, row.attempts or 0, _percent(row.best_percent))
        for row in rows
    ]
    opened = opened_assignment_ids(user_id, [f.assignment.id for f in found], now)
    for entry in found:
        entry.studyable = entry.assignment.id in opened
    return found


def _percent(best: float | None) -> int | None:
    return None if best is None else round(best)


class Results(NamedTuple):
    """What one learner has done of one assigned quiz, as the quiz layer counts it."""

    attempts: int = 0
    best_percent: float | None = None
    unfinished_untimed: bool = False
    latest_deadline: datetime | None = None


def store_results(results: dict[tuple[int, int], Results]) -> None:
    """Store (assignment, learner) -> Results as the quiz layer counted them."""
    for (assignment_id, user_id), found in results.items():
        figures = found._asdict()
        insert = (postgresql if db.engine.dialect.name == "postgresql" else sqlite).insert(AssignmentResult)
        db.session.execute(
            insert.values(assignment_id=assignment_id, user_id=user_id, **figures).on_conflict_do_update(
                index_elements=["assignment_id", "user_id"], set_=figures
            )
        )


def _results(assignment_ids: list[int], user_ids: list[int]) -> dict[tuple[int, int], tuple[int, int | None]]:
    """(assignment, user) -> (attempts started, best finished percent): one query."""
    if not assignment_ids or not user_ids:
        return {}
    rows = db.session.execute(
        sa.select(
            AssignmentResult.assignment_id,
            AssignmentResult.user_id,
            AssignmentResult.attempts,
            AssignmentResult.best_percent,
        ).where(AssignmentResult.assignment_id.in_(assignment_ids), AssignmentResult.user_id.in_(user_ids))
    )
    return {(a, u): (n, _percent(best)) for a, u, n, best in rows}


def class_assignments(classroom: Classroom) -> list[tuple[Assignment, QuestionSet]]:
    return list(
        db.session.execute(
            sa.select(Assignment, QuestionSet)
            .join(QuestionSet, QuestionSet.id == Assignment.set_id)
            .where(Assignment.class_id == classroom.id)
            .order_by(Assignment.created_at.desc())
        ).all()
    )


def class_progress(classroom: Classroom, students: list[User], assignments) -> dict:
    return _results([a.id for a, _ in assignments], [s.id for s in students])


def assignment_for_student(user_id: int, assignment_id: int) -> Assignment | None:
    """The assignment, only if the learner is in its class."""
    return db.session.scalar(
        sa.select(Assignment)
        .join(Enrolment, sa.and_(Enrolment.class_id == Assignment.class_id, Enrolment.user_id == user_id))
        .where(Assignment.id == assignment_id)
    )


def fix_items(assignment: Assignment, question_ids: list[int]) -> None:
    """Fix the assignment's chosen items at its first quiz; a quiz started at the same moment by
    another student may have fixed them first, and then theirs stand."""
    db.session.execute(
        sa.update(Assignment)
        .where(Assignment.id == assignment.id, Assignment.item_ids.is_(None))
        .values(item_ids=question_ids)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(assignment, ["item_ids"])


def check_can_start(assignment: Assignment, user_id: int, now: datetime) -> None:
    """Refuse with a ClassError when this learner may not start another attempt of the assignment."""
    if assignment.kind != "quiz":
        raise ClassError("This assignment is a review deck: study it from Review.")
    used = (
        db.session.scalar(
            sa.select(AssignmentResult.attempts).where(
                AssignmentResult.assignment_id == assignment.id, AssignmentResult.user_id == user_id
            )
        )
        or 0
    )
    if assignment.attempts_allowed is not None and used >= assignment.attempts_allowed:
        raise ClassError(f"You have used all {assignment.attempts_allowed} attempts of this assignment.")
    if assignment.due_at is not None and assignment.due_at <= now:  # its items are open for study from then on
        raise ClassError("This assignment is past its due date: no new attempt can start.")
