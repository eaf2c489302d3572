"""Sign-in logic, callable without a request."""
from __future__ import annotations

from sqlalchemy import select

from portal.auth.passwords import hash_password, needs_rehash, verify_password
from portal.extensions import db
from portal.models import User
from portal.models.base import utcnow


def normalise_login(login: str) -> str:
    return login.strip().lower()


def authenticate(login: str, password: str) -> User | None:
    """The active user with this login and password, else None (same cost either way)."""
    user = db.session.scalar(select(User).where(User.login == normalise_login(login)))
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.commit()
    return user
