"""The staff console: what waits for the care team, a patient at a glance, and publishing notes
and results to the patient's record."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from flask_babel import to_utc
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from portal.appointments.service import pending_appointment_requests, reasons_for_staff
from portal.extensions import db
from portal.language.service import ReaderView, request_translation
from portal.medications.service import notes_for_staff, pending_renewals
from portal.messages.service import (
    CARE_TEAM, CLOSED, OPEN, STAFF_LANGUAGE, ThreadList, patient_language, threads_for,
)
from portal.models import AppointmentRequest, ClinicalNote, Message, MessageThread, Patient, ReadingLevel, RefillRequest, Result, User
from portal.models.base import as_utc, utcnow
from portal.notes.service import ORIGINAL, notes_for, opening_version
from portal.results.service import ResultsView, local_day, results_view

INBOX_THREADS = 30
INBOX_REQUESTS = 20
NOTES_SHOWN = 5


# --- The inbox -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class WaitingThread:
    thread: MessageThread
    waiting_since: datetime  # the first patient message the care team has not answered

    @property
    def waited(self) -> timedelta:
        return utcnow() - self.waiting_since


@dataclass(frozen=True)
class Inbox:
    threads: list[WaitingThread]
    renewals: list[RefillRequest]
    appointment_requests: list[AppointmentRequest]
    patients: dict[int, Patient]  # the patients the requests are about, by id
    # What the patients typed on them, as staff read it (English, or translated), by request id.
    renewal_notes: dict[int, ReaderView]
    visit_reasons: dict[int, ReaderView]


def waiting_threads(limit: int = INBOX_THREADS) -> list[WaitingThread]:
    """Open threads whose latest word is the patient's, oldest waiting first (a fixed number of queries)."""
    answered = (
        select(Message.thread_id, func.max(Message.created_at).label("answered_at"))
        .join(User, Message.author_id == User.id).where(User.role.in_(CARE_TEAM))
        .group_by(Message.thread_id).subquery())
    waiting = (
        select(Message.thread_id, func.min(Message.created_at).label("since"))
        .join(User, Message.author_id == User.id)
        .outerjoin(answered, answered.c.thread_id == Message.thread_id)
        .where(User.role.not_in(CARE_TEAM),
               or_(answered.c.answered_at.is_(None), Message.created_at > answered.c.answered_at))
        .group_by(Message.thread_id).subquery())
    rows = db.session.execute(
        select(MessageThread, waiting.c.since).join(waiting, waiting.c.thread_id == MessageThread.id)
        .where(MessageThread.status == OPEN)
        .options(selectinload(MessageThread.patient).selectinload(Patient.user))
        .order_by(waiting.c.since, MessageThread.id).limit(limit)).all()
    return [WaitingThread(thread, as_utc(since)) for thread, since in rows]


def inbox() -> Inbox:
    """Waiting messages, and the requests the medicines and visits areas keep, with their patients."""
    renewals = pending_renewals(limit=INBOX_REQUESTS)
    visits = pending_appointment_requests(limit=INBOX_REQUESTS)
    patient_ids = {r.patient_id for r in renewals} | {r.patient_id for r in visits}
    patients = {p.id: p for p in db.session.scalars(
        select(Patient).where(Patient.id.in_(patient_ids)).options(selectinload(Patient.user)))} if patient_ids else {}
    return Inbox(waiting_threads(), renewals, visits, patients, notes_for_staff(renewals), reasons_for_staff(visits))


# --- A patient at a glance -----------------------------------------------------------------------

@dataclass(frozen=True)
class PatientOverview:
    patient: Patient
    results: ResultsView
    notes: list[ClinicalNote]
    threads: ThreadList
    renewals: list[RefillRequest]  # waiting for the care team, as in the inbox
    appointment_requests: list[AppointmentRequest]
    renewal_notes: dict[int, ReaderView]  # by request id, as Inbox's
    visit_reasons: dict[int, ReaderView]


def patient_record(patient_id: int) -> Patient | None:
    return db.session.scalar(select(Patient).where(Patient.id == patient_id).options(selectinload(Patient.user)))


def patient_overview(patient: Patient, language: str) -> PatientOverview:
    """Recent results, notes, message threads and waiting requests, through the areas' own functions."""
    renewals = pending_renewals(patient.id, limit=INBOX_REQUESTS)
    visits = pending_appointment_requests(patient.id, limit=INBOX_REQUESTS)
    return PatientOverview(patient, results_view(patient.id, 1, language), notes_for(patient.id)[:NOTES_SHOWN],
                           threads_for(patient.id), renewals, visits, notes_for_staff(renewals),
                           reasons_for_staff(visits))


def close_thread(thread: MessageThread) -> None:
    """Nothing to answer (a thank-you): off the inbox until the patient writes again."""
    thread.status = CLOSED
    db.session.commit()


def staff_thread(thread_id: int) -> MessageThread | None:
    return db.session.scalar(
        select(MessageThread).where(MessageThread.id == thread_id)
        .options(selectinload(MessageThread.patient).selectinload(Patient.user)))


# --- Publishing to the patient's record ----------------------------------------------------------

def write_note(patient: Patient, author: User, kind: str, text: str) -> ClinicalNote:
    """A note from the care team, in English, queued for translation into the patient's language."""
    note = ClinicalNote(patient_id=patient.id, kind=kind.strip(), author=author.display_name, text=text,
                        language=STAFF_LANGUAGE, written_at=utcnow())
    db.session.add(note)
    db.session.commit()
    # Translate the version the patient opens first, so it is ready when they look.
    level = patient.user.reading_level if patient.user else ReadingLevel.STANDARD
    request_translation("note" if opening_version(level) == ORIGINAL else "note_simple", note.id,
                        patient_language(patient))
    return note


def publish_result(patient: Patient, name: str, loinc_code: str, value: str, unit: str | None, day: date) -> Result:
    """A result the patient sees as new on their home page. A number is kept as a number (the
    portal's usual range for the LOINC code then applies); anything else as words."""
    number = _number(value)
    result = Result(patient_id=patient.id, name=name.strip(), loinc_code=loinc_code.strip(),
                    value=number, value_text=None if number is not None else value.strip(),
                    unit=(unit or "").strip() or None, status="final", effective_at=_moment(day))
    db.session.add(result)
    db.session.commit()
    return result


def _number(value: str) -> Decimal | None:
    text = value.strip()
    try:
        number = Decimal(text)
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _moment(day: date) -> datetime:
    """Today: now. An earlier day: noon at the clinic (so it lands on that calendar day)."""
    now = utcnow()
    if day >= local_day(now):
        return now
    return to_utc(datetime.combine(day, time(12))).replace(tzinfo=timezone.utc)
