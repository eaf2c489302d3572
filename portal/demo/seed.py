"""Write the demo clinic (portal.demo.content) into the database.

seed_demo() is an upsert: every row has a stable key (User.login, Patient.fhir_id, Result.fhir_id,
Invoice.number, a message's idempotency_key...), so running it again updates the rows it made
instead of adding copies, and moves the dates to the new "today". It commits once at the end:
either the whole clinic is there or nothing changed.
"""
from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from portal.auth.passwords import hash_password
from portal.demo import content
from portal.demo.content import DemoLogin, On, PatientSpec, Test
from portal.models import (
    Appointment, ClinicalNote, Invoice, Medication, Message, MessageThread, Patient, ProxyGrant,
    ReadingLevel, Result, Role, Scope, User,
)
from portal.models.people import HelperKind

__all__ = ["DemoLogin", "DemoSeedRefused", "interpretation_for", "seed_demo"]

DEFAULT_TIMEZONE = "America/Los_Angeles"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


class DemoSeedRefused(RuntimeError):
    """The database holds people who are not part of the demo: seeding would mix known demo
    passwords (an admin's among them) into a real clinic's data."""


def seed_demo(session: Session, today: date | None = None, *,
              allow_other_data: bool = False) -> list[DemoLogin]:
    """Create or refresh the demo clinic; return the logins to print.

    `today` fixes the calendar (the same date always gives the same rows); by default it is
    today in the clinic's time zone. Passwords are hashed only for accounts that do not exist
    yet, so a second run is quick and leaves passwords alone.
    """
    tz = _clinic_timezone()
    today = today or datetime.now(tz).date()
    try:
        if not allow_other_data:
            _refuse_if_other_data(session)
        logins: list[DemoLogin] = []
        users: dict[str, User] = {}
        for spec in content.STAFF:
            users[spec.login] = _upsert_user(
                session, spec.login, spec.password, role=Role(spec.role), display_name=spec.display_name,
                preferred_language=spec.language, reading_level=ReadingLevel.STANDARD, patient=None,
                helper_kind=HelperKind(spec.helper_kind) if spec.helper_kind else None)
            logins.append(DemoLogin(spec.role, spec.login, spec.password, spec.display_name, spec.description))
        for spec in content.PATIENTS:
            user = _seed_patient(session, spec, _Clock(spec, today, tz), users)
            users[spec.login] = user
            logins.append(DemoLogin(Role.PATIENT.value, spec.login, spec.password, user.display_name,
                                    spec.description))
        session.flush()  # grants need the users' ids (created_by_id has no relationship)
        for grant in content.GRANTS:
            _seed_grant(session, grant, users, _Clock(None, today, tz))
        _seed_requests(session, users, _Clock(None, today, tz))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return logins


def interpretation_for(value: Decimal | None, low: Decimal | None, high: Decimal | None) -> str | None:
    """HL7 interpretation from the range: H above it, L below, N inside; None when there is no range."""
    if value is None or (low is None and high is None):
        return None
    if high is not None and value > high:
        return "H"
    if low is not None and value < low:
        return "L"
    return "N"


# ---------------------------------------------------------------------------------------------
# Dates


def _clinic_timezone() -> ZoneInfo:
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or os.environ.get("CLINIC_TIMEZONE") or DEFAULT_TIMEZONE)


def _clinic_day(day: date, offset: int) -> date:
    """Past dates move back to a Monday-Wednesday, so anything up to 2 days after them (a phone
    call, a letter) is still on a weekday; future dates move forward off the weekend."""
    if offset < 0:
        while day.weekday() > 2:
            day -= timedelta(days=1)
    elif offset > 0:
        while day.weekday() > 4:
            day += timedelta(days=1)
    return day


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class _Clock:
    """Turns a patient's named timeline into real dates and UTC datetimes."""

    def __init__(self, spec: PatientSpec | None, today: date, tz: ZoneInfo):
        self.tz = tz
        self.today = today
        self.dates = {"today": today}
        timeline = spec.timeline if spec else {}
        for name, offset in timeline.items():
            self.dates[name] = _clinic_day(today + timedelta(days=offset), offset)
        # Read receipts are never later than the start of "today" (keeps runs deterministic).
        self.latest = datetime.combine(today, time(0, 0), tzinfo=tz).astimezone(timezone.utc)
        self._times = {}
        if spec:
            # {eye_time}: the local time of the appointment on that timeline date.
            for appt in spec.appointments:
                if appt.on.days == 0:
                    self._times[appt.on.anchor] = appt.on.time

    def day(self, on: On) -> date:
        return self.dates[on.anchor] + timedelta(days=on.days)

    def at(self, on: On) -> datetime:
        local = datetime.combine(self.day(on), time.fromisoformat(on.time), tzinfo=self.tz)
        return local.astimezone(timezone.utc)

    def read_at(self, when: datetime) -> datetime:
        return min(when, self.latest)

    def fill(self, text: str) -> str:
        """Put real dates into a note or message (placeholders are described in content.py)."""
        values = {}
        for name, day in self.dates.items():
            values[name] = f"{day:%m/%d/%Y}"
            values[f"{name}_md"] = f"{day.month}/{day.day}"
            values[f"{name}_long"] = f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"
            values[f"{name}_month"] = _MONTHS[day.month - 1]
        for name, clock_time in self._times.items():
            t = time.fromisoformat(clock_time)
            values[f"{name}_time"] = f"{t.hour % 12 or 12}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"
        return text.format_map(values)


