"""The audit log: the patient reads who looked at their record in plain words; admins search it;
nobody can change or delete an event through the application."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select, update

from portal.audit.service import AuditLogIsAppendOnly, area_of
from portal.extensions import db
from portal.models import AuditEvent, ProxyGrant
from portal.models.base import utcnow

# 10:14 in the clinic's time zone (America/Los_Angeles, standard time) on 3 March 2026.
MARCH_3 = datetime(2026, 3, 3, 18, 14, tzinfo=timezone.utc)


def _event(people, actor=None, patient=None, what="results", action="view", at=MARCH_3, **kwargs):
    event = AuditEvent(actor_id=(actor or people.chw).id, patient_id=(patient or people.bruno_patient).id,
                       action=action, what=what, at=at, route="/results/", **kwargs)
    db.session.add(event)
    db.session.commit()
    return event


def test_a_helpers_visit_appears_for_the_patient_in_plain_words(browser, people):
    db.session.add(ProxyGrant(patient_id=people.alice_patient.id, grantee_id=people.chw.id, scopes="results",
                              expires_at=utcnow() + timedelta(days=3), created_by_id=people.alice.id))
    db.session.commit()
    browser.sign_in("chw@example.org")
    browser.submit("/", f"/acting-for/{people.alice_patient.id}", {})
    browser.get("/results/")
    browser.sign_out()
    browser.sign_in("alice@example.org")
    page = browser.get("/who-looked").get_data(as_text=True)
    assert "Carla Worker, community health worker, looked at your test results on" in page


def test_the_sentence_names_the_day_and_time_in_the_clinics_zone(browser, people):
    _event(people, actor=people.staff, patient=people.alice_patient, what="note", action="change")
    browser.sign_in("alice@example.org")
    page = browser.get("/who-looked").get_data(as_text=True)
    assert "Nora Nurse, clinic staff, made a change in your notes on March 3, 2026 at 10:14" in page


def test_the_patient_reads_it_in_spanish(browser, people):
    _event(people)
    browser.sign_in("bruno@example.org")
    page = browser.get("/who-looked").get_data(as_text=True)
    assert "Carla Worker, promotor(a) de salud, miró sus resultados de pruebas el 3 de marzo de 2026 a las 10:14" in page


@pytest.fixture
def caregiver(people):
    """A family caregiver: the same role as the CHW (same access rules), another kind of helper."""
    from portal.models import Role
    from portal.models.people import HelperKind
    from tests import factories
    return factories.user("dana@example.org", Role.CHW, "Dana Walker", helper_kind=HelperKind.CAREGIVER)


def test_a_caregivers_visit_names_them_as_family_not_as_a_health_worker(browser, people, caregiver):
    _event(people, actor=caregiver, patient=people.alice_patient)
    _event(people, actor=people.chw, patient=people.alice_patient, what="note", at=MARCH_3 + timedelta(hours=1))
    browser.sign_in("alice@example.org")
    page = browser.get("/who-looked").get_data(as_text=True)
    assert "Dana Walker, family member or caregiver, looked at your test results on March 3, 2026 at 10:14" in page
    assert "Carla Worker, community health worker, looked at your notes on March 3, 2026 at 11:14" in page


def test_a_caregivers_visit_in_spanish(browser, people, caregiver):
    _event(people, actor=caregiver)
    browser.sign_in("bruno@example.org")
    page = browser.get("/who-looked").get_data(as_text=True)
    assert "Dana Walker, familiar o cuidador(a), miró sus resultados de pruebas el 3 de marzo de 2026" in page


def test_the_patient_sees_only_their_own_record_and_not_their_own_visits(browser, people):
    _event(people, what="results")  # about Bruno
    browser.sign_in("alice@example.org")
    browser.get("/results/")  # her own visit is not recorded
    page = browser.get("/who-looked").get_data(as_text=True)
    assert "Nobody else has looked at your record yet." in page
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.patient_id == people.alice_patient.id)) is None


def test_the_list_is_paged_newest_first(browser, people):
    for n in range(25):
        _event(people, what="results" if n else "messages", at=MARCH_3 + timedelta(minutes=n))
    browser.sign_in("bruno@example.org", headers={"Accept-Language": "en"})
    first = browser.get("/who-looked").get_data(as_text=True)
    assert first.count("<li>Carla Worker") == 20 and "?page=2" in first
    second = browser.get("/who-looked?page=2").get_data(as_text=True)
    assert second.count("<li>Carla Worker") == 5 and "sus mensajes" in second  # the oldest, last
    assert browser.get("/who-looked?page=-3").status_code == 200


@pytest.mark.parametrize("what, area", [
    ("results", "results"), ("note", "notes"), ("note_simple", "notes"), ("refill_request", "medications"),
    ("appointment-offer", "appointments"), ("thread", "messages"), ("grants", "grants"), ("fhir_export", "record"),
])
def test_what_each_page_records_is_put_in_the_patients_words(what, area):
    assert area_of(what) == area


@pytest.mark.parametrize("login", ["nurse@example.org", "chw@example.org"])
def test_only_the_patient_opens_their_page(browser, people, login):
    browser.sign_in(login)
    assert browser.get("/who-looked").status_code == 403


# ---------------------------------------------------------------------------------------------
# Admin search


@pytest.fixture
def admin(people):
    from portal.models import Role
    from tests import factories
    return factories.user("admin@example.org", Role.ADMIN, "Ada Admin")


def _search(browser, **query):
    return browser.get("/admin/audit", query_string=query).get_data(as_text=True)


def _rows(page: str) -> int:
    return len(re.findall(r"<tr>\s*<td>", page))


def test_admins_search_by_patient_by_person_and_by_dates(browser, people, admin):
    _event(people, actor=people.chw, patient=people.bruno_patient, at=MARCH_3)
    _event(people, actor=people.staff, patient=people.alice_patient, at=MARCH_3 + timedelta(days=5))
    browser.sign_in("admin@example.org")
    assert _rows(_search(browser)) == 2
    by_patient = _search(browser, patient="díaz")
    assert "Bruno Díaz" in by_patient and "Alice Walker" not in by_patient
    by_record_number = _search(browser, patient=str(people.alice_patient.id))
    assert "Alice Walker" in by_record_number and "Bruno Díaz" not in by_record_number
    by_person = _search(browser, person="nurse@")
    assert "Nora Nurse" in by_person and "Carla Worker" not in by_person
    by_dates = _search(browser, start="2026-03-01", end="2026-03-03")
    assert "Bruno Díaz" in by_dates and "Alice Walker" not in by_dates


def test_admins_see_what_kind_of_helper_or_staff_each_person_is(browser, people, admin, caregiver):
    _event(people, actor=caregiver, at=MARCH_3)
    _event(people, actor=people.chw, at=MARCH_3 + timedelta(minutes=1))
    _event(people, actor=people.staff, at=MARCH_3 + timedelta(minutes=2))
    browser.sign_in("admin@example.org")
    page = _search(browser)
    assert "Dana Walker <span class=\"meta\">family member or caregiver · dana@example.org</span>" in page
    assert "Carla Worker <span class=\"meta\">community health worker · chw@example.org</span>" in page
    assert "Nora Nurse <span class=\"meta\">clinic staff · nurse@example.org</span>" in page


def test_a_search_with_a_wrong_date_says_what_is_wrong(browser, people, admin):
    browser.sign_in("admin@example.org")
    assert "Not a valid date value." in _search(browser, start="yesterday")
    assert "The end date is before the start date." in _search(browser, start="2026-03-05", end="2026-03-01")
    assert "There is a problem" in _search(browser, patient="x" * 300)


def test_a_search_with_wildcards_matches_them_as_typed(browser, people, admin):
    _event(people)
    browser.sign_in("admin@example.org")
    assert "No event matches." in _search(browser, person="%")


def test_search_results_are_paged_and_keep_the_search(browser, people, admin):
    for n in range(30):
        _event(people, at=MARCH_3 + timedelta(minutes=n))
    browser.sign_in("admin@example.org")
    page = _search(browser, person="carla")
    assert _rows(page) == 25
    assert "person=carla" in page and "page=2" in page


@pytest.mark.parametrize("login", ["nurse@example.org", "chw@example.org", "alice@example.org"])
def test_only_admins_search_the_log(browser, people, login):
    browser.sign_in(login)
    assert browser.get("/admin/audit").status_code == 403


# ---------------------------------------------------------------------------------------------
# Append-only


def test_an_audit_event_cannot_be_changed(app, people):
    event = _event(people)
    event.what = "nothing to see"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).what == "results"


def test_an_audit_event_cannot_be_deleted(app, people):
    event = _event(people)
    db.session.delete(event)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id) is not None


@pytest.mark.parametrize("statement", [
    lambda: update(AuditEvent).values(what="nothing"),
    lambda: delete(AuditEvent),
])
def test_bulk_changes_to_the_log_are_refused_too(app, people, statement):
    _event(people)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(statement())
    db.session.rollback()
    assert db.session.scalar(select(AuditEvent.what)) == "results"


def test_new_events_are_still_added(app, people):
    _event(people)
    _event(people, what="notes")
    assert len(db.session.scalars(select(AuditEvent)).all()) == 2
