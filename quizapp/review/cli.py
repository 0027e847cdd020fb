"""`flask review simulate`: a simulated learner studies through exam mode and plain scheduling."""

import click
from flask import Flask

from quizapp.extensions import db
from quizapp.review import bp
from quizapp.review.simulate import simulate, table


@bp.cli.command("simulate")
@click.option("--exam-in", "exam_in", type=click.IntRange(1, 365), required=True, help="Days until the exam.")
@click.option("--items", type=click.IntRange(1, 5000), default=200, show_default=True, help="Unseen items.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seeds the simulated learner's recall.")
def simulate_command(exam_in: int, items: int, seed: int) -> None:
    """Compare plain scheduling at 0.90 and 0.95 with exam mode (0.90, target 0.95), in a throwaway database."""
    scratch = Flask(__name__)  # an in-memory database: the site's own data is never touched
    scratch.config.update(SQLALCHEMY_DATABASE_URI="sqlite://", SQLALCHEMY_ENGINE_OPTIONS={})
    db.init_app(scratch)
    with scratch.app_context():
        db.create_all()
        outcomes = simulate(exam_in, items, seed)
    click.echo(table(outcomes, exam_in, items))
