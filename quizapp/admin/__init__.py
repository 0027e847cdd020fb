"""Administration: users, roles, activation and site switches."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", cli_group=None)  # its commands are top-level