# ---------------------------------------------------------------------------------------------
# Rows


def _refuse_if_other_data(session: Session) -> None:
    demo_logins = [s.login for s in content.STAFF] + [p.login for p in content.PATIENTS]
    demo_patients = [p.fhir_id for p in content.PATIENTS]
    other_users = session.scalar(
        select(func.count()).select_from(User).where(User.login.not_in(demo_logins)))
    other_patients = session.scalar(
        select(func.count()).select_from(Patient)
        .where(or_(Patient.fhir_id.is_(None), Patient.fhir_id.not_in(demo_patients))))
    if other_users or other_patients:
        raise DemoSeedRefused(
            f"This database already has {other_users} account(s) and {other_patients} patient(s) "
            "that are not part of the demo. The demo clinic only goes into an empty database or "
            "one that holds nothing but the demo, because its passwords are public.")


def _upsert(session: Session, model, key_column, key: str, **values):
    """The row whose key_column is key, created if missing, with values set on it."""
    row = session.scalar(select(model).where(key_column == key))
    if row is None:
        row = model(**{key_column.key: key})
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    return row


def _upsert_user(session: Session, login: str, password: str, **values) -> User:
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        # Argon2 is slow on purpose: hash only for new accounts, never on a second run.
        user = User(login=login, password_hash=hash_password(password))
        session.add(user)
    for name, value in values.items():
        setattr(user, name, value)
    user.is_active_account = True  # the printed logins must work even if someone locked one
    return user


def _seed_patient(session: Session, spec: PatientSpec, clock: _Clock, users: dict[str, User]) -> User:
    patient = _upsert(
        session, Patient, Patient.fhir_id, spec.fhir_id,
        given_name=spec.given_name, family_name=spec.family_name,
        # ~10 months past the last birthday, so the age in every note of the last 9 months is right.
        birth_date=_years_before(clock.today, spec.age) - timedelta(days=300),
        preferred_language=spec.language,
    )
    user = _upsert_user(
        session, spec.login, spec.password, role=Role.PATIENT, display_name=patient.display_name,
        preferred_language=spec.language, reading_level=ReadingLevel(spec.reading_level), patient=patient)
    _seed_results(session, spec, patient, clock)
    _seed_notes(session, spec, patient, clock)
    _seed_medications(session, spec, patient, clock)
    _seed_appointments(session, spec, patient, clock)
    _seed_invoices(session, spec, patient, clock)
    _seed_threads(session, spec, patient, user, users, clock)
    return user


def _range(test: Test, sex: str) -> tuple[Decimal | None, Decimal | None]:
    low, high = test.female if (sex == "F" and test.female) else (test.low, test.high)
    return (Decimal(low) if low is not None else None, Decimal(high) if high is not None else None)


