"""Reading the audit log (for the patient and for admins), and keeping it append-only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, event, inspect, or_, select
from sqlalchemy.orm import Session, aliased

from portal.extensions import db
from portal.models import AuditEvent, Patient, User

PAGE_SIZE = 20
SEARCH_PAGE_SIZE = 25
LAST_PAGE = 100_000  # bounds the OFFSET a typed ?page= can ask the database for
# The part of the record an event was about, from the `what` each page records (a Scope value
# like "results", or a row kind like "note" or "refill_request"), by its first word.
_AREAS = {
    "result": "results", "note": "notes", "message": "messages", "thread": "messages",
    "medication": "medications", "refill": "medications", "renewal": "medications",
    "appointment": "appointments", "visit": "appointments", "billing": "billing", "bill": "billing",
    "invoice": "billing", "form": "forms", "grant": "grants", "account": "account",
}


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


def area_of(what: str) -> str:
    """"refill_requests" -> "medications"; "record" when the area is not one the patient knows."""
    word = what.lower().replace("-", "_").split("_")[0].rstrip("s")
    return _AREAS.get(word, "record")


@dataclass(frozen=True)
class Entry:
    event: AuditEvent
    actor: User | None
    patient: Patient | None

    @property
    def area(self) -> str:
        return area_of(self.event.what)


@dataclass(frozen=True)
class EntryPage:
    entries: list[Entry]
    page: int
    has_more: bool


def _page(query: Select, page: int, size: int) -> EntryPage:
    """One query: the events with who did it and whose record it was, newest first."""
    page = min(max(page, 1), LAST_PAGE)
    rows = db.session.execute(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                              .offset((page - 1) * size).limit(size + 1)).all()
    return EntryPage([Entry(*row) for row in rows[:size]], page, len(rows) > size)


_Actor = aliased(User, name="actor")
_Subject = aliased(Patient, name="subject")


def _entries() -> Select:
    return (select(AuditEvent, _Actor, _Subject)
            .outerjoin(_Actor, AuditEvent.actor_id == _Actor.id)
            .outerjoin(_Subject, AuditEvent.patient_id == _Subject.id))


def who_looked(patient_id: int, page: int = 1) -> EntryPage:
    """The patient's own view: everyone else who opened or changed their record."""
    return _page(_entries().where(AuditEvent.patient_id == patient_id), page, PAGE_SIZE)


@dataclass(frozen=True)
class Search:
    patient: str = ""  # words of the patient's name, or their record number
    person: str = ""  # words of the name or the login of who did it
    start: date | None = None
    end: date | None = None


def search(criteria: Search, page: int = 1) -> EntryPage:
    query = _entries()
    for word in criteria.patient.split()[:4]:
        match = or_(_Subject.given_name.icontains(word, autoescape=True),
                    _Subject.family_name.icontains(word, autoescape=True))
        if word.isdigit() and len(word) < 10:  # a record number
            match = or_(match, AuditEvent.patient_id == int(word))
        query = query.where(match)
    for word in criteria.person.split()[:4]:
        query = query.where(or_(_Actor.display_name.icontains(word, autoescape=True),
                                _Actor.login.icontains(word, autoescape=True)))
    if criteria.start:
        query = query.where(AuditEvent.at >= _start_of(criteria.start))
    if criteria.end:
        query = query.where(AuditEvent.at < _start_of(criteria.end + timedelta(days=1)))
    return _page(query, page, SEARCH_PAGE_SIZE)


def _start_of(day: date) -> datetime:
    """Midnight of a clinic day: admins search by the days they see on the page."""
    return datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


# ---------------------------------------------------------------------------------------------
# Append-only: the application adds events, and refuses to change or delete one.


def _refuse_changes_at_flush(session: Session, _flush_context, _instances) -> None:
    for row in session.deleted:
        if isinstance(row, AuditEvent):
            raise AuditLogIsAppendOnly("audit events cannot be deleted")
    for row in session.dirty:
        if isinstance(row, AuditEvent) and session.is_modified(row):
            raise AuditLogIsAppendOnly("audit events cannot be changed")


def _refuse_bulk_changes(state) -> None:
    """`update(AuditEvent)` / `delete(AuditEvent)` statements skip the flush; refuse them too."""
    if (state.is_update or state.is_delete) and state.bind_mapper is inspect(AuditEvent):
        raise AuditLogIsAppendOnly("audit events cannot be changed or deleted")


def install_append_only_guard() -> None:
    """Listens on every Session. Rows can still be removed below the ORM (a retention job run by the
    operator against the table), which is a database permission question, not the app's."""
    if not event.contains(Session, "before_flush", _refuse_changes_at_flush):
        event.listen(Session, "before_flush", _refuse_changes_at_flush)
        event.listen(Session, "do_orm_execute", _refuse_bulk_changes)
