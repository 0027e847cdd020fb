"""quizapp: learn the Korean War armistice, the Sino-Soviet split and Chuch'e from one article."""

import os
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, has_request_context, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import BuildError

from config import CONFIGS, INSTANCE_DIR, Config

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000; includeSubDomains"


REMEMBERED = 512  # links and headers kept per process, at most (see _register_template_helpers)
# Not a secret: where the site header's cached HTML takes this session's token.
_TOKEN_SLOT = "\x00csrf-token\x00"  # noqa: S105


def create_app(config: type[Config] | str | None = None, **overrides) -> Flask:
    """Build the app: config, extensions, blueprints, CLI, error pages and headers."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    if config is None or isinstance(config, str):
        config = CONFIGS[config or os.environ.get("QUIZAPP_ENV", "development")]
    app.config.from_object(config)
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.fallback_secret_key()
    config.check(app.config)
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)

    from quizapp import params

    app.url_map.converters["int"] = params.IdConverter  # before any route is made
    app.before_request(_allow_uploads)  # first: before anything reads the form
    app.before_request(params.refuse_nul)
    _init_extensions(app)
    _register_blueprints(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    _register_template_helpers(app)

    from quizapp.errors import register_error_handlers

    register_error_handlers(app)

    secure = app.config["ENVIRONMENT"] == "production" and app.config["SESSION_COOKIE_SECURE"]
    always = {**SECURITY_HEADERS, **({"Strict-Transport-Security": HSTS} if secure else {})}
    always_lower = [(name.lower(), name, value) for name, value in always.items()]

    @app.after_request
    def security_headers(response):
        """The security headers on every response, unless the response set one itself (one pass over
        its headers: six `setdefault`s cost a page about 15 µs), and no-store for signed-in pages."""
        headers = response.headers
        present = {name.lower() for name, _ in headers.items()}
        headers.extend([(name, value) for lower, name, value in always_lower if lower not in present])
        if "cache-control" not in present and current_user and current_user.is_authenticated:
            headers["Cache-Control"] = "no-store"
        return response

    return app


def _allow_uploads() -> None:
    """Let the pages that take an import file read a body of MAX_UPLOAD_REQUEST; every other
    request stays within MAX_CONTENT_LENGTH (a large body is refused with 413 before it is read)."""
    if request.endpoint in current_app.config["UPLOAD_ENDPOINTS"]:
        request.max_content_length = current_app.config["MAX_UPLOAD_REQUEST"]


def _init_extensions(app: Flask) -> None:
    from quizapp.auth.services import load_user_from_session
    from quizapp.database import configure_engine, engine_options
    from quizapp.extensions import csrf, db, login_manager, migrate

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    db.init_app(app)
    configure_engine(app)
    migrate.init_app(
        app,
        db,
        directory=str(os.path.join(os.path.dirname(app.root_path), "migrations")),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.signin"
    login_manager.login_message = "Please sign in to open that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user_from_session)


def _register_blueprints(app: Flask) -> None:
    """Every feature package holds its blueprint; importing its views, models and commands attaches them
    to it (and connects its signal receivers). This is the one place that imports every feature."""
    from quizapp import admin, auth, authoring, bank, classes, main, progress, quiz, review
    from quizapp.admin import cli as admin_cli
    from quizapp.admin import views as admin_views
    from quizapp.auth import models as auth_models
    from quizapp.auth import views as auth_views
    from quizapp.auth.cli import cli as users_cli
    from quizapp.authoring import cli as authoring_cli
    from quizapp.authoring import import_views, set_views
    from quizapp.authoring import models as authoring_models
    from quizapp.authoring import views as authoring_views
    from quizapp.bank import cli as bank_cli
    from quizapp.bank import models as bank_models
    from quizapp.classes import models as classes_models
    from quizapp.classes import retiring, roster_views
    from quizapp.classes import views as classes_views
    from quizapp.main import views as main_views
    from quizapp.progress import cli as progress_cli
    from quizapp.progress import items as progress_items
    from quizapp.progress import views as progress_views
    from quizapp.quiz import cli as quiz_cli
    from quizapp.quiz import models as quiz_models
    from quizapp.quiz import regrade, teaching_views
    from quizapp.quiz import views as quiz_views
    from quizapp.review import cli as review_cli
    from quizapp.review import exam_views
    from quizapp.review import models as review_models
    from quizapp.review import views as review_views

    attached = (
        admin_cli, admin_views, auth_models, auth_views, authoring_cli, import_views, set_views,
        authoring_models, authoring_views, bank_cli, bank_models, classes_models, classes_views, roster_views, retiring,
        main_views, progress_cli, progress_items, progress_views, quiz_cli, quiz_models, regrade,
        teaching_views, quiz_views, review_cli, exam_views, review_models, review_views,
    )  # fmt: skip
    assert all(attached)  # noqa: S101 - imported for their side effects, named so the linter sees them used
    for feature in (main, auth, admin, bank, quiz, review, authoring, classes, progress):
        app.register_blueprint(feature.bp)
    app.register_blueprint(users_cli)


_MARK = 73_950_281_640_372_915  # a number no link holds otherwise: where a link's own number goes


def _around(endpoint: str, name: str) -> tuple[str, str] | tuple[()]:
    """The text of the endpoint's link before and after its number, found by building it with a mark
    for the number; () when the mark cannot be built or is not there exactly once (the link is then
    built each time)."""
    try:
        link = current_app.url_for(endpoint, **{name: _MARK})
    except BuildError:
        return ()
    head, mark, tail = link.partition(str(_MARK))
    return (head, tail) if mark and str(_MARK) not in tail else ()


def _register_template_helpers(app: Flask) -> None:
    from quizapp.markdown import entry_html, entry_plain, render_markdown, render_text

    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(render_text, "text")  # {{ text|text(format) }}: Markdown or sanitised HTML
    app.add_template_filter(entry_html, "entry")  # {{ text|entry(version.data) }}: an html item's entries
    app.add_template_filter(entry_plain, "entry_plain")

    # Per site root: a proxy that passes X-Forwarded-Prefix on lets a client pick one, so each of
    # these per-process copies is emptied once it holds REMEMBERED entries rather than grow.
    links: dict[tuple, str | tuple] = {}
    headers: dict[tuple, str] = {}
    app.extensions["quizapp remembered"] = (links, headers)

    @app.template_global("url_for")
    def remembered_url_for(endpoint: str, **values) -> str:
        """Flask's url_for, remembering the links that take no values (the navigation, static files,
        each the same on every page of the same site): building one costs as much as a short query.
        A link that takes one whole number (a question's, a class's: a table of a hundred rows has a
        hundred) is remembered as its text around that number."""
        if not has_request_context():
            return app.url_for(endpoint, **values)
        if not values or values.keys() == {"filename"}:
            return remembered((request.script_root, endpoint, values.get("filename")), app.url_for, endpoint, **values)
        if len(values) == 1:
            ((name, number),) = values.items()
            if type(number) is int and number >= 0 and not name.startswith("_"):
                around = remembered((request.script_root, endpoint, name), _around, endpoint, name)
                if around:
                    return f"{around[0]}{number}{around[1]}"
        return app.url_for(endpoint, **values)

    def remembered(key: tuple, make, *args, **kwargs):
        """links[key], made by make(*args, **kwargs) the first time (the copy emptied once it is full)."""
        found = links.get(key)
        if found is None:
            if len(links) >= REMEMBERED:
                links.clear()
            found = links[key] = make(*args, **kwargs)
        return found

    @app.template_global()
    def site_header() -> Markup:
        """The header and its navigation, the same for everyone of a role on one site: rendered once
        per role and site root (a dozen links and conditions cost a signed-in page about 60 µs), with
        this session's sign-out token put in."""
        role = str(current_user.role) if current_user.is_authenticated else ""
        key = (request.script_root, role)
        html = headers.get(key)
        if html is None:
            if len(headers) >= REMEMBERED:
                headers.clear()
            html = headers[key] = render_template("_site_header.html", role=role, token=_TOKEN_SLOT)
        return Markup(html.replace(_TOKEN_SLOT, str(escape(csrf_token()))) if role else html)  # noqa: S704

    tokens: dict[str, str] = {}

    @app.template_global("csrf_token")
    def csrf_token() -> str:
        """Flask-WTF's csrf_token(), signed once per session token and process instead of on every page
        (HMAC, zlib and base64: about 50 µs of a signed-in page). A token has no time limit
        (WTF_CSRF_TIME_LIMIT is None), so one signed earlier is the same token; with a limit, or
        before the session has one, Flask-WTF signs afresh."""
        field = app.config["WTF_CSRF_FIELD_NAME"]
        raw = session.get(field)
        if raw is None or app.config["WTF_CSRF_TIME_LIMIT"] is not None:
            return generate_csrf()
        token = tokens.get(raw)
        if token is None:
            if len(tokens) >= 10_000:  # bounded: at worst, sign again
                tokens.clear()
            token = tokens[raw] = generate_csrf()
        setattr(g, field, token)  # what Flask-WTF's own forms read in this request
        return token

    @app.template_global()
    def csrf_field() -> Markup:
        """The hidden CSRF field of a form. A global rather than a macro of _form.html: importing a
        macro costs Jinja about 20 µs a template on every render."""
        return Markup('<input type="hidden" name="csrf_token" value="%s">') % csrf_token()  # noqa: S704

    @app.template_global()
    def absolute_url(endpoint: str, **values) -> str:
        """A link for paper or another device: from QUIZAPP_BASE_URL, never from the request's
        Host header (which anyone can forge); without one (development, tests), the request's host."""
        base = app.config["BASE_URL"]
        return f"{base}{url_for(endpoint, **values)}" if base else url_for(endpoint, _external=True, **values)

    @app.template_filter("localtime")
    def localtime(moment: datetime | None, fmt: str = "%d %b %Y, %H:%M %Z") -> str:
        """A UTC time shown in the signed-in user's own time zone."""
        if moment is None:
            return ""
        zone = current_user.timezone if current_user.is_authenticated else "UTC"
        return moment.astimezone(ZoneInfo(zone)).strftime(fmt)
