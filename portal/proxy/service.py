"""Proxy access and assisted enrolment, as plain functions (no request needed).

Helpers (community health workers and family caregivers) have role CHW: the role means "acts for
patients under their grants", which is the same for both, so every access check keys on it alone.
User.helper_kind says which of the two a helper is, only to name them truthfully.
"""
from __future__ import annotations

import enum
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from portal.access import grant_in_force
from portal.audit.service import LAST_PAGE
from portal.auth.passwords import hash_password, verify_password
from portal.auth.service import normalise_login
from portal.extensions import db
from portal.models import Patient, ProxyGrant, Role, Scope, User
from portal.models.base import utcnow
from portal.models.people import HelperKind

LONGEST_GRANT = timedelta(days=5 * 365)
ACTIVATION_DAYS = 14
ENDED_GRANTS_SHOWN = 10
PATIENTS_PER_PAGE = 25
# No 0/O, 1/I/L: codes are read off paper and typed on a phone.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 10
_HELPER_TAG_LENGTH = 4


# ---------------------------------------------------------------------------------------------
# Finding a helper


def helper_code(user_id: int) -> str:
    """The short code a helper shows a patient: their id and a keyed check, so a typo finds
    nobody instead of a stranger ("12-K4QX")."""
    return f"{user_id}-{_helper_tag(user_id)}"


def _helper_tag(user_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"helper-code:{user_id}".encode(), hashlib.sha256).digest()
    return "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:_HELPER_TAG_LENGTH])


def find_helper(login_or_code: str) -> User | None:
    """The active helper account with this login or helper code, else None."""
    text = login_or_code.strip()
    compact = re.sub(r"[\s-]", "", text).upper()
    match = re.fullmatch(rf"(\d{{1,9}})([{_ALPHABET}]{{{_HELPER_TAG_LENGTH}}})", compact)
    if match and hmac.compare_digest(match.group(2), _helper_tag(int(match.group(1)))):
        condition = User.id == int(match.group(1))
    else:
        condition = User.login == normalise_login(text)
    return db.session.scalar(select(User).where(condition, User.role == Role.CHW, User.is_active_account.is_(True)))


# ---------------------------------------------------------------------------------------------
# Grants


def clinic_today() -> date:
    return datetime.now(_clinic_zone()).date()


def _clinic_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def expiry_for(days: int | None = None, until: date | None = None) -> datetime:
    """The end of the last day of access, in the clinic's time zone: "for 30 days" or "until 3 March"."""
    last_day = until if until is not None else clinic_today() + timedelta(days=days)
    return datetime.combine(last_day, time(23, 59, 59), tzinfo=_clinic_zone()).astimezone(timezone.utc)


def latest_grant_day() -> date:
    return clinic_today() + LONGEST_GRANT


def grant_access(patient_id: int, helper: User, scopes: list[Scope], expires_at: datetime, by: User) -> ProxyGrant:
    """A new grant; it replaces any grant in force from this patient to this helper, so the
    choices made last are the ones that count (the old grant stays, revoked, for the record)."""
    now = utcnow()
    for old in db.session.scalars(select(ProxyGrant).where(
            ProxyGrant.patient_id == patient_id, ProxyGrant.grantee_id == helper.id, grant_in_force())):
        old.revoked_at = now
    grant = ProxyGrant(patient_id=patient_id, grantee_id=helper.id, created_by_id=by.id,
                       scopes=" ".join(s.value for s in Scope if s in scopes), expires_at=expires_at)
    db.session.add(grant)
    db.session.commit()
    return grant


def grant_of(patient_id: int, grant_id: int) -> ProxyGrant | None:
    """The grant only if this patient gave it: another patient's grant id finds nothing."""
    return db.session.scalar(select(ProxyGrant).where(ProxyGrant.id == grant_id, ProxyGrant.patient_id == patient_id))


def revoke(grant: ProxyGrant) -> None:
    if grant.revoked_at is None:
        grant.revoked_at = utcnow()
        db.session.commit()


@dataclass(frozen=True)
class PatientGrants:
    in_force: list[ProxyGrant]
    ended: list[ProxyGrant]  # the most recent ones


