"""Visits: see them (with the video link only when it is time), ask for one, take an offered time,
cancel, add to a calendar; staff offer times."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from portal.appointments.ics import CalendarEvent, calendar, fold
from portal.appointments.service import (
    Slot, VisitRefused, accept_offer, as_utc, cancel_appointment, cancel_request, offer_slots,
    pending_appointment_requests, submit_request, video_link_state,
)
from portal.extensions import db
from portal.models import Appointment, AppointmentOffer, AppointmentRequest, AuditEvent
from portal.models.base import utcnow
from tests.conftest import csrf_token

KEY = "0123456789abcdef0123456789abcdef"


def visit(patient, starts_in=timedelta(days=3), minutes=30, kind="in_person", clinician="Dr. Ana Ruiz",
          location="Community Health Clinic, 250 Main Street; Room 2", video_url=None, status="booked") -> Appointment:
    row = Appointment(patient_id=patient.id, starts_at=utcnow() + starts_in, minutes=minutes, kind=kind,
                      clinician=clinician, location=location, video_url=video_url, status=status,
                      reason="Blood pressure check")
    db.session.add(row)
    db.session.commit()
    return row


def visit_request(people, patient="alice", **kwargs) -> AppointmentRequest:
    user = getattr(people, patient)
    row, _ = submit_request(user.patient_id, user.id, kwargs.pop("reason", "My knee hurts when I walk."), **kwargs)
    return row


def offered_request(people, patient="alice", days=(2, 3)) -> AppointmentRequest:
    row = visit_request(people, patient)
    offer_slots(row.id, [Slot(utcnow() + timedelta(days=d), 30, "in_person", "Main Street clinic", "Dr. Ruiz")
                         for d in days])
    return row


def _fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def _offers(request_id) -> list[AppointmentOffer]:
    db.session.expire_all()
    return list(db.session.scalars(select(AppointmentOffer).where(AppointmentOffer.request_id == request_id)
                                   .order_by(AppointmentOffer.starts_at)))


def _page(browser, url) -> str:
    response = browser.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.fixture
def in_english(app):
    """A request in English around service calls, so refusal messages can be read."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


# --- Seeing visits ----------------------------------------------------------------------------------

def test_upcoming_and_past_visits_are_listed_apart_with_the_place(browser, people):
    visit(people.alice_patient, starts_in=timedelta(days=3))
    visit(people.alice_patient, starts_in=timedelta(days=-40), status="fulfilled", location="Old Clinic Road")
    browser.sign_in("alice@example.org")
    page = _page(browser, "/appointments/")
    upcoming, past = page.split('id="past"')
    assert "Where: Community Health Clinic, 250 Main Street; Room 2" in upcoming
    assert "Old Clinic Road" in past and "Old Clinic Road" not in upcoming


def test_dates_and_times_are_written_the_spanish_way_in_the_clinics_time_zone(browser, people):
    row = visit(people.bruno_patient)
    row.starts_at = datetime(2031, 3, 18, 17, 30, tzinfo=timezone.utc)  # 10:30 in Los Angeles (PDT)
    db.session.commit()
    browser.sign_in("bruno@example.org")
    page = _page(browser, f"/appointments/{row.id}")
    assert "martes, 18 de marzo de 2031 a las 10:30" in page


@pytest.mark.parametrize("minutes_from_start, state", [
    (-31, "later"), (-30, "open"), (0, "open"), (29, "open"), (30, "ended"),
])
def test_the_video_link_shows_from_30_minutes_before_until_the_visit_ends(app, people, minutes_from_start, state):
    row = visit(people.alice_patient, kind="video", video_url="https://video.example.org/room/1")
    now = as_utc(row.starts_at) + timedelta(minutes=minutes_from_start)
    assert video_link_state(row, now=now) == state


def test_the_video_link_is_on_the_page_only_when_it_is_time(browser, people):
    soon = visit(people.alice_patient, starts_in=timedelta(minutes=10), kind="video",
                 video_url="https://video.example.org/room/soon")
    later = visit(people.alice_patient, starts_in=timedelta(days=2), kind="video",
                  video_url="https://video.example.org/room/later")
    browser.sign_in("alice@example.org")
    assert 'href="https://video.example.org/room/soon"' in _page(browser, f"/appointments/{soon.id}")
    page = _page(browser, f"/appointments/{later.id}")
    assert "room/later" not in page
    assert "The link to join will appear here 30 minutes before the visit" in page


