"""Response headers every page carries, and the session idle timeout."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

# No inline script or style anywhere; every byte comes from this host.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

LAST_SEEN_KEY = "last_seen"
# How stale the activity mark may get before a request refreshes it. Refreshing it changes the
# session, and a changed session is re-signed and sent back as a new cookie; doing that on every
# request cost a signature and ~300 bytes of Set-Cookie per page. The mark can lag real activity
# by up to this much, so a session may end up to a minute *before* SESSION_IDLE_TIMEOUT of
# inactivity, never after it (the timeout is never longer than configured).
LAST_SEEN_REFRESH_SECONDS = 60


def safe_next_url(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects)."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _enforce_idle_timeout():
    """Sign out a session that has been idle too long, on the server side, whatever the cookie says."""
    if not current_user.is_authenticated:
        return None
    now = datetime.now(timezone.utc).timestamp()
    last_seen = session.get(LAST_SEEN_KEY)
    timeout = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    if last_seen is not None and now - last_seen > timeout:
        logout_user()
        session.clear()
        flash(_("You were signed out because you were away for a while. Please sign in again."), "info")
        if request.method == "GET" and not request.headers.get("HX-Request"):
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        return redirect(url_for("auth.sign_in"))
    # Static files and health checks are not activity.
    if request.endpoint not in {"static", "ops.healthz"} and (
            last_seen is None or now - last_seen >= LAST_SEEN_REFRESH_SECONDS):
        session[LAST_SEEN_KEY] = now
    return None


def _add_headers(response):
    # Like headers.setdefault for each (a header the view set wins), but one pass over the
    # response's headers instead of a case-insensitive scan per header (~20 µs a response).
    present = {name.lower() for name in response.headers.keys()}
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in present:
            response.headers.add(name, value)
    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Pages with health information must not be kept by shared computers' caches.
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    app.before_request(_enforce_idle_timeout)
    app.after_request(_add_headers)
