"""Secure messages between a patient and the care team, each side reading the other's words in
their own language.

A message is stored exactly as typed, with the language it was written in. A patient's message
that is not in English is queued for an English translation for staff; a staff reply (always
English) is queued for a translation into the patient's language. Sending is idempotent: the
compose form carries a random key, and a resend or double tap with the same key returns the
message already stored instead of adding another.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.access import CLINIC_ROLES
from portal.extensions import db
from portal.forms import new_idempotency_key, usable_idempotency_key
from portal.language.locale import content_language
from portal.language.pipeline import detect_language
from portal.language.service import FAILED, ReaderView, reader_view, request_translation
from portal.models import DocumentTranslation, Message, MessageThread, Patient, Role, User
from portal.models.base import utcnow

THREADS_PER_PAGE = 20
MESSAGES_PER_PAGE = 10  # a long thread shows its latest messages, with a link to earlier ones
MAX_SUBJECT = 200  # MessageThread.subject's column size
MAX_BODY = 5000
CARE_TEAM = CLINIC_ROLES
STAFF_LANGUAGE = "en"
OPEN, CLOSED = "open", "closed"  # closed: the care team marked it as needing no reply
def _usable_key(key: str | None) -> str:
    """The form's key, or a fresh one when it is missing or malformed (the message is then still sent)."""
    return usable_idempotency_key(key) or new_idempotency_key()



def from_care_team(message: Message) -> bool:
    return message.author.role in CARE_TEAM


def patient_language(patient: Patient) -> str:
    """The language the patient reads notes and messages in, whoever is looking."""
    account = patient.user
    return content_language(patient.preferred_language, (account.preferred_language if account else None) or "en")


def reader_language(patient: Patient, viewer: User, interface_language: str) -> str:
    """The patient reads in the interface they chose now; a CHW reading with them sees the
    patient's language, since the content follows the patient."""
    if viewer.role is Role.PATIENT:
        return content_language(patient.preferred_language, interface_language)
    return patient_language(patient)


# --- Threads and pages --------------------------------------------------------------------------

@dataclass(frozen=True)
class ThreadSummary:
    thread: MessageThread
    unread: int  # care-team messages the patient has not opened


@dataclass(frozen=True)
class ThreadList:
    threads: list[ThreadSummary]
    page: int
    has_older: bool


def threads_for(patient_id: int, page: int = 1) -> ThreadList:
    """The patient's threads, newest activity first, with unread counts (one query)."""
    page = max(page, 1)
    unread = (
        select(Message.thread_id, func.count(Message.id).label("unread"))
        .join(MessageThread, Message.thread_id == MessageThread.id)
        .join(User, Message.author_id == User.id)
        .where(MessageThread.patient_id == patient_id, User.role.in_(CARE_TEAM),
               Message.read_by_patient_at.is_(None))
        .group_by(Message.thread_id).subquery())
    rows = db.session.execute(
        select(MessageThread, func.coalesce(unread.c.unread, 0))
        .outerjoin(unread, unread.c.thread_id == MessageThread.id)
        .where(MessageThread.patient_id == patient_id)
        .order_by(MessageThread.updated_at.desc(), MessageThread.id.desc())
        .offset((page - 1) * THREADS_PER_PAGE).limit(THREADS_PER_PAGE + 1)).all()
    return ThreadList([ThreadSummary(thread, count) for thread, count in rows[:THREADS_PER_PAGE]],
                      page, len(rows) > THREADS_PER_PAGE)


def thread_for(patient_id: int, thread_id: int) -> MessageThread | None:
    """The thread only if it is this patient's: another patient's id finds nothing."""
    return db.session.scalar(
        select(MessageThread).where(MessageThread.id == thread_id, MessageThread.patient_id == patient_id)
        .options(selectinload(MessageThread.patient).selectinload(Patient.user)))


@dataclass(frozen=True)
class ShownMessage:
    message: Message
    from_care_team: bool
    translation: ReaderView  # status "original" when the reader reads it as written


@dataclass(frozen=True)
class ThreadPage:
    thread: MessageThread
    messages: list[ShownMessage]  # oldest first
    page: int  # 1: the latest messages; 2: the ones before those...
    has_earlier: bool
    reader_language: str
    as_written: bool  # the reader asked to see every message as it was typed

    @property
    def translating(self) -> bool:
        return any(shown.translation.status == "pending" for shown in self.messages)


def thread_page(thread: MessageThread, page: int, reader_language: str, for_staff: bool,
                as_written: bool = False) -> ThreadPage:
    """A page of a thread. Each side reads the other side's messages translated into its
    language (unless it asked for them as written) and its own as typed."""
    page = max(page, 1)
    newest_first = list(db.session.scalars(
        select(Message).where(Message.thread_id == thread.id)
        .options(selectinload(Message.author))
        .order_by(Message.created_at.desc(), Message.id.desc())
        .offset((page - 1) * MESSAGES_PER_PAGE).limit(MESSAGES_PER_PAGE + 1)))
    messages = newest_first[:MESSAGES_PER_PAGE][::-1]
    other_side = [m for m in messages if from_care_team(m) != for_staff]
    views = {} if as_written else _translations(other_side, reader_language)
    return ThreadPage(
        thread=thread,
        messages=[ShownMessage(m, from_care_team(m), views.get(m.id, ReaderView("original"))) for m in messages],
        page=page, has_earlier=len(newest_first) > MESSAGES_PER_PAGE,
        reader_language=reader_language, as_written=as_written)


