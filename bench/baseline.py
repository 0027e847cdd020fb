"""Baselines for `make bench`: a bare Flask route and a route that runs one SELECT.

Served by gunicorn exactly like the app, so a page's figures can be read as a multiple
of the cheapest possible Flask response and of one database round trip.
"""

import os

import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy import SQLAlchemy


def create_baseline() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    db = SQLAlchemy()
    db.init_app(app)

    @app.get("/hello")
    def hello():
        return "Hello"

    @app.get("/one-select")
    def one_select():
        return str(db.session.execute(sa.text("SELECT count(*) FROM topics")).scalar())

    return app
