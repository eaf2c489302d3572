"""Clinical notes (open notes) as the patient reads them: as written, in simpler words, or
machine-translated into their language (with the original one tap away)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select

import plain_language
from portal.extensions import db
from portal.language.service import ReaderView, reader_view
from portal.models import ClinicalNote, ReadingLevel
from portal.models.base import utcnow

PAGE_SIZE = 20
ORIGINAL, SIMPLER = "original", "simpler"


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


@lru_cache(maxsize=256)
def simplified(text: str, language: str) -> plain_language.Simplified | None:
    """Simpler words for a note; None for a language the plain-language layer does not cover."""
    if language not in plain_language.LANGUAGES:
        return None
    return plain_language.simplify(text, language)


def simplified_text(note: ClinicalNote) -> str:
    result = simplified(note.text, note.language)
    return result.text if result else note.text


@dataclass(frozen=True)
class NoteReading:
    note: ClinicalNote
    version: str  # ORIGINAL or SIMPLER: the one on the page now
    simpler: plain_language.Simplified | None
    translation: ReaderView  # status "original" when the reader reads the note's language
    untranslated: bool  # the reader asked for the note's own language

    @property
    def text(self) -> str:
        """The version's text in the note's own language."""
        return self.simpler.text if self.version == SIMPLER else self.note.text


def opening_version(reading_level: ReadingLevel) -> str:
    return ORIGINAL if reading_level is ReadingLevel.STANDARD else SIMPLER


def read_note(note: ClinicalNote, reader_language: str, version: str, untranslated: bool = False) -> NoteReading:
    """The note in the version asked for, translated for the reader unless they asked for the original."""
    simpler = simplified(note.text, note.language)
    if simpler is None or simpler.text == note.text:
        version = ORIGINAL  # nothing simpler to offer
    kind = "note_simple" if version == SIMPLER else "note"
    target = note.language if untranslated else reader_language
    return NoteReading(note, version, simpler, reader_view(kind, note.id, note.language, target),
                       untranslated and reader_language != note.language)
