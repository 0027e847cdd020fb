"""Public and home pages."""

from zoneinfo import ZoneInfo

from flask import render_template, session
from flask_login import current_user

from quizapp.auth import FIRST_VISIT
from quizapp.bank.services import topic_overview
from quizapp.classes.services import assignments_for
from quizapp.main import bp
from quizapp.main.home import today_plan, unfinished_attempts
from quizapp.models import utcnow
from quizapp.review.services import DAY_STARTS_AT


@bp.get("/")
def home():
    signed_in, now = current_user.is_authenticated, utcnow()
    return render_template(
        "main/home.html",
        topics=topic_overview(),
        role=current_user.role if signed_in else None,
        first_visit=session.get(FIRST_VISIT, False),
        day_starts=DAY_STARTS_AT,
        unfinished=unfinished_attempts(current_user.id, now) if signed_in else [],
        exam=today_plan(current_user.id, current_user.timezone, now) if signed_in else None,
        assignments=assignments_for(current_user.id, now) if signed_in else [],
        now=now,
        today=now.astimezone(ZoneInfo(current_user.timezone)).date() if signed_in else None,
    )
