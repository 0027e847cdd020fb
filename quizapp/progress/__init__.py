"""Progress and analytics: the learner's dashboard and knowledge map, the class view, item analysis."""

from flask import Blueprint

bp = Blueprint("progress", __name__, cli_group="demo")
