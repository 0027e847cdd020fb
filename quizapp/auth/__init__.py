"""Accounts: sign-up, sign-in, sign-out, password changes, throttling and `flask users`."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")
