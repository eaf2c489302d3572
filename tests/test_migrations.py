"""The migrations build exactly the schema the models describe, on every backend."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.extensions import db
from tests.conftest import BACKENDS, database_of


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "run `flask --app app db migrate -m '...'` and commit the new migration"


@pytest.fixture(params=BACKENDS)
def empty_database(request, tmp_path):
    """A database of its own (the shared one is already at the newest revision)."""
    yield from database_of(request.param, tmp_path / "upgrade.db")


def test_0005_makes_every_existing_helper_a_community_health_worker(empty_database):
    from flask_migrate import downgrade, upgrade

    from portal import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as connection:
            for login, role in (("helper@example.org", "chw"), ("nurse@example.org", "staff")):
                connection.execute(sa.text(
                    "INSERT INTO users (login, password_hash, role, display_name, reading_level, is_active_account,"
                    " created_at, session_version) VALUES (:login, 'x', :role, 'Someone', 'standard', :yes, :now, 1)"),
                    {"login": login, "role": role, "yes": True, "now": datetime.now(timezone.utc)})
        upgrade(revision="0005")
        with db.engine.connect() as connection:
            kinds = dict(connection.execute(sa.text("SELECT login, helper_kind FROM users")).all())
        assert kinds == {"helper@example.org": "chw", "nurse@example.org": None}
        downgrade(revision="0004")  # and back, keeping the accounts
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM users")).scalar() == 2
        db.engine.dispose()
