"""Configuration from the environment, with safe defaults for the embedded setup."""
from __future__ import annotations

import stat

from portal.config import load_config


def test_secret_key_is_generated_once_and_kept_private(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    assert len(first) >= 64
    assert load_config(tmp_path)["SECRET_KEY"] == first, "a restart must keep sessions valid"
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_secret_key_from_the_environment_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert load_config(tmp_path)["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_database_defaults_to_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'portal.db'}"


def test_postgres_urls_use_the_psycopg_driver(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://clinic@db.internal/portal")
    assert load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://clinic@db.internal/portal"


def test_queue_url_must_be_sqlite_or_redis():
    import pytest

    from portal.queue import make_huey
    with pytest.raises(SystemExit, match="QUEUE_URL must start with sqlite:/// or redis://"):
        make_huey("amqp://localhost")
