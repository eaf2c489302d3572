"""Fixtures: a fresh app and database per test, on SQLite always and on PostgreSQL when
TEST_DATABASE_URL is set (CI sets it), plus helpers that speak the user's actions."""
from __future__ import annotations

import contextvars
import os
import re
import tempfile
import uuid
from pathlib import Path

# The portal reads these at import time (instance folder, job queue): point them at a scratch
# folder before anything imports it, so tests never touch a developer's instance/.
_SCRATCH = Path(tempfile.mkdtemp(prefix="portal-tests-"))
os.environ["INSTANCE_PATH"] = str(_SCRATCH / "instance")
os.environ["QUEUE_URL"] = f"sqlite:///{_SCRATCH / 'queue.db'}"

import pytest  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from flask.testing import FlaskClient  # noqa: E402

import portal.auth.passwords  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from portal import create_app  # noqa: E402
from portal.extensions import db, limiter  # noqa: E402
from portal.language.engines import FakeEngine  # noqa: E402
from portal.queue import huey  # noqa: E402
from tests import factories  # noqa: E402

BACKENDS = ["sqlite", "postgresql"]

# Argon2 at production cost takes ~0.3 s a hash on these machines; tests hash hundreds. The
# hash records its own parameters, so verification works the same with cheaper ones.
portal.auth.passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

# Jobs run inside the call that queues them, so a test sees their effect at once. The queue's
# real storage (SQLite, Redis) has its own tests in tests/test_queue.py.
huey.immediate = True


def _postgres_database(base_url: str):
    """Create a throw-away database on the server in TEST_DATABASE_URL; yield its URL."""
    import psycopg

    name = f"portal_test_{uuid.uuid4().hex[:10]}"
    server = sa.engine.make_url(base_url)
    conninfo = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_of(backend: str, sqlite_file: Path):
    """Yield the URL of a new, empty database: `sqlite_file`, or a throw-away PostgreSQL one."""
    if backend == "sqlite":
        yield f"sqlite:///{sqlite_file}"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (CI sets it), e.g. postgresql://postgres@127.0.0.1/test")
    yield from _postgres_database(base)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    yield from database_of(request.param, tmp_path_factory.mktemp("db") / "portal.db")


@pytest.fixture(scope="session")
def migrated(database_url):
    """Build the schema once per backend with the real migrations, as an operator would."""
    from flask_migrate import upgrade

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
    return database_url


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("TRUNCATE " + ", ".join(t.name for t in tables) + " RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


class IsolatedClient(FlaskClient):
    """Each request gets its own application context, database session and `g`, as in production,
    even though the test itself keeps an application context open for its own queries."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def engine():
    """The translation engine the app uses in tests: deterministic, records its calls."""
    return FakeEngine()


@pytest.fixture
def app(migrated, engine):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": migrated, "TRANSLATION_ENGINE": engine})
    app.test_client_class = IsolatedClient
    with app.app_context():
        _empty_all_tables()
        limiter.reset()
        yield app
        db.session.remove()
        # Each test's app has its own pool; close it so parallel suites do not exhaust PostgreSQL.
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def people(app):
    """Two patients with records, a staff member and a CHW with no grant yet."""
    return factories.clinic()


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


class Browser:
    """A user's actions over plain HTTP: what a phone with JavaScript off does."""

    def __init__(self, client):
        self.client = client

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def submit(self, page_url: str, action: str, data: dict, **kwargs):
        """Open page_url, take its CSRF token, post data to action (as the page's form would)."""
        page = self.client.get(page_url, **kwargs)
        return self.client.post(action, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data}, **kwargs)

    def sign_in(self, login: str, password: str = factories.PASSWORD, **kwargs):
        return self.submit("/sign-in", "/sign-in", {"login": login, "password": password}, **kwargs)

    def sign_out(self):
        return self.submit("/", "/sign-out", {})


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def demo(app):
    """The demo clinic from `flask portal seed-demo`; returns its logins (role, login, password)."""
    from portal.demo.seed import seed_demo

    return seed_demo(db.session)
