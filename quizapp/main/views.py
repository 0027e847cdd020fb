"""Public and home pages."""

from flask import render_template
from flask_login import current_user

from quizapp.bank.services import topic_overview
from quizapp.main import bp


@bp.get("/")
def home():
    return render_template(
        "main/home.html", topics=topic_overview(), role=current_user.role if current_user.is_authenticated else None
    )