def _translations(messages: list[Message], target: str) -> dict[int, ReaderView]:
    """One query for the page's translations; reader_view only for those missing or failed (it
    queues them and knows whether a failed one is still being retried)."""
    needed = [m for m in messages if (m.language or STAFF_LANGUAGE) != target]
    if not needed:
        return {}
    found = {row.object_id: row for row in db.session.scalars(select(DocumentTranslation).where(
        DocumentTranslation.kind == "message", DocumentTranslation.target_lang == target,
        DocumentTranslation.object_id.in_([m.id for m in needed])))}
    views = {}
    for message in needed:
        row = found.get(message.id)
        views[message.id] = (ReaderView(row.status, row) if row is not None and row.status != FAILED
                             else reader_view("message", message.id, message.language or STAFF_LANGUAGE, target))
    return views


def mark_read(thread: MessageThread, by_staff: bool) -> None:
    """The reader opened the thread: the other side's messages are read. Only the patient's own
    opening counts for the patient (a CHW reading with them does not)."""
    care_team = select(User.id).where(User.role.in_(CARE_TEAM))
    column = Message.read_by_staff_at if by_staff else Message.read_by_patient_at
    authors = Message.author_id.not_in(care_team) if by_staff else Message.author_id.in_(care_team)
    result = db.session.execute(
        update(Message).where(Message.thread_id == thread.id, column.is_(None), authors)
        .values({column: utcnow()}).execution_options(synchronize_session=False))
    if result.rowcount:
        db.session.commit()


# --- Sending -------------------------------------------------------------------------------------

def _already_sent(patient_id: int, key: str) -> Message | None:
    """The message this key already stored for this patient (a resend or a double tap)."""
    return db.session.scalar(
        select(Message).join(MessageThread, Message.thread_id == MessageThread.id)
        .where(Message.idempotency_key == key, MessageThread.patient_id == patient_id))


def _key_taken(key: str) -> bool:
    return db.session.scalar(select(func.count(Message.id)).where(Message.idempotency_key == key)) > 0


def _store(message: Message, thread: MessageThread, patient_id: int) -> Message:
    """Commit a new message; when a concurrent request with the same key won the race, return its message."""
    thread.updated_at = message.created_at
    if not from_care_team(message):
        thread.status = OPEN  # a closed conversation comes back to the care team's inbox
    db.session.add(message)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _already_sent(patient_id, message.idempotency_key)
        if existing is None:
            raise
        return existing
    _queue_translation(message, thread.patient)
    return message


def _queue_translation(message: Message, patient: Patient) -> None:
    """Staff read English; the patient reads their language. request_translation skips a
    message already in the reader's language."""
    request_translation("message", message.id, patient_language(patient) if from_care_team(message) else STAFF_LANGUAGE)


def _language_of(body: str, author: User, patient: Patient) -> str:
    if author.role in CARE_TEAM:
        return STAFF_LANGUAGE  # staff write in English
    return detect_language(body) or patient_language(patient)


def _prepare(patient: Patient, key: str | None) -> tuple[str, Message | None]:
    """A usable key, and the message it already stored for this patient if any. A key another
    patient's message holds (never given out, so tampered with) is replaced, not reused."""
    key = _usable_key(key)
    existing = _already_sent(patient.id, key)
    if existing is None and _key_taken(key):
        key = new_idempotency_key()
    return key, existing


def start_thread(patient: Patient, author: User, topic: str, subject: str, body: str, key: str | None) -> Message:
    """A new thread with its first message; a resend with the same key returns the first message."""
    key, existing = _prepare(patient, key)
    if existing is not None:
        return existing
    now = utcnow()
    thread = MessageThread(patient=patient, topic=topic, subject=subject.strip(), status=OPEN,
                           created_at=now, updated_at=now)
    db.session.add(thread)
    return _store(_new_message(thread, author, patient, body, key, now), thread, patient.id)


def reply(thread: MessageThread, author: User, body: str, key: str | None) -> Message:
    """Add a message to a thread; a resend with the same key returns the message already stored."""
    key, existing = _prepare(thread.patient, key)
    if existing is not None:
        return existing
    return _store(_new_message(thread, author, thread.patient, body, key, utcnow()), thread, thread.patient_id)


def _new_message(thread: MessageThread, author: User, patient: Patient, body: str, key: str, now: datetime) -> Message:
    # The author has read their own words; the other side has not yet.
    return Message(thread=thread, author=author, body=body, language=_language_of(body, author, patient),
                   idempotency_key=key, created_at=now,
                   read_by_patient_at=None if author.role in CARE_TEAM else now,
                   read_by_staff_at=now if author.role in CARE_TEAM else None)

