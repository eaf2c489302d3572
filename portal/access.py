"""Who may see which patient's record: the one place that decides, and records, access.

A patient sees their own record. Staff see every patient. A CHW or caregiver sees a patient
only under an unexpired, unrevoked grant that covers the area asked for. Every access by
someone other than the patient is written to the audit log.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, request, session
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, and_, select

from portal.extensions import db
from portal.models import AuditEvent, Patient, ProxyGrant, Role, Scope, User
from portal.models.base import utcnow

# The patient a CHW or caregiver has chosen to act for (set from their dashboard).
ACTING_FOR_KEY = "acting_for"
CLINIC_ROLES = frozenset({Role.STAFF, Role.ADMIN})


def grant_in_force() -> ColumnElement[bool]:
    """SQL condition: the grant is neither revoked nor expired (evaluated now, on every request)."""
    return and_(ProxyGrant.revoked_at.is_(None), ProxyGrant.expires_at > utcnow())


def grants_in_force(user: User, patient_id: int) -> list[ProxyGrant]:
    return list(db.session.scalars(select(ProxyGrant).where(
        ProxyGrant.grantee_id == user.id, ProxyGrant.patient_id == patient_id, grant_in_force())))


def active_grant(user: User, patient_id: int, scope: Scope) -> ProxyGrant | None:
    return next((g for g in grants_in_force(user, patient_id) if scope in g.scope_set), None)


def can_access(user: User, patient_id: int, scope: Scope) -> bool:
    if not user.is_authenticated:
        return False
    if user.role is Role.PATIENT:
        return user.patient_id == patient_id
    if user.role in CLINIC_ROLES:
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


def patient_in_view(scope: Scope) -> int:
    """The record a patient-facing page shows: the patient's own, or, for a CHW or caregiver, the
    patient they act for, if a grant in force covers this area (checked on every request, so a
    revoked grant stops working at once). Every proxy access is audited. Staff read records
    through the staff console, not these pages."""
    if current_user.role is Role.PATIENT and current_user.patient_id is not None:
        return current_user.patient_id
    if current_user.role is Role.CHW:
        patient_id = session.get(ACTING_FOR_KEY)
        if patient_id is not None and active_grant(current_user, patient_id, scope) is not None:
            record_access(current_user, patient_id, "view" if request.method == "GET" else "change", scope.value)
            return patient_id
    abort(403)


def own_record() -> int:
    """For pages only the patient may use (who may help them, who looked at their record): a
    helper acting for the patient must not hand out or read access on the patient's behalf."""
    if current_user.role is Role.PATIENT and current_user.patient_id is not None:
        return current_user.patient_id
    abort(403)


def roles_required(roles: frozenset[Role]):
    """A view for signed-in users with one of these roles; anyone else gets 403."""
    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorate


staff_required = roles_required(CLINIC_ROLES)  # clinic pages: staff and administrators
admin_required = roles_required(frozenset({Role.ADMIN}))


def _acting_grants() -> list[ProxyGrant]:
    """Grants in force from the patient the signed-in CHW acts for (none for other users)."""
    if not current_user.is_authenticated or current_user.role is not Role.CHW:
        return []
    patient_id = session.get(ACTING_FOR_KEY)
    if patient_id is None:
        return []
    return grants_in_force(current_user, patient_id)


def acting_for() -> Patient | None:
    """For the "Acting for ..." banner: the patient a CHW acts for while a grant is in force."""
    grants = _acting_grants()
    return grants[0].patient if grants else None


def acting_scopes() -> set[Scope]:
    """The areas the CHW may open for the patient they act for (for the menu)."""
    return {scope for grant in _acting_grants() for scope in grant.scope_set}
