"""Who may see which patient's record: the one place that decides, and records, access.

A patient sees their own record. Staff see every patient. A CHW or caregiver sees a patient
only under an unexpired, unrevoked grant that covers the area asked for. Every access by
someone other than the patient is written to the audit log.
"""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, ProxyGrant, Role, Scope, User
from portal.models.base import utcnow


def active_grant(user: User, patient_id: int, scope: Scope) -> ProxyGrant | None:
    now = utcnow()
    grants = db.session.scalars(select(ProxyGrant).where(
        ProxyGrant.grantee_id == user.id,
        ProxyGrant.patient_id == patient_id,
        ProxyGrant.revoked_at.is_(None),
        ProxyGrant.expires_at > now,
    ))
    return next((g for g in grants if scope in g.scope_set), None)


def can_access(user: User, patient_id: int, scope: Scope) -> bool:
    if not user.is_authenticated:
        return False
    if user.role is Role.PATIENT:
        return user.patient_id == patient_id
    if user.role in (Role.STAFF, Role.ADMIN):
        return True
    return active_grant(user, patient_id, scope) is not None


def record_access(user: User, patient_id: int, action: str, what: str, object_id: int | None = None) -> None:
    """Audit an access unless it is the patient looking at their own record."""
    if user.role is Role.PATIENT and user.patient_id == patient_id:
        return
    db.session.add(AuditEvent(
        actor_id=user.id, patient_id=patient_id, action=action, what=what,
        object_id=object_id, route=request.path if request else None,
        ip=request.remote_addr if request else None,
    ))
    db.session.commit()


def own_patient_id() -> int:
    """The signed-in patient's record id; other roles reach records through their own views."""
    if current_user.role is not Role.PATIENT or current_user.patient_id is None:
        abort(403)
    return current_user.patient_id