# --- Cancelling a visit -----------------------------------------------------------------------------

def test_a_patient_cancels_an_upcoming_visit(browser, people):
    row = visit(people.alice_patient)
    browser.sign_in("alice@example.org")
    url = f"/appointments/{row.id}"
    assert browser.submit(url, f"{url}/cancel", {}).status_code == 302
    page = _page(browser, url)
    assert "Your visit is cancelled." in page and "Cancelled" in page
    cancelled = _fresh(Appointment, row.id)
    assert cancelled.status == "cancelled" and cancelled.cancelled_at is not None


def test_within_2_hours_the_patient_is_asked_to_call_and_nothing_changes(browser, people):
    row = visit(people.alice_patient, starts_in=timedelta(minutes=90))
    browser.sign_in("alice@example.org")
    url = f"/appointments/{row.id}"
    assert "please call the clinic at (555) 010-0100" in _page(browser, url)
    token = csrf_token(_page(browser, "/appointments/"))
    browser.client.post(f"{url}/cancel", data={"csrf_token": token})
    assert "less than 2 hours" in _page(browser, url)
    assert _fresh(Appointment, row.id).status == "booked"


def test_a_past_visit_cannot_be_cancelled(in_english, people):
    row = visit(people.alice_patient, starts_in=timedelta(days=-1))
    with pytest.raises(VisitRefused, match="in the past"):
        cancel_appointment(people.alice_patient.id, row.id)
    assert _fresh(Appointment, row.id).status == "booked"


def test_cancelling_twice_is_refused(in_english, people):
    row = visit(people.alice_patient)
    cancel_appointment(people.alice_patient.id, row.id)
    with pytest.raises(VisitRefused, match="already cancelled"):
        cancel_appointment(people.alice_patient.id, row.id)


# --- Asking for a visit -------------------------------------------------------------------------------

def test_a_patient_asks_for_a_visit_with_days_and_times(browser, people):
    browser.sign_in("alice@example.org")
    form = _page(browser, "/appointments/requests/new")
    key = re.search(r'name="idempotency_key" type="hidden" value="([0-9a-f]{32})"', form).group(1)
    data = {"reason": "My knee hurts when I walk.", "kind": "in_person", "days": ["mon", "wed"],
            "times": ["morning"], "idempotency_key": key}
    response = browser.submit("/appointments/requests/new", "/appointments/requests/new", data)
    assert response.status_code == 302
    page = _page(browser, response.headers["Location"])
    assert "Your request is sent." in page
    assert "Monday, Wednesday" in page and "Morning" in page
    [row] = db.session.scalars(select(AppointmentRequest)).all()
    assert (row.status, row.kind, row.preferred_days, row.preferred_times, row.requested_by_id) == (
        "requested", "in_person", "mon wed", "morning", people.alice.id)
    assert pending_appointment_requests() == [row]


def test_sending_the_same_form_twice_stores_one_request(browser, people):
    browser.sign_in("alice@example.org")
    data = {"reason": "Check-up", "kind": "either", "idempotency_key": KEY}
    first = browser.submit("/appointments/requests/new", "/appointments/requests/new", data)
    second = browser.submit("/appointments/requests/new", "/appointments/requests/new", data)
    assert first.headers["Location"] == second.headers["Location"]
    assert "We already have this request." in _page(browser, second.headers["Location"])
    assert len(db.session.scalars(select(AppointmentRequest)).all()) == 1


def test_a_request_without_a_reason_keeps_what_was_typed_and_stores_nothing(browser, people):
    browser.sign_in("bruno@example.org")
    response = browser.submit("/appointments/requests/new", "/appointments/requests/new",
                              {"reason": " ", "kind": "video", "days": ["tue"], "idempotency_key": KEY})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Hay un problema" in page and "Díganos para qué es la cita." in page
    assert re.search(r'checked[^>]*value="tue"|value="tue"[^>]*checked', page)
    assert f'value="{KEY}"' in page  # a corrected resend is still the same request
    assert db.session.scalars(select(AppointmentRequest)).all() == []


def test_requests_wait_for_staff_oldest_first(app, people):
    first = visit_request(people, "bruno")
    first.created_at = utcnow() - timedelta(days=1)
    db.session.commit()
    second = visit_request(people, "alice")
    offered_request(people, "alice")  # has times already: not waiting for staff
    assert [r.id for r in pending_appointment_requests()] == [first.id, second.id]


