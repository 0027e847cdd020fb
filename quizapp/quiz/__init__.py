"""Quizzes: generate from the bank, take, grade, results, history, problem reports."""

from flask import Blueprint

bp = Blueprint("quiz", __name__, url_prefix="/quiz")
