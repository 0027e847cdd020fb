"""The question bank: topics, questions and versions, the type registry, `flask bank ...`."""

from flask import Blueprint

bp = Blueprint("bank", __name__, cli_group="bank")
