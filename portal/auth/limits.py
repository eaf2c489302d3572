"""Rate limits for forms that take a password or a code: per address and per account."""
from __future__ import annotations

from flask import current_app, request

from portal.auth.service import normalise_login
from portal.extensions import limiter


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def limit_attempts(prefix: str):
    """Limit POSTs to LOGIN_RATE_LIMIT per address and per account named in the form's "login"
    field, so spreading guesses over many addresses does not help."""
    def account_key() -> str:
        return f"{prefix}:" + normalise_login(request.form.get("login", ""))

    def decorate(view):
        view = limiter.limit(_limit, methods=["POST"], key_func=account_key)(view)
        return limiter.limit(_limit, methods=["POST"])(view)
    return decorate
