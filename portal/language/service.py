"""Notes, messages and the patient's words on a request in the reader's language: ask for a
translation, run it, read it back.

The web process only reads DocumentTranslation rows and queues jobs; models are loaded by the
queue consumer (portal/language/jobs.py), so a web worker never pays for CTranslate2.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.language.cache import DatabaseCache
from portal.language.engines import ArgosEngine, EngineError, TranslationEngine
from portal.language.pipeline import detect_language, translate_document
from portal.models import AppointmentRequest, ClinicalNote, DocumentTranslation, Message, RefillRequest
from portal.models.base import utcnow

PENDING, READY, NO_MODEL, FAILED = "pending", "ready", "no_model", "failed"
# Every kind of translated text: kind -> (model, field). DocumentTranslation.kind holds the key.
_SOURCES = {"note": (ClinicalNote, "text"), "note_simple": (ClinicalNote, "text"), "message": (Message, "body"),
            # What a patient typed on a renewal or visit request, translated for staff.
            "renewal_note": (RefillRequest, "patient_note"), "visit_note": (AppointmentRequest, "reason")}
# These rows store no language (a schema change for one column each was not worth it): it is
# detected as a message's is, from the text, else the patient's. Detection is deterministic, so
# queueing and the job agree.
_DETECTED = {"renewal_note", "visit_note"}
_engine_lock = threading.Lock()
_engines: dict[str, ArgosEngine] = {}


def engine() -> TranslationEngine:
    """The configured engine: TRANSLATION_ENGINE (tests set a FakeEngine), else Argos, one per process."""
    configured = current_app.config.get("TRANSLATION_ENGINE")
    if configured is not None:
        return configured
    packages_dir = current_app.config["ARGOS_PACKAGES_DIR"]
    with _engine_lock:
        if packages_dir not in _engines:
            _engines[packages_dir] = ArgosEngine(packages_dir, intra_threads=current_app.config["TRANSLATION_THREADS"])
        return _engines[packages_dir]


def _source(kind: str, object_id: int) -> tuple[str, str]:
    model, field = _SOURCES[kind]
    row = db.session.get(model, object_id)
    if row is None:
        raise LookupError(f"no {kind} {object_id}")
    if kind == "note_simple":  # the simpler-words version is what gets translated
        from portal.notes.service import simplified_text
        return simplified_text(row), row.language
    if kind in _DETECTED:
        text = getattr(row, field) or ""
        return text, _written_language(text, row.patient_id)
    return getattr(row, field), row.language or "en"


def _written_language(text: str, patient_id: int) -> str:
    from portal.messages.service import patient_language  # it imports this module
    from portal.models import Patient
    return detect_language(text) or patient_language(db.session.get(Patient, patient_id))


def translation_for(kind: str, object_id: int, target: str) -> DocumentTranslation | None:
    return db.session.scalar(select(DocumentTranslation).where(
        DocumentTranslation.kind == kind, DocumentTranslation.object_id == object_id,
        DocumentTranslation.target_lang == target))


def request_translation(kind: str, object_id: int, target: str) -> DocumentTranslation | None:
    """Make sure a translation for this reader exists or is on its way; None when none is needed
    (already in the reader's language, or nothing written)."""
    text, source = _source(kind, object_id)
    if source == target or not (text or "").strip():
        return None
    existing = translation_for(kind, object_id, target)
    if existing is not None:
        return existing
    row = DocumentTranslation(kind=kind, object_id=object_id, source_lang=source, target_lang=target, status=PENDING)
    db.session.add(row)
    db.session.commit()
    from portal.language.jobs import translate_later  # the queue module imports this one
    translate_later(kind, object_id, target)
    return row


def run_translation(kind: str, object_id: int, target: str) -> DocumentTranslation:
    """Translate now (in the queue consumer) and store the outcome. EngineError propagates for a retry."""
    text, source = _source(kind, object_id)
    row = translation_for(kind, object_id, target) or DocumentTranslation(
        kind=kind, object_id=object_id, source_lang=source, target_lang=target, attempts=0)
    db.session.add(row)
    row.attempts += 1
    row.updated_at = utcnow()
    try:
        result = translate_document(text, source, target, engine(), DatabaseCache())
    except EngineError as error:
        row.status, row.last_error = FAILED, str(error)[:2000]
        db.session.commit()
        raise
    if not result.translated:
        row.status, row.segments, row.last_error = NO_MODEL, None, None
    else:
        row.status, row.last_error = READY, None
        row.model_version = result.model_version
        row.segments = [{"source": s.source, "text": s.text, "kind": s.kind, "kept_original": s.kept_original}
                        for s in result.segments]
    db.session.commit()
    return row


@dataclass(frozen=True)
class ReaderView:
    """What a page shows for a document: the original, or the translation and how it stands."""
    status: str  # "original" (same language), PENDING, READY, NO_MODEL or FAILED
    translation: DocumentTranslation | None = None


def reader_view(kind: str, object_id: int, source: str, target: str) -> ReaderView:
    if source == target:
        return ReaderView("original")
    row = translation_for(kind, object_id, target) or request_translation(kind, object_id, target)
    return _view(row)


def _view(row: DocumentTranslation) -> ReaderView:
    # A failed job that is still retrying looks like "pending" to the reader; the admin sees why.
    from portal.language.jobs import RETRIES
    status = PENDING if row.status == FAILED and row.attempts <= RETRIES else row.status
    return ReaderView(status, row)


def views_for(kind: str, object_ids: list[int], target: str) -> dict[int, ReaderView]:
    """How each of these texts reads in `target`, with one query for the translations there are.

    For kinds whose language is detected: a text without a row is either in `target` already or
    was written before it was queued on submit; request_translation tells which (and queues it),
    so an English note costs a detection per page view, not a row.
    """
    found = {row.object_id: row for row in db.session.scalars(select(DocumentTranslation).where(
        DocumentTranslation.kind == kind, DocumentTranslation.target_lang == target,
        DocumentTranslation.object_id.in_(object_ids)))} if object_ids else {}
    views = {}
    for object_id in object_ids:
        row = found.get(object_id) or request_translation(kind, object_id, target)
        views[object_id] = ReaderView("original") if row is None else _view(row)
    return views


def failed_translations(limit: int = 50) -> list[DocumentTranslation]:
    return list(db.session.scalars(select(DocumentTranslation).where(DocumentTranslation.status == FAILED)
                                   .order_by(DocumentTranslation.updated_at.desc()).limit(limit)))


def retry_translation(translation_id: int) -> None:
    row = db.session.get(DocumentTranslation, translation_id)
    if row is None:
        raise LookupError(translation_id)
    row.status, row.attempts = PENDING, 0
    db.session.commit()
    from portal.language.jobs import translate_later
    translate_later(row.kind, row.object_id, row.target_lang)


def queue_missing_translations() -> int:
    """Queue a translation of every note whose patient reads another language and has none yet.

    Run after anything that adds notes in bulk (FHIR import, the demo); returns how many it queued.
    """
    from portal.language.locale import content_language
    from portal.models import Patient, ReadingLevel, User

    existing = {tuple(row) for row in db.session.execute(
        select(DocumentTranslation.kind, DocumentTranslation.object_id, DocumentTranslation.target_lang))}
    notes = db.session.execute(
        select(ClinicalNote.id, ClinicalNote.language, Patient.preferred_language, User.preferred_language,
               User.reading_level)
        .join(Patient, ClinicalNote.patient_id == Patient.id)
        .outerjoin(User, User.patient_id == Patient.id)
    ).all()
    queued = 0
    for note_id, language, record_language, interface_language, reading_level in notes:
        target = content_language(record_language, interface_language or "en")
        kind = "note" if reading_level in (None, ReadingLevel.STANDARD) else "note_simple"
        if target != language and (kind, note_id, target) not in existing:
            request_translation(kind, note_id, target)
            queued += 1
    return queued
