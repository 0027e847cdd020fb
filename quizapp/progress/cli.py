"""`flask demo seed`: fill the dashboards with a simulated class (never in production)."""

import sys

import click
from flask import current_app

from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.progress import bp, demo


@bp.cli.command("seed")
@click.option("--students", default=30, show_default=True, type=click.IntRange(1, 2000))
@click.option("--days", default=60, show_default=True, type=click.IntRange(1, 365))
def seed_command(students: int, days: int) -> None:
    """Create a demo teacher and a class of simulated students with weeks of quizzes and reviews."""
    if current_app.config.get("ENVIRONMENT") == "production":
        raise click.ClickException("demo data is never made under the production configuration")
    try:
        with click.progressbar(length=days, label="Simulating days", file=sys.stderr) as bar:
            made = demo.seed(utcnow(), students=students, days=days, progress=bar.update)
    except ValueError as problem:
        db.session.rollback()
        raise click.ClickException(str(problem)) from None
    click.echo(f"Demo class ready: {made.reviews} reviews and {made.quizzes} quizzes over {days} days.")
    click.echo(f"  teacher: {made.teacher} / password: {demo.TEACHER_PASSWORD}")
    click.echo(f"  students: {made.students[0]} … {made.students[-1]} / password: {demo.STUDENT_PASSWORD}")
