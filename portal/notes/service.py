"""Clinical notes (open notes) as the patient reads them."""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import ClinicalNote
from portal.models.base import utcnow

PAGE_SIZE = 20


def notes_for(patient_id: int) -> list[ClinicalNote]:
    return list(db.session.scalars(
        select(ClinicalNote).where(ClinicalNote.patient_id == patient_id)
        .order_by(ClinicalNote.written_at.desc()).limit(PAGE_SIZE)
    ))


def note_for(patient_id: int, note_id: int) -> ClinicalNote | None:
    """The note only if it belongs to this patient: another patient's id finds nothing."""
    return db.session.scalar(
        select(ClinicalNote).where(ClinicalNote.id == note_id, ClinicalNote.patient_id == patient_id))


def mark_note_seen(note: ClinicalNote) -> None:
    if note.seen_by_patient_at is None:
        note.seen_by_patient_at = utcnow()
        db.session.commit()
