"""Spaced repetition with FSRS: the daily queue, the study screen, settings, `flask review ...`."""

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review", cli_group="review")
