"""`flask review rebuild`: replay quiz answers and ratings into the cards.

A command of the `review` group, kept here because replaying reads quiz answers (quiz stands above review)."""

import click
import sqlalchemy as sa

from quizapp.auth.models import User
from quizapp.auth.services import user_by_email
from quizapp.extensions import db
from quizapp.quiz.replay import rebuild
from quizapp.review import bp as review_bp


@review_bp.cli.command("rebuild")
@click.option("--learner", "email", help="Only this learner (an email); everyone when left out.")
def rebuild_command(email: str | None) -> None:
    """Recompute cards from stored ratings and final quiz answers, in time order. Safe to run again."""
    if email:
        user = user_by_email(email)
        if user is None:
            raise click.BadParameter(f"no account with the email {email!r}", param_hint="--learner")
        users = [user.id]
    else:
        users = list(db.session.scalars(sa.select(User.id).order_by(User.id)))
    cards = events = 0
    for user_id in users:
        done = rebuild(user_id)
        cards, events = cards + done[0], events + done[1]
        db.session.commit()  # one learner at a time: a failure keeps the learners already rebuilt
    click.echo(f"rebuilt {cards} cards from {events} reviews and quiz answers of {len(users)} learner(s)")
