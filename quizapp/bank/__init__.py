"""The question bank: topics, questions and versions, the type registry, `flask bank ...`."""

from flask import Blueprint

bp = Blueprint("bank", __name__, cli_group="bank")

from quizapp.bank import cli  # noqa: E402,F401  (commands register on bp)
