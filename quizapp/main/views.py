"""Public and home pages."""

from flask import render_template
from flask_login import current_user

from quizapp.bank.services import topic_overview
from quizapp.classes.services import assignments_for
from quizapp.main import bp
from quizapp.models import utcnow


@bp.get("/")
def home():
    signed_in, now = current_user.is_authenticated, utcnow()
    return render_template(
        "main/home.html",
        topics=topic_overview(),
        role=current_user.role if signed_in else None,
        assignments=assignments_for(current_user.id, now) if signed_in else [],
        now=now,
    )
