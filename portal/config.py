"""Settings from environment variables, with safe defaults for the embedded (SQLite) setup."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

# Interface languages with complete catalogs. Content languages (for machine translation of
# notes and messages) are a wider list kept by the language service.
INTERFACE_LANGUAGES = {"en": "English", "es": "Español"}
RIGHT_TO_LEFT = {"ar", "fa", "he", "ur"}


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated on first run and kept in instance/."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two gunicorn workers starting at once must not write two different keys.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"Configuration error: {name} must be a whole number, got {raw!r}.")


def load_config(instance_path: Path) -> dict:
    """The configuration mapping; every key can be set by an environment variable."""
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'portal.db'}"
    if database_url.startswith("postgres://"):  # Heroku-style URLs; SQLAlchemy wants postgresql://
        database_url = "postgresql://" + database_url[len("postgres://"):]
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    idle_minutes = _int("SESSION_IDLE_MINUTES", 15)
    secure_cookies = os.environ.get("SECURE_COOKIES", "0") == "1"
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=idle_minutes),
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=idle_minutes),
        # Send the session cookie only when the session changed (sign-in, a flash, the activity
        # mark that portal.security refreshes once a minute), not re-signed on every response.
        # The cookie's expiry then follows the activity mark, as the server-side timeout does.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "PREFERRED_URL_SCHEME": "https" if secure_cookies else "http",
        "MAX_CONTENT_LENGTH": _int("MAX_UPLOAD_BYTES", 5 * 1024 * 1024),
        "WTF_CSRF_TIME_LIMIT": idle_minutes * 60 * 4,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("CLINIC_TIMEZONE", "America/Los_Angeles"),
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent.parent / "translations"),
        "ARGOS_PACKAGES_DIR": os.environ.get("ARGOS_PACKAGES_DIR") or str(instance_path / "argos-packages"),
        # CTranslate2 threads per translation in the queue consumer; 0 lets it choose.
        "TRANSLATION_THREADS": _int("TRANSLATION_THREADS", 0),
        # Rendered page fragments (the results list) kept per web process; 0 turns it off.
        "FRAGMENT_CACHE_BYTES": _int("FRAGMENT_CACHE_BYTES", 4 * 1024 * 1024),
        "CLINIC_NAME": os.environ.get("CLINIC_NAME", "Community Health Clinic"),
        "CLINIC_PHONE": os.environ.get("CLINIC_PHONE", "(555) 010-0100"),
        "COMPRESS_MIMETYPES": [
            "text/html", "text/css", "text/javascript", "application/javascript",
            "application/json", "image/svg+xml", "text/calendar",
        ],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIN_SIZE": 500,
    }