# --- Offers ----------------------------------------------------------------------------------------

def test_accepting_an_offer_books_the_visit_and_withdraws_the_others(browser, people):
    row = offered_request(people)
    chosen, other = _offers(row.id)
    browser.sign_in("alice@example.org")
    url = f"/appointments/requests/{row.id}"
    response = browser.submit(url, url, {"offer_id": str(chosen.id)})
    assert response.status_code == 302
    assert "Your visit is booked." in _page(browser, response.headers["Location"])
    booked = _fresh(AppointmentRequest, row.id)
    appointment = db.session.get(Appointment, booked.appointment_id)
    assert booked.status == "booked"
    assert (appointment.patient_id, appointment.status, appointment.location, appointment.clinician) == (
        people.alice_patient.id, "booked", "Main Street clinic", "Dr. Ruiz")
    assert [o.status for o in _offers(row.id)] == ["accepted", "withdrawn"]


def test_a_video_offer_becomes_a_visit_with_its_link(in_english, people):
    row = visit_request(people)
    offer_slots(row.id, [Slot(utcnow() + timedelta(days=2), 20, "video", "https://video.example.org/room/9")])
    [offer] = _offers(row.id)
    appointment = accept_offer(people.alice_patient.id, row.id, offer.id)
    assert (appointment.kind, appointment.video_url, appointment.location, appointment.minutes) == (
        "video", "https://video.example.org/room/9", None, 20)


def test_accepting_twice_is_refused_and_books_one_visit(in_english, people):
    row = offered_request(people)
    first, second = _offers(row.id)
    accept_offer(people.alice_patient.id, row.id, first.id)
    with pytest.raises(VisitRefused, match="already chose"):
        accept_offer(people.alice_patient.id, row.id, second.id)
    assert len(db.session.scalars(select(Appointment)).all()) == 1
    assert [o.status for o in _offers(row.id)] == ["accepted", "withdrawn"]


def test_accepting_an_offer_of_a_cancelled_request_is_refused(in_english, people):
    row = offered_request(people)
    cancel_request(people.alice_patient.id, row.id)
    with pytest.raises(VisitRefused, match="cancelled"):
        accept_offer(people.alice_patient.id, row.id, _offers(row.id)[0].id)
    assert db.session.scalars(select(Appointment)).all() == []
    assert {o.status for o in _offers(row.id)} == {"withdrawn"}


def test_a_time_that_has_passed_cannot_be_accepted(in_english, people):
    row = offered_request(people)
    offer = _offers(row.id)[0]
    with pytest.raises(VisitRefused, match="already passed"):
        accept_offer(people.alice_patient.id, row.id, offer.id, now=as_utc(offer.starts_at) + timedelta(minutes=1))
    assert _fresh(AppointmentRequest, row.id).status == "offered"


def test_a_booked_request_cannot_be_cancelled(in_english, people):
    row = offered_request(people)
    accept_offer(people.alice_patient.id, row.id, _offers(row.id)[0].id)
    with pytest.raises(VisitRefused, match="already booked"):
        cancel_request(people.alice_patient.id, row.id)
    assert _fresh(AppointmentRequest, row.id).status == "booked"


def test_the_patient_cancels_a_waiting_request_from_its_page(browser, people):
    row = visit_request(people)
    browser.sign_in("alice@example.org")
    url = f"/appointments/requests/{row.id}"
    assert browser.submit(url, f"{url}/cancel", {}).status_code == 302
    assert "Your request is cancelled." in _page(browser, url)
    assert _fresh(AppointmentRequest, row.id).status == "cancelled"


def test_offering_times_on_a_request_that_already_has_them_or_is_booked_is_refused(in_english, people):
    row = offered_request(people)
    slot = [Slot(utcnow() + timedelta(days=5), 30, "in_person", "Main Street clinic")]
    with pytest.raises(VisitRefused, match="already offered"):
        offer_slots(row.id, slot)
    accept_offer(people.alice_patient.id, row.id, _offers(row.id)[0].id)
    with pytest.raises(VisitRefused, match="already booked"):
        offer_slots(row.id, slot)
    assert len(_offers(row.id)) == 2


def test_offering_no_time_or_more_than_three_is_refused(in_english, people):
    row = visit_request(people)
    slot = Slot(utcnow() + timedelta(days=5), 30, "in_person", "Main Street clinic")
    for slots in ([], [slot] * 4):
        with pytest.raises(VisitRefused, match="one, two or three"):
            offer_slots(row.id, slots)
    assert _fresh(AppointmentRequest, row.id).status == "requested" and _offers(row.id) == []


