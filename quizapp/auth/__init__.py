"""Accounts: sign-up, sign-in, sign-out, password changes, throttling and `flask users`."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

FIRST_VISIT = "first_visit"  # session key: this session began with the account's sign-up
SESSION_DAY = "day"  # session key: the last UTC day the session was renewed
