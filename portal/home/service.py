"""What each kind of user sees first after signing in."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import ClinicalNote, Message, MessageThread, Patient, ProxyGrant, Result, Role, User
from portal.models.base import utcnow

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


def patients_helped_by(user_id: int) -> list[Patient]:
    """Patients who have given this CHW or caregiver a grant that is still in force."""
    now = utcnow()
    return list(db.session.scalars(
        select(Patient).join(ProxyGrant, ProxyGrant.patient_id == Patient.id)
        .where(ProxyGrant.grantee_id == user_id, ProxyGrant.revoked_at.is_(None), ProxyGrant.expires_at > now)
        .order_by(Patient.family_name, Patient.given_name).distinct()
    ))


def all_patients() -> list[Patient]:
    return list(db.session.scalars(select(Patient).order_by(Patient.family_name, Patient.given_name)))
