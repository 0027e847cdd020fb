"""The home page: what the app offers, and where each role goes next."""

from flask import Blueprint

bp = Blueprint("main", __name__)