def _seed_results(session: Session, spec: PatientSpec, patient: Patient, clock: _Clock) -> None:
    keys = [f"{spec.fhir_id}-{draw.anchor}-{content.TESTS[k].loinc}"
            for draw in spec.draws for _, values in draw.panels for k in values]
    existing = {r.fhir_id: r for r in session.scalars(select(Result).where(Result.fhir_id.in_(keys)))}
    newest = max(clock.day(On(draw.anchor)) for draw in spec.draws)
    for draw in spec.draws:
        taken = clock.at(On(draw.anchor, 0, draw.time))
        # The latest draw is what the patient has not opened yet ("new" on the home page).
        seen = None if clock.day(On(draw.anchor)) == newest else clock.read_at(
            clock.at(On(draw.anchor, 1, "19:30")))
        for panel, values in draw.panels:
            for key, number in values.items():
                test = content.TESTS[key]
                fhir_id = f"{spec.fhir_id}-{draw.anchor}-{test.loinc}"
                row = existing.get(fhir_id)
                if row is None:
                    row = Result(fhir_id=fhir_id)
                    session.add(row)
                value = Decimal(str(number))
                low, high = _range(test, spec.sex)
                row.patient = patient
                row.loinc_code = test.loinc
                row.name = test.name
                row.panel = panel
                row.value = value
                row.value_text = None
                row.unit = test.unit
                row.range_low, row.range_high, row.range_text = low, high, None
                row.range_source = test.range_source if (low is not None or high is not None) else None
                row.interpretation = interpretation_for(value, low, high)
                row.status = "final"
                row.effective_at = taken
                row.seen_by_patient_at = seen


def _seed_notes(session: Session, spec: PatientSpec, patient: Patient, clock: _Clock) -> None:
    newest = max(clock.at(note.on) for note in spec.notes)
    for note in spec.notes:
        written = clock.at(note.on)
        _upsert(session, ClinicalNote, ClinicalNote.fhir_id, f"{spec.fhir_id}-{note.key}",
                patient=patient, kind=note.kind, author=note.author, written_at=written,
                # US clinics write in English; the portal translates for the reader.
                text=clock.fill(note.text), language="en",
                seen_by_patient_at=None if written == newest else clock.read_at(written + timedelta(days=1)))


def _seed_medications(session: Session, spec: PatientSpec, patient: Patient, clock: _Clock) -> None:
    for med in spec.medications:
        _upsert(session, Medication, Medication.fhir_id, f"{spec.fhir_id}-med-{med.key}",
                patient=patient, name=med.name, rxnorm_code=None,
                dose_quantity=Decimal(med.dose_quantity), dose_unit=med.dose_unit, route=med.route,
                times_per_day=med.times_per_day, as_needed=med.as_needed,
                instructions_text=med.instructions, status="active", prescriber=med.prescriber,
                started_on=clock.day(med.started), refills_left=med.refills_left)


def _seed_appointments(session: Session, spec: PatientSpec, patient: Patient, clock: _Clock) -> None:
    for appt in spec.appointments:
        _upsert(session, Appointment, Appointment.fhir_id, f"{spec.fhir_id}-{appt.key}",
                patient=patient, starts_at=clock.at(appt.on), minutes=appt.minutes, kind=appt.kind,
                clinician=appt.clinician, location=appt.location, video_url=appt.video_url,
                reason=appt.reason, status=appt.status)


def _seed_invoices(session: Session, spec: PatientSpec, patient: Patient, clock: _Clock) -> None:
    for bill in spec.invoices:
        _upsert(session, Invoice, Invoice.number, bill.number,
                patient=patient, service_date=clock.day(bill.service), description=bill.description,
                amount_cents=bill.amount_cents, paid_cents=bill.paid_cents, currency="USD",
                due_on=clock.day(bill.due), status=bill.status)


def _seed_threads(session: Session, spec: PatientSpec, patient: Patient, patient_user: User,
                  users: dict[str, User], clock: _Clock) -> None:
    for thread_spec in spec.threads:
        # Threads have no key of their own: the thread is the one holding its first message.
        keys = [f"{spec.fhir_id}-{thread_spec.key}-{i}" for i in range(1, len(thread_spec.messages) + 1)]
        first = session.scalar(select(Message).where(Message.idempotency_key == keys[0]))
        thread = first.thread if first else MessageThread()
        if first is None:
            session.add(thread)
        times = [clock.at(msg.on) for msg in thread_spec.messages]
        thread.patient = patient
        thread.topic = thread_spec.topic
        thread.subject = thread_spec.subject
        thread.status = thread_spec.status
        thread.created_at, thread.updated_at = times[0], times[-1]
        for i, (msg, key, sent) in enumerate(zip(thread_spec.messages, keys, times)):
            from_patient = msg.author == "patient"
            # The other side opened it when they answered, else a few hours after it arrived.
            replies = [t for m, t in zip(thread_spec.messages[i + 1:], times[i + 1:])
                       if (m.author == "patient") != from_patient]
            opened = clock.read_at(replies[0] if replies else sent + timedelta(hours=3)) if msg.read else None
            _upsert(session, Message, Message.idempotency_key, key,
                    thread=thread, author=patient_user if from_patient else users[msg.author],
                    body=clock.fill(msg.body), language=msg.language, created_at=sent,
                    # The author has read their own message.
                    read_by_patient_at=sent if from_patient else opened,
                    read_by_staff_at=opened if from_patient else sent)