# --- The staff page -------------------------------------------------------------------------------

def _local(moment: datetime) -> str:
    """The value a datetime-local input sends, on the clinic's clock."""
    from zoneinfo import ZoneInfo
    return moment.astimezone(ZoneInfo("America/Los_Angeles")).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("login", ["alice@example.org", "chw@example.org"])
def test_the_staff_page_refuses_patients_and_chws(browser, people, login):
    row = visit_request(people)
    browser.sign_in(login)
    url = f"/appointments/staff/requests/{row.id}"
    assert browser.get(url).status_code == 403
    assert browser.submit("/", url, {"slot_1": _local(utcnow() + timedelta(days=2))}).status_code == 403


def test_staff_offer_times_and_every_step_is_audited(browser, people):
    row = visit_request(people, "bruno", reason="Tengo dolor de espalda desde hace una semana.")
    browser.sign_in("nurse@example.org")
    url = f"/appointments/staff/requests/{row.id}"
    page = _page(browser, url)
    assert "Bruno Díaz" in page and 'lang="es">Tengo dolor de espalda' in page
    first, second = utcnow() + timedelta(days=2), utcnow() + timedelta(days=3)
    response = browser.submit(url, url, {
        "slot_1": _local(first), "slot_2": _local(second), "minutes": "30", "kind": "in_person",
        "location": "Main Street clinic, Room 2", "clinician": "Dr. Ruiz", "note": "An interpreter will join."})
    assert response.status_code == 302
    offers = _offers(row.id)
    assert [as_utc(o.starts_at) for o in offers] == [m.replace(second=0, microsecond=0) for m in (first, second)]
    assert _fresh(AppointmentRequest, row.id).status == "offered"
    events = [(e.action, e.what, e.object_id, e.patient_id) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == people.staff.id).order_by(AuditEvent.id))]
    assert events == [("view", "appointment_request", row.id, people.bruno_patient.id),
                      ("view", "appointment_request", row.id, people.bruno_patient.id),
                      ("change", "appointment_request", row.id, people.bruno_patient.id)]


def test_staff_get_a_clear_error_for_a_time_in_the_past_and_nothing_is_offered(browser, people):
    row = visit_request(people)
    browser.sign_in("nurse@example.org")
    url = f"/appointments/staff/requests/{row.id}"
    response = browser.submit(url, url, {"slot_1": _local(utcnow() - timedelta(hours=1)), "minutes": "30",
                                         "kind": "in_person", "location": "Main Street clinic"})
    assert response.status_code == 200
    assert "Choose a time in the future." in response.get_data(as_text=True)
    assert _offers(row.id) == []


def test_a_video_offer_needs_the_link(browser, people):
    row = visit_request(people)
    browser.sign_in("nurse@example.org")
    url = f"/appointments/staff/requests/{row.id}"
    response = browser.submit(url, url, {"slot_1": _local(utcnow() + timedelta(days=2)), "minutes": "30",
                                         "kind": "video", "location": "Room 2"})
    assert "For a video visit, paste the video link." in response.get_data(as_text=True)
    assert _offers(row.id) == []


def test_the_patient_sees_offered_times_in_their_language(browser, people):
    row = offered_request(people, "bruno")
    browser.sign_in("bruno@example.org")
    page = _page(browser, f"/appointments/requests/{row.id}")
    assert "Elija una hora" in page and page.count('name="offer_id"') == 2


# --- The calendar file ----------------------------------------------------------------------------

def _unfold(body: str) -> dict[str, str]:
    """The event's properties, after checking the file's shape: CRLF lines of at most 75 octets,
    one VEVENT inside one VCALENDAR."""
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")
    lines = body.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    logical = [line.partition(":") for line in "\r\n".join(lines).replace("\r\n ", "").split("\r\n")]
    assert [(name, value) for name, _, value in logical if name in ("BEGIN", "END")] == [
        ("BEGIN", "VCALENDAR"), ("BEGIN", "VEVENT"), ("END", "VEVENT"), ("END", "VCALENDAR")]
    return {name: value for name, _, value in logical}


