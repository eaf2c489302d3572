"""The demo clinic: realistic, complete, consistent, and safe to seed again."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from portal.auth.service import authenticate
from portal.demo import content
from portal.demo.seed import DemoSeedRefused, seed_demo
from portal.extensions import db
from portal.models import (
    Appointment, AuditEvent, ClinicalNote, Invoice, Medication, Message, MessageThread, Patient,
    ProxyGrant, ReadingLevel, Result, Role, Scope, User,
)
from portal.models.people import HelperKind
from tests import factories

# A fixed "today" makes every date in the demo known; a Wednesday in a month without a holiday.
TODAY = date(2025, 3, 12)


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes (stored as UTC); PostgreSQL hands back aware ones.
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def _patient(fhir_id: str) -> Patient:
    return db.session.scalar(select(Patient).where(Patient.fhir_id == fhir_id))


@pytest.fixture
def logins(app):
    return seed_demo(db.session, today=TODAY)


def test_every_patient_has_months_of_results_and_several_notes(logins):
    patients = list(db.session.scalars(select(Patient)))
    assert len(patients) >= 3
    for patient in patients:
        assert patient.user is not None and patient.user.role == Role.PATIENT
        days = sorted({_utc(r.effective_at).date() for r in
                       db.session.scalars(select(Result).where(Result.patient_id == patient.id))})
        assert len(days) >= 4, patient.display_name
        assert days[-1] - days[0] >= timedelta(days=90), patient.display_name
        assert days[-1] <= TODAY
        notes = db.session.scalar(
            select(func.count()).select_from(ClinicalNote).where(ClinicalNote.patient_id == patient.id))
        assert notes >= 2, patient.display_name


def test_seeding_again_changes_no_row_counts_and_keeps_passwords(logins):
    before = _row_counts()
    hashes = dict(db.session.execute(select(User.login, User.password_hash)).all())
    again = seed_demo(db.session, today=TODAY)
    assert _row_counts() == before
    assert again == logins
    # A week later the dates move, but nothing is added either.
    seed_demo(db.session, today=TODAY + timedelta(days=7))
    assert _row_counts() == before
    assert dict(db.session.execute(select(User.login, User.password_hash)).all()) == hashes


def test_reading_levels_and_languages(logins):
    simplest = db.session.scalar(select(User).where(User.reading_level == ReadingLevel.SIMPLEST))
    assert simplest is not None and simplest.role == Role.PATIENT
    spanish = _patient("demo-patient-2")
    assert spanish.preferred_language == "es"
    assert spanish.user.preferred_language == "es"
    english = _patient("demo-patient-1")
    assert english.preferred_language == "en" and english.user.reading_level == ReadingLevel.STANDARD
    chw = db.session.scalar(select(User).where(User.role == Role.CHW))
    assert chw.preferred_language == "es"
    # Rosa is a community health worker, and the only helper: only helpers have a kind.
    assert chw.helper_kind is HelperKind.CHW
    assert db.session.scalar(select(func.count(User.id)).where(User.helper_kind.is_not(None))) == 1


def test_every_printed_login_signs_in(logins):
    assert {login.role for login in logins} == {"patient", "staff", "admin", "chw"}
    for login in logins:
        user = authenticate(login.login, login.password)
        assert user is not None, login.login
        assert user.role.value == login.role
        assert user.display_name == login.display_name


def test_interpretation_codes_agree_with_values_and_ranges(logins):
    results = list(db.session.scalars(select(Result)))
    assert results
    flagged = {"H": 0, "L": 0, "N": 0}
    for r in results:
        assert r.loinc_code and r.name and r.unit and r.panel, r.fhir_id
        if r.range_low is None and r.range_high is None:
            assert r.interpretation is None, r.fhir_id
            continue
        if r.range_high is not None and r.value > r.range_high:
            expected = "H"
        elif r.range_low is not None and r.value < r.range_low:
            expected = "L"
        else:
            expected = "N"
        assert r.interpretation == expected, (r.fhir_id, r.value, r.range_low, r.range_high)
        flagged[expected] += 1
    assert all(flagged.values()), flagged  # the demo shows highs, lows and normals
    lab = [r for r in results if r.loinc_code not in ("8480-6", "8462-4", "8867-4", "29463-7", "39156-5")]
    assert all(r.range_source == "lab" for r in lab)


def test_only_the_latest_draw_is_new(logins):
    for spec in content.PATIENTS:
        rows = list(db.session.scalars(select(Result).where(Result.patient_id == _patient(spec.fhir_id).id)))
        latest = max(_utc(r.effective_at).date() for r in rows)
        for r in rows:
            assert (r.seen_by_patient_at is None) == (_utc(r.effective_at).date() == latest), r.fhir_id


def test_notes_read_like_clinic_notes(logins):
    notes = list(db.session.scalars(select(ClinicalNote)))
    for note in notes:
        assert note.language == "en"
        assert not re.search(r"[{}]", note.text), note.fhir_id  # every placeholder was filled
    text = "\n".join(n.text for n in notes)
    for marker in ("SUBJECTIVE", "OBJECTIVE", "ASSESSMENT AND PLAN", "HTN", "T2DM", "BID", "PRN", "NKDA",
                   "f/u", "w/", "c/o", "h/o", "r/o", "Denies chest pain", "SpO2", "mg PO"):
        assert marker in text, marker
    kinds = {n.kind for n in notes}
    assert {"Progress note", "Lab results letter"} <= kinds
    assert kinds & {"Telephone encounter", "Nurse note"}


def test_care_bills_messages_and_proxy(logins):
    now = datetime.combine(TODAY, datetime.min.time(), tzinfo=timezone.utc)
    appointments = list(db.session.scalars(select(Appointment)))
    assert any(a.status == "fulfilled" and _utc(a.starts_at) < now for a in appointments)
    upcoming = [a for a in appointments if _utc(a.starts_at) > now]
    assert any(a.kind == "in_person" and a.location for a in upcoming)
    assert any(a.kind == "video" and a.video_url.startswith("https://") for a in upcoming)

    invoices = list(db.session.scalars(select(Invoice)))
    assert any(i.status == "paid" and i.paid_cents == i.amount_cents for i in invoices)
    assert any(i.status == "open" and i.due_on and i.due_on > TODAY for i in invoices)

    assert db.session.scalar(select(func.count()).select_from(Medication)) >= 6

    staff_ids = select(User.id).where(User.role.in_([Role.STAFF, Role.ADMIN]))
    for spec in content.PATIENTS:
        threads = list(db.session.scalars(
            select(MessageThread).where(MessageThread.patient_id == _patient(spec.fhir_id).id)))
        assert any(m.author_id in db.session.scalars(staff_ids).all() for t in threads for m in t.messages)
    assert db.session.scalar(select(func.count()).select_from(Message).where(
        Message.author_id.in_(staff_ids), Message.read_by_patient_at.is_(None))) >= 1
    spanish_messages = [m for t in db.session.scalars(
        select(MessageThread).where(MessageThread.patient_id == _patient("demo-patient-2").id)) for m in t.messages]
    assert any(m.language == "es" and m.author.role == Role.PATIENT for m in spanish_messages)
    assert any(m.language == "en" and m.author.role == Role.STAFF for m in spanish_messages)

    grant = db.session.scalar(select(ProxyGrant))
    assert grant.patient.fhir_id == "demo-patient-2"
    assert grant.grantee.role == Role.CHW
    assert grant.scope_set == {Scope.RESULTS, Scope.NOTES, Scope.MESSAGES, Scope.APPOINTMENTS, Scope.MEDICATIONS}
    assert grant.created_by_id == grant.patient.user.id
    assert grant.revoked_at is None
    assert _utc(grant.expires_at).date() - TODAY in (timedelta(days=89), timedelta(days=90), timedelta(days=91))

    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_default_today_is_current(app):
    seed_demo(db.session)
    newest = max(_utc(r.effective_at) for r in db.session.scalars(select(Result)))
    assert datetime.now(timezone.utc) - newest < timedelta(days=21)


def test_refuses_a_database_with_real_people(app):
    factories.user("nurse@real.clinic", Role.STAFF, "Real Nurse")
    with pytest.raises(DemoSeedRefused):
        seed_demo(db.session, today=TODAY)
    assert db.session.scalar(select(func.count()).select_from(Patient)) == 0
