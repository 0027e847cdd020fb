"""Public and home pages."""

from zoneinfo import ZoneInfo

from flask import render_template, session
from flask_login import current_user
from markupsafe import Markup

from quizapp.auth import FIRST_VISIT
from quizapp.bank import summary
from quizapp.bank.services import topic_overview
from quizapp.classes.services import assignments_for
from quizapp.main import bp
from quizapp.main.home import today_plan, unfinished_attempts
from quizapp.models import utcnow
from quizapp.review.services import DAY_STARTS_AT


def _topics_html() -> Markup:
    """The topic tree with its counts, the same for everyone: rendered once per bank revision."""
    return summary.per_revision("home topics html", _render_topics)


def _render_topics() -> Markup:
    topics = topic_overview()
    page = render_template("main/_topics.html", topics=topics)  # autoescaped like any page
    return Markup(page) if topics else Markup()  # noqa: S704


@bp.get("/")
def home():
    signed_in, now = current_user.is_authenticated, utcnow()
    return render_template(
        "main/home.html",
        topics_html=_topics_html(),
        role=current_user.role if signed_in else None,
        first_visit=session.get(FIRST_VISIT, False),
        day_starts=DAY_STARTS_AT,
        unfinished=unfinished_attempts(current_user.id, now) if signed_in else [],
        exam=today_plan(current_user.id, current_user.timezone, now) if signed_in else None,
        assignments=assignments_for(current_user.id, now) if signed_in else [],
        now=now,
        today=now.astimezone(ZoneInfo(current_user.timezone)).date() if signed_in else None,
    )
