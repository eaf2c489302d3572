"""Medicines and renewal requests.

A renewal request is `requested` until staff approve or deny it (denying needs a reason, which
the patient sees) or the patient cancels it. Any other move is refused with a message for the
person who tried, and changes nothing. A status moves with one compare-and-set UPDATE (".. WHERE
status = 'requested'"), so two staff deciding at once, or a double tap, cannot both win.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.language.service import ReaderView, request_translation, views_for
from portal.medications.instructions import plain_instructions
from portal.messages.service import STAFF_LANGUAGE
from portal.models import Medication, RefillRequest
from portal.models.base import utcnow

PAGE_SIZE = 20
NOTE_KIND = "renewal_note"  # the patient's note as a translation kind (portal/language/service.py)
REQUESTED, APPROVED, DENIED, CANCELLED = "requested", "approved", "denied", "cancelled"


class RenewalRefused(Exception):
    """A move the state machine does not allow; str() is the message to show (translated)."""


@dataclass(frozen=True)
class MedicationRow:
    medication: Medication
    instructions: str | None  # plain words in the reader's language; None without a structured dose
    latest_request: RefillRequest | None

    @property
    def can_ask_for_renewal(self) -> bool:
        return self.latest_request is None or self.latest_request.status != REQUESTED


@dataclass(frozen=True)
class MedicationPage:
    rows: list[MedicationRow]
    page: int
    has_more: bool


def medications_page(patient_id: int, page: int = 1) -> MedicationPage:
    """The patient's active medicines by name, each with its latest renewal request (two queries)."""
    page = max(page, 1)
    medications = list(db.session.scalars(
        select(Medication).where(Medication.patient_id == patient_id, Medication.status == "active")
        .order_by(Medication.name, Medication.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    has_more = len(medications) > PAGE_SIZE
    medications = medications[:PAGE_SIZE]
    latest = _latest_requests([m.id for m in medications])
    return MedicationPage([MedicationRow(m, plain_instructions(m), latest.get(m.id)) for m in medications],
                          page, has_more)


def _latest_requests(medication_ids: list[int]) -> dict[int, RefillRequest]:
    if not medication_ids:
        return {}
    newest = (select(func.max(RefillRequest.id)).where(RefillRequest.medication_id.in_(medication_ids))
              .group_by(RefillRequest.medication_id))
    return {r.medication_id: r for r in db.session.scalars(select(RefillRequest).where(RefillRequest.id.in_(newest)))}


def medication_for(patient_id: int, medication_id: int) -> Medication | None:
    """The medicine only if it is this patient's: another patient's id finds nothing."""
    return db.session.scalar(
        select(Medication).where(Medication.id == medication_id, Medication.patient_id == patient_id))


def open_request_for(medication_id: int) -> RefillRequest | None:
    return db.session.scalar(select(RefillRequest).where(
        RefillRequest.medication_id == medication_id, RefillRequest.status == REQUESTED))


def request_renewal(patient_id: int, medication_id: int, user_id: int, note: str | None = None,
                    pharmacy: str | None = None) -> tuple[RefillRequest, bool]:
    """Ask for a renewal; returns (request, created). While a request for this medicine is open,
    asking again (a resend, a double tap) returns that request and adds nothing."""
    # The row lock makes two concurrent asks for one medicine queue up (PostgreSQL); SQLite
    # runs one writer at a time anyway.
    medication = db.session.scalar(
        select(Medication).where(Medication.id == medication_id, Medication.patient_id == patient_id)
        .with_for_update())
    if medication is None:
        raise LookupError(f"no medication {medication_id} for patient {patient_id}")
    existing = open_request_for(medication.id)
    if existing is not None:
        db.session.commit()  # releases the lock
        return existing, False
    if medication.status != "active":
        db.session.rollback()
        raise RenewalRefused(_l("This medicine is not on your active list. Please send a message to your care team."))
    renewal = RefillRequest(medication_id=medication.id, patient_id=patient_id, requested_by_id=user_id,
                            status=REQUESTED, patient_note=_clean(note), pharmacy=_clean(pharmacy))
    db.session.add(renewal)
    db.session.commit()
    # Staff read English: queue the note's translation now so it is ready when they open it
    # (nothing is queued for an English or empty note).
    request_translation(NOTE_KIND, renewal.id, STAFF_LANGUAGE)
    return renewal, True


def renewal_for(patient_id: int, request_id: int) -> RefillRequest | None:
    return db.session.scalar(
        select(RefillRequest).where(RefillRequest.id == request_id, RefillRequest.patient_id == patient_id))


def cancel_renewal(patient_id: int, request_id: int, user_id: int) -> RefillRequest:
    """The patient (or their helper) takes back a request the care team has not answered yet.
    decided_at/decided_by_id then say when and by whom it was closed."""
    renewal = renewal_for(patient_id, request_id)
    if renewal is None:
        raise LookupError(f"no renewal request {request_id} for patient {patient_id}")
    if not _move(renewal, CANCELLED, decided_at=utcnow(), decided_by_id=user_id):
        raise RenewalRefused({
            APPROVED: _l("The care team already approved this request, so it cannot be cancelled."),
            DENIED: _l("The care team already answered this request, so it cannot be cancelled."),
            CANCELLED: _l("This request is already cancelled."),
        }[renewal.status])
    return renewal


def decide_renewal(request_id: int, staff_user_id: int, approve: bool, reason: str | None = None) -> RefillRequest:
    """Staff approve or deny a request that is still open. Denying needs a reason: the patient sees it."""
    renewal = renewal_for_staff(request_id)
    if renewal is None:
        raise LookupError(f"no renewal request {request_id}")
    reason = _clean(reason)
    if not approve and reason is None:
        raise RenewalRefused(_l("Write the reason for not approving it. The patient will see it."))
    if not _move(renewal, APPROVED if approve else DENIED, reason=reason, decided_at=utcnow(),
                 decided_by_id=staff_user_id):
        raise RenewalRefused({
            APPROVED: _l("This request was already approved."),
            DENIED: _l("This request was already denied."),
            CANCELLED: _l("The patient cancelled this request."),
        }[renewal.status])
    return renewal


def _move(renewal: RefillRequest, status: str, **values) -> bool:
    """Compare-and-set from `requested`; False when it had already moved on. Commit or rollback
    expires the row, so the caller then reads the status that won."""
    moved = db.session.execute(
        update(RefillRequest).where(RefillRequest.id == renewal.id, RefillRequest.status == REQUESTED)
        .values(status=status, **values).execution_options(synchronize_session=False)).rowcount == 1
    if moved:
        db.session.commit()
    else:
        db.session.rollback()
    return moved


def pending_renewals(patient_id: int | None = None, limit: int | None = None) -> list[RefillRequest]:
    """Requests waiting for the care team (all, or one patient's; the oldest `limit`), oldest first,
    with their medicine loaded."""
    query = select(RefillRequest).where(RefillRequest.status == REQUESTED)
    if patient_id is not None:
        query = query.where(RefillRequest.patient_id == patient_id)
    return list(db.session.scalars(
        query.options(selectinload(RefillRequest.medication)).order_by(RefillRequest.created_at, RefillRequest.id)
        .limit(limit)))


def notes_for_staff(renewals: list[RefillRequest]) -> dict[int, ReaderView]:
    """The patients' notes as staff read them (English, or a machine translation), by request id."""
    return views_for(NOTE_KIND, [r.id for r in renewals if r.patient_note], STAFF_LANGUAGE)


def renewal_for_staff(request_id: int) -> RefillRequest | None:
    return db.session.scalar(
        select(RefillRequest).where(RefillRequest.id == request_id)
        .options(selectinload(RefillRequest.medication).selectinload(Medication.patient),
                 selectinload(RefillRequest.requested_by)))


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None
