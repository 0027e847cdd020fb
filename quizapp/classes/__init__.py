"""Classes and assignments: join codes, rosters, one-time codes, assigned sets, progress."""

from flask import Blueprint

bp = Blueprint("classes", __name__)
