"""Operator endpoints: /healthz for load balancers and monitoring."""
from flask import Blueprint, jsonify
from sqlalchemy import text

from portal.extensions import db, limiter
from portal.queue import queue_health

bp = Blueprint("ops", __name__)


@bp.route("/healthz")
@limiter.exempt
def healthz():
    checks = {}
    healthy = True
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any failure means unhealthy; say which kind, not the details
        db.session.rollback()
        checks["database"] = f"error: {type(exc).__name__}"
        healthy = False
    try:
        checks["queue_pending"] = queue_health()["pending"]
    except Exception as exc:
        checks["queue"] = f"error: {type(exc).__name__}"
        healthy = False
    checks["status"] = "ok" if healthy else "error"
    return jsonify(checks), 200 if healthy else 503
