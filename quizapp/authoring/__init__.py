"""Teachers' authoring: the bank browser, the question editor with versions, question sets."""

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/teach")
