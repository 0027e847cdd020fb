"""HTTP for progress: the learner's dashboard and the knowledge map of the article."""

from datetime import timedelta

from flask import render_template
from flask_login import current_user

from quizapp.auth.access import signed_in
from quizapp.models import utcnow
from quizapp.progress import bp, services


@bp.get("/progress")
@signed_in
def dashboard():
    now = utcnow()
    board = services.dashboard(current_user.id, now, current_user.timezone)
    return render_template(
        "progress/dashboard.html",
        board=board,
        pages=services.knowledge_map(current_user.id, now),
        today=services.local_day(now, current_user.timezone),
        timedelta=timedelta,
    )


@bp.get("/progress/map")
@signed_in
def knowledge_map():
    return render_template("progress/map.html", pages=services.knowledge_map(current_user.id, utcnow()))
