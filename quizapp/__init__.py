"""quizapp: learn the Korean War armistice, the Sino-Soviet split and Chuch'e from one article."""

import importlib
import os
import pkgutil
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, url_for
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

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

    _init_extensions(app)
    _register_blueprints(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    _register_template_helpers(app)

    from quizapp.errors import register_error_handlers

    register_error_handlers(app)

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if current_user and current_user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store")
        if app.config["ENVIRONMENT"] == "production" and app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response

    return app


def _init_extensions(app: Flask) -> None:
    from quizapp.auth.services import load_user_from_session
    from quizapp.database import configure_engine
    from quizapp.extensions import csrf, db, login_manager, migrate

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


FEATURES = ("main", "auth", "admin", "bank", "quiz", "review", "authoring", "classes", "progress")


def _register_blueprints(app: Flask) -> None:
    """Each feature package holds its blueprint; its models, views and commands attach to it here,
    after every package exists, so features may use each other's services without import cycles."""
    from quizapp.auth.cli import cli as users_cli

    for name in FEATURES:
        package = importlib.import_module(f"quizapp.{name}")
        for module in pkgutil.iter_modules(package.__path__):
            if module.name in ("models", "cli") or module.name.endswith("views"):
                importlib.import_module(f"quizapp.{name}.{module.name}")
        app.register_blueprint(package.bp)
    app.register_blueprint(users_cli)


def _register_template_helpers(app: Flask) -> None:
    from quizapp.markdown import render_markdown

    app.add_template_filter(render_markdown, "markdown")

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