def grants_of_patient(patient_id: int) -> PatientGrants:
    base = (select(ProxyGrant).where(ProxyGrant.patient_id == patient_id)
            .options(selectinload(ProxyGrant.grantee)).order_by(ProxyGrant.created_at.desc(), ProxyGrant.id.desc()))
    return PatientGrants(
        in_force=list(db.session.scalars(base.where(grant_in_force()))),
        ended=list(db.session.scalars(base.where(~grant_in_force()).limit(ENDED_GRANTS_SHOWN))),
    )


def may_act_for(user: User, patient_id: int) -> bool:
    """A helper may choose a patient who has a grant in force for them (whatever its areas)."""
    return user.role is Role.CHW and db.session.scalar(select(func.count(ProxyGrant.id)).where(
        ProxyGrant.grantee_id == user.id, ProxyGrant.patient_id == patient_id, grant_in_force())) > 0


# ---------------------------------------------------------------------------------------------
# Assisted enrolment


def new_activation_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def _normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).upper()


def issue_activation_code(user: User) -> str:
    """A new one-time code for the account (any earlier one stops working); only its hash is kept.
    Shown once, on the printed sheet. Also how the clinic helps a patient who forgot their password."""
    code = new_activation_code()
    user.activation_code_hash = hash_password(_normalise_code(code))
    user.activation_expires_at = utcnow() + timedelta(days=ACTIVATION_DAYS)
    db.session.commit()
    return code


def login_taken(login: str) -> bool:
    return db.session.scalar(select(func.count(User.id)).where(User.login == normalise_login(login))) > 0


def _new_account(login: str, role: Role, display_name: str, language: str, patient: Patient | None,
                 helper_kind: HelperKind | None = None) -> User:
    # Nobody knows this password: the account opens only with the activation code.
    user = User(login=normalise_login(login), password_hash=hash_password(secrets.token_urlsafe(32)), role=role,
                display_name=display_name, preferred_language=language, patient=patient, helper_kind=helper_kind)
    db.session.add(user)
    db.session.flush()
    return user


def enrol_patient(patient: Patient, login: str, language: str) -> tuple[User, str]:
    user = _new_account(login, Role.PATIENT, patient.display_name, language, patient)
    return user, issue_activation_code(user)


def enrol_helper(login: str, display_name: str, language: str, kind: HelperKind) -> tuple[User, str]:
    user = _new_account(login, Role.CHW, display_name, language, None, helper_kind=HelperKind(kind))
    return user, issue_activation_code(user)


class Activation(enum.Enum):
    DONE = "done"
    WRONG = "wrong"  # no such account, a wrong code, or a code already used
    EXPIRED = "expired"


def activate(login: str, code: str, password: str) -> tuple[Activation, User | None]:
    """Set the password with a one-time code. The code works once; an expired code is named as
    such only when it is right, so the answer tells a guesser nothing."""
    user = db.session.scalar(select(User).where(User.login == normalise_login(login)))
    if not verify_password(user.activation_code_hash if user else None, _normalise_code(code)):
        return Activation.WRONG, None
    if user.activation_expires_at is None or _aware(user.activation_expires_at) <= utcnow():
        return Activation.EXPIRED, None
    user.password_hash = hash_password(password)
    user.activation_code_hash = None
    user.activation_expires_at = None
    user.session_version += 1  # a forgotten password's old sessions end here
    db.session.commit()
    return Activation.DONE, user


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes (stored as UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# ---------------------------------------------------------------------------------------------
# The clinic's list of patients, for access and accounts


@dataclass(frozen=True)
class PatientsPage:
    patients: list[Patient]
    page: int
    has_more: bool


def patients_page(search: str, page: int) -> PatientsPage:
    page = min(max(page, 1), LAST_PAGE)
    query = select(Patient).options(selectinload(Patient.user)).order_by(Patient.family_name, Patient.given_name, Patient.id)
    for word in search.split()[:4]:
        query = query.where(or_(Patient.given_name.icontains(word, autoescape=True),
                                Patient.family_name.icontains(word, autoescape=True)))
    rows = list(db.session.scalars(query.offset((page - 1) * PATIENTS_PER_PAGE).limit(PATIENTS_PER_PAGE + 1)))
    return PatientsPage(rows[:PATIENTS_PER_PAGE], page, len(rows) > PATIENTS_PER_PAGE)
