"""The patient portal: create_app() builds the Flask application (nothing runs at import)."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from portal.paths import PROJECT_ROOT, instance_path


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(instance_path()),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=None,  # portal.assets serves static files under versioned names
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from portal.config import load_config
    app.config.from_mapping(load_config(Path(app.instance_path)))
    if test_config:
        app.config.from_mapping(test_config)

    _init_extensions(app)
    _register_blueprints(app)

    from portal import assets, security, templating
    from portal.cli import register_cli
    assets.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from portal import models  # noqa: F401  (registers the tables with the metadata)
    from portal.auth.session import init_login
    from portal.extensions import babel, compress, csrf, db, limiter, migrate
    from portal.fragment_cache import init_fragment_cache
    from portal.language.locale import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"),
                     render_as_batch=True, compare_type=True)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    csrf.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    init_login(app)
    init_fragment_cache(app)


def _register_blueprints(app: Flask) -> None:
    from portal.account.routes import bp as account_bp
    from portal.admin.routes import bp as admin_bp
    from portal.appointments.routes import bp as appointments_bp
    from portal.audit.routes import bp as audit_bp
    from portal.auth.routes import bp as auth_bp
    from portal.errors import register_error_handlers
    from portal.home.routes import bp as home_bp
    from portal.medications.routes import bp as medications_bp
    from portal.messages.routes import bp as messages_bp
    from portal.notes.routes import bp as notes_bp
    from portal.ops.routes import bp as ops_bp
    from portal.proxy.routes import bp as proxy_bp
    from portal.results.routes import bp as results_bp
    from portal.staff.routes import bp as staff_bp

    for bp in (auth_bp, home_bp, results_bp, notes_bp, messages_bp, medications_bp, appointments_bp,
               staff_bp, proxy_bp, audit_bp, account_bp, admin_bp, ops_bp):
        app.register_blueprint(bp)
    register_error_handlers(app)
