"""`flask demo seed`: fill the dashboards with a simulated class (never in production)."""

import sys

import click
from flask import current_app

from quizapp.database import refresh_statistics
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.progress import bp, bulk, demo, heavy


@bp.cli.command("seed")
@click.option("--students", default=30, show_default=True, type=click.IntRange(1, 2000))
@click.option("--days", default=60, show_default=True, type=click.IntRange(1, 365))
def seed_command(students: int, days: int) -> None:
    """Create a demo teacher and a class of simulated students with weeks of quizzes and reviews."""
    if current_app.config.get("ENVIRONMENT") == "production":
        raise click.ClickException("demo data is never made under the production configuration")
    try:
        with click.progressbar(length=days + 1, label="Simulating days", file=sys.stderr) as bar:
            made = demo.seed(utcnow(), students=students, days=days, progress=bar.update)
    except ValueError as problem:
        db.session.rollback()
        raise click.ClickException(str(problem)) from None
    refresh_statistics()
    click.echo(f"Demo class ready: {made.reviews} reviews and {made.quizzes} quizzes over {days} days.")
    click.echo(f"  teacher: {made.teacher} / password: {demo.TEACHER_PASSWORD}")
    click.echo(f"  students: {made.students[0]} … {made.students[-1]} / password: {demo.STUDENT_PASSWORD}")


@bp.cli.command("bulk")
@click.option("--questions", default=100_000, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--learners", default=1_000, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--reviews", default=1_000_000, show_default=True, type=click.IntRange(0, 100_000_000))
def bulk_command(questions: int, learners: int, reviews: int) -> None:
    """Grow the bank with copies of the curated items, add learners with review histories (for `make bench`)."""
    if current_app.config.get("ENVIRONMENT") == "production":
        raise click.ClickException("demo data is never made under the production configuration")
    now = utcnow()
    try:
        with click.progressbar(length=questions, label="Bank", file=sys.stderr) as bar:
            bar.update(min(bulk.active_questions(), questions))  # what the bank already holds
            added = bulk.grow_bank(questions, now, progress=bar.update)
        made = bulk.make_learners(learners, now)
        with click.progressbar(length=learners, label="Histories", file=sys.stderr) as bar:
            report = bulk.write_histories(reviews, now, progress=bar.update)
    except ValueError as problem:
        db.session.rollback()
        raise click.ClickException(str(problem)) from None
    refresh_statistics()
    click.echo(
        f"Bulk data ready: {added} questions and {made} learners added; {report.histories} new histories "
        f"with {report.cards} cards and {report.reviews} reviews."
    )
    click.echo(f"  learners: {bulk.learner_email(1)} … {bulk.learner_email(learners)} / password: {bulk.PASSWORD}")


@bp.cli.command("heavy")
@click.option("--reviews", default=20_000, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--class-size", default=200, show_default=True, type=click.IntRange(1, 100_000))
def heavy_command(reviews: int, class_size: int) -> None:
    """Add a learner with a long history and a large class of bulk learners (after `demo bulk`, for `make bench`)."""
    if current_app.config.get("ENVIRONMENT") == "production":
        raise click.ClickException("demo data is never made under the production configuration")
    now = utcnow()
    written = heavy.heavy_learner(reviews, now)
    enrolled = heavy.big_class(class_size, now)
    refresh_statistics()
    click.echo(f"Heavy learner {heavy.HEAVY_EMAIL}: {written} reviews written (0: already there).")
    click.echo(f"{heavy.BIG_CLASS.format(size=class_size)} of {heavy.BIG_TEACHER_EMAIL}: {enrolled} enrolled now.")
    click.echo(f"  password: {bulk.PASSWORD}")
