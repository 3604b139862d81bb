"""The application factory: settings, extensions, blueprints, error pages, headers."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import PROJECT_ROOT, Settings
from app.db import sqlite_engine_options, tune_engine
from app.errors import N_, DomainError, translated
from app.extensions import babel, csrf, db, login, socketio
from app.realtime import install as install_realtime
from app.urls import IdConverter
from app.web import register_filters

# The largest Socket.IO message accepted (a browser video chunk); other events are far smaller.
MAX_SOCKET_MESSAGE_BYTES = 1024 * 1024

FORM_EXPIRED = N_("The form expired or was sent from elsewhere. Reload the page and try again.")

# Content-Security-Policy: only our own scripts, styles and media; no framing.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def create_app(settings: Settings | None = None, **config) -> Flask:
    """Build the application from settings (read from the environment when not given)."""
    settings = settings or Settings()
    app = Flask(
        __name__,
        static_folder=str(PROJECT_ROOT / "static"),
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.update(settings.flask_config())
    if settings.database_url.startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = sqlite_engine_options(settings.database_url)
    else:
        # Many green threads share a process: keep enough connections for them and the writer.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True,
            "pool_size": 20,
            "max_overflow": 20,
        }
    app.config.update(config)
    app.url_map.converters["id"] = IdConverter
    from app.web import Request

    app.request_class = Request

    db.init_app(app)
    with app.app_context():
        tune_engine(db.engine)
    login.init_app(app)
    csrf.init_app(app)
    from app.i18n import select_locale

    babel.init_app(
        app, locale_selector=select_locale, default_translation_directories="translations"
    )
    from app.live.events import register_namespace
    from app.live.packets import guard_malformed_packets
    from app.live.queue import make_manager
    from app.live.runtime import live_runtime

    register_namespace()  # before the server is built, which takes the namespaces
    socketio.init_app(
        app,
        async_mode=settings.async_mode,
        message_queue=settings.message_queue,
        channel=settings.message_queue_channel,
        client_manager=make_manager(
            settings.message_queue,
            settings.message_queue_channel,
            on_restored=lambda: live_runtime(app).resync_rooms(),
        ),
        cors_allowed_origins=settings.accepts_origin,
        max_http_buffer_size=MAX_SOCKET_MESSAGE_BYTES,
        ping_interval=25,
        ping_timeout=20,
        # Each connection's events run in order in its own reader (no greenlet per event):
        # cheaper, and the host's video chunks reach ffmpeg in the order they were sent.
        async_handlers=False,
    )
    guard_malformed_packets(socketio.server)
    install_realtime(socketio.server, fast=settings.fast_sockets)
    if settings.proxy_count:
        # Outside the Socket.IO middleware, so live connections see the client's address too.
        count = settings.proxy_count
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    _register_blueprints(app)
    _connect_listeners()
    _register_error_handlers(app)
    register_filters(app)
    _register_template_globals(app)
    _register_headers(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from app.accounts import views as accounts_views
    from app.api import create_blueprint as api_blueprint
    from app.contracts import views as contracts_views
    from app.fairs import views as fairs_views
    from app.i18n import bp as i18n_bp
    from app.jobs import views as jobs_views
    from app.live import views as live_views
    from app.matching import views as matching_views
    from app.notifications import views as notifications_views
    from app.onsite import views as onsite_views
    from app.people import views as people_views
    from app.reports import views as reports_views
    from app.vendor import bp as vendor_bp

    blueprints = (
        accounts_views.bp,
        fairs_views.bp,
        jobs_views.bp,
        live_views.bp,
        matching_views.bp,
        notifications_views.bp,
        onsite_views.bp,
        people_views.bp,
        reports_views.bp,
        contracts_views.bp,
        i18n_bp,
        vendor_bp,
        api_blueprint(),
    )
    for bp in blueprints:
        app.register_blueprint(bp)


def _connect_listeners() -> None:
    """Who hears what happens (app/announce.py); connecting twice changes nothing."""
    from app.contracts import listeners as contract_listeners
    from app.live import listeners as live_listeners
    from app.matching import listeners as matching_listeners
    from app.notifications import listeners as notification_listeners
    from app.reports import listeners as report_listeners

    live_listeners.connect()
    report_listeners.connect()
    matching_listeners.connect()
    notification_listeners.connect()
    contract_listeners.connect()


def _register_error_handlers(app: Flask) -> None:
    from app.api import handlers as api

    def page(status: int, message: str):
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        if api.is_api_request():
            return api.handle_domain_error(exc)
        db.session.rollback()
        return page(exc.status, exc.text)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        if api.is_api_request():
            return api.handle_csrf_error(exc)
        return page(400, translated(FORM_EXPIRED))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if api.is_api_request():
            return api.handle_http_error(exc)
        return page(exc.code or 500, api.http_message(exc))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if api.is_api_request():
            return api.handle_unexpected(exc)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return page(500, translated(api.UNEXPECTED_MESSAGE))


def _register_template_globals(app: Flask) -> None:
    from flask_babel import get_locale

    from app.i18n import LANGUAGES

    @app.context_processor
    def _globals():
        return {"languages": LANGUAGES, "locale": str(get_locale())}


def _register_headers(app: Flask) -> None:
    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        if request.path.startswith("/api/") or response.mimetype == "text/html":
            headers.setdefault("Cache-Control", "no-store")
        return response
