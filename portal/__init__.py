"""Cofinancia: grants management and co-financing portal."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import ROOT, load_config


def create_app(env: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the application. Does no I/O beyond reading configuration."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(load_config(env, overrides))
    if app.config.get("PROXY_FIX_HOPS"):
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from portal.core.converters import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any rule is added
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from portal.core import assets, i18n, input_guard, nav, requests, security
    from portal.extensions import csrf, db, limiter, login_manager

    assets.init_app(app)  # fingerprinted static files, answered before the app (WhiteNoise)
    db.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    if app.config.get("REDIS_URL"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    limiter.init_app(app)
    requests.limits_only_where_declared(app, limiter)
    login_manager.init_app(app)
    security.init_app(app)
    requests.init_app(app)
    input_guard.init_app(app)
    nav.init_app(app)

    from portal.accounts import enrolment_guard, navigation, session_auth

    session_auth.init_app(app)
    enrolment_guard.init_app(app)  # after the session: it needs the signed-in user
    navigation.init_app(app)  # core's navigation knows no domain: accounts registers the menu
    _install_session_hooks(app)

    from portal import ops

    ops.init_app(app)  # logging, then the request log: its hooks go first and last of all


def _install_session_hooks(app: Flask) -> None:
    """One unit of work per request; audit entries sealed at commit; e-mails delivered after
    it (an ``on_commit`` callback registered when a message is flushed)."""
    from portal.audit import chain, receivers
    from portal.core import unit_of_work
    from portal.core.db import _AppSession
    from portal.mail import operations as mail
    from portal.reviews import summaries

    unit_of_work.init_app(app)
    chain.ensure_installed(_AppSession)
    receivers.connect()
    mail.install(_AppSession)
    summaries.install(_AppSession)  # score summaries rewritten with the reviews they sum up


def _register_blueprints(app: Flask) -> None:
    from portal.blueprints import BLUEPRINTS

    for bp in BLUEPRINTS:
        app.register_blueprint(bp)

    from portal.core import error_pages

    error_pages.init_app(app)


def _register_cli(app: Flask) -> None:
    from portal.cli import register

    register(app)
