"""What each kind of user sees first after signing in."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from portal.access import grant_in_force
from portal.extensions import db
from portal.models import ClinicalNote, Message, MessageThread, Patient, ProxyGrant, Result, Role, Scope, User

NEW_ITEMS_SHOWN = 5


@dataclass(frozen=True)
class WhatsNew:
    results: list[Result]
    new_result_count: int
    notes: list[ClinicalNote]
    new_note_count: int
    unread_messages: int


def whats_new(patient_id: int) -> WhatsNew:
    """Items the patient has not opened yet, newest first (a fixed number of queries)."""
    new_results = select(Result).where(Result.patient_id == patient_id, Result.seen_by_patient_at.is_(None))
    new_notes = select(ClinicalNote).where(
        ClinicalNote.patient_id == patient_id, ClinicalNote.seen_by_patient_at.is_(None))
    unread = (
        select(func.count(Message.id)).join(MessageThread)
        .join(User, Message.author_id == User.id)
        .where(MessageThread.patient_id == patient_id, Message.read_by_patient_at.is_(None),
               User.role.in_([Role.STAFF, Role.ADMIN]))
    )
    return WhatsNew(
        results=list(db.session.scalars(new_results.order_by(Result.effective_at.desc()).limit(NEW_ITEMS_SHOWN))),
        new_result_count=db.session.scalar(select(func.count()).select_from(new_results.subquery())),
        notes=list(db.session.scalars(new_notes.order_by(ClinicalNote.written_at.desc()).limit(NEW_ITEMS_SHOWN))),
        new_note_count=db.session.scalar(select(func.count()).select_from(new_notes.subquery())),
        unread_messages=db.session.scalar(unread),
    )


@dataclass(frozen=True)
class HelpedPatient:
    patient: Patient
    scopes: set[Scope]
    until: datetime


def patients_helped_by(user_id: int) -> list[HelpedPatient]:
    """Patients who have given this CHW or caregiver a grant that is still in force, with what
    their grants allow (one query)."""
    grants = db.session.scalars(
        select(ProxyGrant).join(Patient, ProxyGrant.patient_id == Patient.id)
        .where(ProxyGrant.grantee_id == user_id, grant_in_force())
        .options(contains_eager(ProxyGrant.patient))
        .order_by(Patient.family_name, Patient.given_name, Patient.id))
    helped: dict[int, HelpedPatient] = {}
    for grant in grants:
        earlier = helped.get(grant.patient_id)
        if earlier is None:
            helped[grant.patient_id] = HelpedPatient(grant.patient, grant.scope_set, grant.expires_at)
        else:  # a new grant replaces the old one, but data from elsewhere may hold two: show both together
            helped[grant.patient_id] = HelpedPatient(grant.patient, earlier.scopes | grant.scope_set,
                                                     max(earlier.until, grant.expires_at))
    return list(helped.values())


def all_patients() -> list[Patient]:
    return list(db.session.scalars(select(Patient).order_by(Patient.family_name, Patient.given_name)))