def test_the_calendar_file_is_valid_icalendar_with_the_visit_in_utc(browser, people):
    row = visit(people.bruno_patient, clinician="Dra. María José Fernández-Ibáñez, especialista en medicina interna")
    browser.sign_in("bruno@example.org")
    response = browser.get(f"/appointments/{row.id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    fields = _unfold(response.get_data(as_text=True))
    assert fields["VERSION"] == "2.0" and fields["PRODID"]
    assert fields["UID"] == f"appointment-{row.id}@localhost"
    assert re.fullmatch(r"\d{8}T\d{6}Z", fields["DTSTAMP"])
    start = as_utc(row.starts_at)
    assert fields["DTSTART"] == start.strftime("%Y%m%dT%H%M%SZ")
    assert fields["DTEND"] == (start + timedelta(minutes=30)).strftime("%Y%m%dT%H%M%SZ")
    assert fields["SUMMARY"] == "Cita con Dra. María José Fernández-Ibáñez\\, especialista en medicina interna"
    assert fields["LOCATION"] == "Community Health Clinic\\, 250 Main Street\\; Room 2"
    assert fields["STATUS"] == "CONFIRMED"


def test_a_video_visits_calendar_file_carries_the_link(browser, people):
    row = visit(people.alice_patient, kind="video", video_url="https://video.example.org/room/7", location=None)
    browser.sign_in("alice@example.org")
    fields = _unfold(browser.get(f"/appointments/{row.id}.ics").get_data(as_text=True))
    assert fields["LOCATION"] == fields["URL"] == "https://video.example.org/room/7"
    assert fields["SUMMARY"] == "Video visit with Dr. Ana Ruiz"


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    text = "SUMMARY:" + "ñ" * 100
    folded = fold(text)
    assert all(len(line.encode("utf-8")) <= 75 for line in folded.split("\r\n"))
    assert folded.replace("\r\n ", "").removesuffix("\r\n") == text


def test_text_values_are_escaped():
    moment = datetime(2030, 1, 2, 3, 4, tzinfo=timezone.utc)
    body = calendar(CalendarEvent(uid="a@b", starts_at=moment, ends_at=moment, stamp=moment,
                                  summary="A; B, C\\D\nE"), product="-//Test//EN")
    assert "SUMMARY:A\\; B\\, C\\\\D\\nE\r\n" in body


# --- Another patient's ids --------------------------------------------------------------------------

def test_another_patients_ids_are_not_found_on_every_route(browser, people):
    theirs = visit(people.bruno_patient)
    their_request = offered_request(people, "bruno")
    offer = _offers(their_request.id)[0]
    browser.sign_in("alice@example.org")
    token = csrf_token(_page(browser, "/appointments/"))
    for url in (f"/appointments/{theirs.id}", f"/appointments/{theirs.id}.ics",
                f"/appointments/requests/{their_request.id}"):
        assert browser.get(url).status_code == 404, url
    for url, data in ((f"/appointments/{theirs.id}/cancel", {}),
                      (f"/appointments/requests/{their_request.id}", {"offer_id": str(offer.id)}),
                      (f"/appointments/requests/{their_request.id}/cancel", {})):
        assert browser.client.post(url, data={"csrf_token": token, **data}).status_code == 404, url
    assert _fresh(Appointment, theirs.id).status == "booked"
    assert _fresh(AppointmentRequest, their_request.id).status == "offered"


def test_the_number_of_queries_does_not_grow_with_the_history(browser, people):
    from tests.test_results import _queries_for
    browser.sign_in("alice@example.org")
    for days in (-30, 3):
        visit(people.alice_patient, starts_in=timedelta(days=days))
    visit_request(people)
    _queries_for(browser, "/appointments/")
    few = _queries_for(browser, "/appointments/")
    for days in range(1, 60):
        visit(people.alice_patient, starts_in=timedelta(days=-days * 7))
        visit_request(people)
    assert _queries_for(browser, "/appointments/") == few
    assert "Older visits" in _page(browser, "/appointments/")


@pytest.mark.parametrize("offer_id", ["<script>", "", "99999"])
def test_a_choice_that_is_not_one_of_the_times_gets_a_clear_error_in_spanish(browser, people, offer_id):
    row = offered_request(people, "bruno")
    browser.sign_in("bruno@example.org")
    url = f"/appointments/requests/{row.id}"
    response = browser.submit(url, url, {"offer_id": offer_id})
    page = response.get_data(as_text=True)
    assert "Elija una de las horas." in page
    assert "could not coerce" not in page and "Elección inválida" not in page
    assert _fresh(AppointmentRequest, row.id).status == "offered"
