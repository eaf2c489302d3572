"""Remove what the EHR retracted (a resource now entered-in-error): the rows earlier imports made
from it, and what the portal hangs off those rows, so a withdrawn result, note or prescription
stops showing and nothing is left pointing at a row that is gone. The caller owns the
transaction. The audit log is append-only and is never touched: its object_id has no foreign key.
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from portal.fhir.mapping import Retract
from portal.models import (
    Appointment, AppointmentRequest, ClinicalNote, DocumentTranslation, Medication, RefillRequest, Result,
)

# DocumentTranslation.kind values whose object_id is a ClinicalNote id (portal/language/service.py).
NOTE_TRANSLATION_KINDS = ("note", "note_simple")
RENEWAL_NOTE_KIND = "renewal_note"      # a RefillRequest's patient_note, translated for staff


def drop_note_translations(session: Session, note_ids: list[int]) -> int:
    """Translations of these notes, gone: of a removed note, or of one whose text changed (the
    translation would show the patient the old text). A reader's next visit, or the import
    command's queue_missing_translations, asks for a new one."""
    if not note_ids:
        return 0
    return session.execute(delete(DocumentTranslation).where(
        DocumentTranslation.kind.in_(NOTE_TRANSLATION_KINDS), DocumentTranslation.object_id.in_(note_ids))).rowcount


def _drop_renewal_requests(session: Session, medication_ids: list[int]) -> int:
    # A renewal of a prescription that was entered in error must not stay in the staff queue;
    # the staff's translation of the patient's note on it goes with it.
    request_ids = list(session.scalars(select(RefillRequest.id).where(RefillRequest.medication_id.in_(medication_ids))))
    if not request_ids:
        return 0
    session.execute(delete(DocumentTranslation).where(
        DocumentTranslation.kind == RENEWAL_NOTE_KIND, DocumentTranslation.object_id.in_(request_ids)))
    return session.execute(delete(RefillRequest).where(RefillRequest.id.in_(request_ids))).rowcount


def _unlink_visit_requests(session: Session, appointment_ids: list[int]) -> int:
    # The patient's request stays (it is theirs); only its link to the withdrawn visit goes.
    return session.execute(update(AppointmentRequest).where(AppointmentRequest.appointment_id.in_(appointment_ids))
                           .values(appointment_id=None)).rowcount


# What hangs off a row of each model the EHR can retract, and how it goes. A test checks that
# every foreign key to these tables is listed here.
DEPENDANTS = {
    Result: [],
    ClinicalNote: [("note translations removed", drop_note_translations)],
    Medication: [("renewal requests removed", _drop_renewal_requests)],
    Appointment: [("visit requests unlinked", _unlink_visit_requests)],
}


def retract(session: Session, retraction: Retract, also: Counter) -> tuple[int, int]:
    """Delete the rows the retraction names and their dependants (counted into `also`).
    Returns (rows removed, results whose panel name was cleared)."""
    table = retraction.model.__table__
    match = [table.c.fhir_id.in_(sorted(retraction.fhir_ids))]
    # autoescape: a '%' or '_' in an id is a literal, never a wildcard that matches other rows.
    match += [table.c.fhir_id.startswith(prefix, autoescape=True) for prefix in sorted(retraction.prefixes)]
    ids = list(session.scalars(select(table.c.id).where(or_(*match))))
    if ids:
        for what, remove in DEPENDANTS.get(retraction.model, []):
            also[what] += remove(session, ids)
        session.execute(delete(table).where(table.c.id.in_(ids)))
    unpanelled = 0
    if retraction.panel and retraction.grouped:
        # Only where the panel is still this report's name: another report may have named it since.
        unpanelled = session.execute(
            update(Result).where(Result.fhir_id.in_(sorted(retraction.grouped)), Result.panel == retraction.panel)
            .values(panel=None).execution_options(synchronize_session=False)).rowcount
    return len(ids), unpanelled