def _seed_grant(session: Session, spec: content.GrantSpec, users: dict[str, User], clock: _Clock) -> None:
    patient = session.scalar(select(Patient).where(Patient.fhir_id == spec.patient))
    grantee = users[spec.grantee]
    scopes = " ".join(Scope(s).value for s in spec.scopes.split())  # fails loudly on a typo
    grant = session.scalar(
        select(ProxyGrant).where(ProxyGrant.patient_id == patient.id, ProxyGrant.grantee_id == grantee.id)
        .order_by(ProxyGrant.id))
    if grant is None:
        grant = ProxyGrant(patient_id=patient.id, grantee_id=grantee.id)
        session.add(grant)
    grant.scopes = scopes
    grant.created_at = clock.at(spec.granted)
    grant.expires_at = clock.at(On("today", spec.expires_in_days, "23:59"))
    grant.revoked_at = None
    grant.created_by_id = patient.user.id  # the patient granted it, from their own account


def _seed_requests(session: Session, users: dict[str, User], clock: _Clock) -> None:
    """Renewal and visit requests (content.RENEWALS, content.VISIT_REQUESTS), reset to their
    demo state on every run. A renewal is keyed by its medicine (the oldest request for it), a
    visit request by its idempotency key, its offers by their order."""
    from portal.models import AppointmentOffer, AppointmentRequest, RefillRequest

    logins = {spec.fhir_id: spec.login for spec in content.PATIENTS}
    for spec in content.RENEWALS:
        medication = session.scalar(
            select(Medication).where(Medication.fhir_id == f"{spec.patient}-med-{spec.medication}"))
        renewal = session.scalar(
            select(RefillRequest).where(RefillRequest.medication_id == medication.id).order_by(RefillRequest.id))
        if renewal is None:
            renewal = RefillRequest(medication_id=medication.id)
            session.add(renewal)
        renewal.patient_id = medication.patient_id
        renewal.requested_by_id = users[logins[spec.patient]].id
        renewal.status, renewal.pharmacy, renewal.patient_note, renewal.reason = (
            spec.status, spec.pharmacy, spec.note, spec.reason)
        renewal.created_at = clock.at(spec.requested)
        renewal.decided_at = clock.at(spec.decided) if spec.decided else None
        renewal.decided_by_id = users[spec.decided_by].id if spec.decided_by else None
    for spec in content.VISIT_REQUESTS:
        patient = session.scalar(select(Patient).where(Patient.fhir_id == spec.patient))
        requested = clock.at(spec.requested)
        answered = clock.at(On(spec.requested.anchor, spec.requested.days + 1, "10:00"))
        visit_request = _upsert(
            session, AppointmentRequest, AppointmentRequest.idempotency_key, spec.key,
            patient_id=patient.id, requested_by_id=users[spec.requested_by].id, reason=spec.reason, kind=spec.kind,
            preferred_days=spec.days, preferred_times=spec.times, status="offered" if spec.offers else "requested",
            staff_note=spec.staff_note, appointment_id=None, created_at=requested,
            updated_at=answered if spec.offers else requested)
        session.flush()  # the offers need the request's id
        offers = list(session.scalars(select(AppointmentOffer).where(AppointmentOffer.request_id == visit_request.id)
                                      .order_by(AppointmentOffer.id)))
        for extra in offers[len(spec.offers):]:  # e.g. times staff offered while trying the demo
            session.delete(extra)
        for position, offer_spec in enumerate(spec.offers):
            offer = offers[position] if position < len(offers) else AppointmentOffer(request_id=visit_request.id)
            session.add(offer)
            day = _clinic_day(clock.today + timedelta(days=offer_spec.days), offer_spec.days)
            local = datetime.combine(day, time.fromisoformat(offer_spec.time), tzinfo=clock.tz)
            offer.starts_at = local.astimezone(timezone.utc)
            offer.minutes, offer.kind, offer.location, offer.clinician = (
                offer_spec.minutes, offer_spec.kind, offer_spec.location, offer_spec.clinician)
            offer.status = "offered"
