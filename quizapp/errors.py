"""Error pages in the site's look, never with a stack trace; the 500 handler rolls back."""

from flask import Flask, g, render_template
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from quizapp.extensions import db

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back, reload the page and try again."),
    403: ("Not allowed", "Your account may not open this page."),
    404: ("Not found", "There is no page at this address."),
    405: ("Not allowed", "This page cannot be used that way."),
    413: ("Too large", "What you sent is larger than this site accepts."),
    429: ("Too many requests", "Slow down a little, then try again."),
    500: ("Something went wrong", "The error has been logged. Nothing you had saved is lost; try again."),
}


def _render(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    if request_ctx.url_adapter is None:  # a Host not in TRUSTED_HOSTS: no link can be built for it
        return f"{title}. This site does not answer for that host name.", code, {"Content-Type": "text/plain"}
    return render_template("errors/error.html", code=code, title=title, message=message, detail=detail), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(400, "The form had expired or was not sent from this site. Reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        detail = error.description if error.description != type(error).description else None
        return _render(error.code, detail if error.code < 500 else None)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        db.session.rollback()
        # The page only reads (the signed-in user, whom the rollback expired): from a snapshot, without
        # the write lock, which may be why the request failed (SQLite's, held by another process).
        g.reading_only = True
        return _render(500)
