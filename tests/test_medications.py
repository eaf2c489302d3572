"""Medicines in plain words in the reader's language, and renewal requests the care team answers."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.access import ACTING_FOR_KEY
from portal.extensions import db
from portal.medications.instructions import plain_instructions
from portal.medications.service import (
    RenewalRefused, cancel_renewal, decide_renewal, pending_renewals, request_renewal,
)
from portal.models import AuditEvent, Medication, ProxyGrant, RefillRequest
from portal.models.base import utcnow


def medication(patient, name="Metformin 500 mg tablet", quantity="1", unit="tablet", route="oral", times=2,
               as_needed=False, text="Take 1 tablet (500 mg) by mouth twice daily with meals.",
               status="active", refills=2) -> Medication:
    row = Medication(patient_id=patient.id, name=name, dose_quantity=Decimal(quantity) if quantity else None,
                     dose_unit=unit, route=route, times_per_day=times, as_needed=as_needed,
                     instructions_text=text, status=status, prescriber="Dr. Ana Ruiz", refills_left=refills)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def in_english(app):
    """A request in English around service calls, so refusal messages can be read."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def _renewals_of(med) -> list[RefillRequest]:
    db.session.expire_all()
    return list(db.session.scalars(select(RefillRequest).where(RefillRequest.medication_id == med.id)))


def _page(browser, url="/medications/") -> str:
    response = browser.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


# --- Plain words, rendered from the structure through the catalogs ------------------------------

@pytest.mark.parametrize("dose, english, spanish", [
    (("1", "tablet", "oral", 2, False),
     "Take 1 tablet by mouth 2 times a day.", "Tome 1 tableta por la boca 2 veces al día."),
    (("1", "capsule", "by mouth", 1, False),
     "Take 1 capsule by mouth 1 time a day.", "Tome 1 cápsula por la boca 1 vez al día."),
    (("2", "puff", "inhaled", None, True),
     "Breathe in 2 puffs when you need it.", "Inhale 2 inhalaciones cuando lo necesite."),
    (("1", "tablet", "PO", 2, True),
     "Take 1 tablet by mouth when you need it, up to 2 times a day.",
     "Tome 1 tableta por la boca cuando lo necesite, hasta 2 veces al día."),
    (("10", "units", "subcutaneous", 1, False),
     "Inject 10 units under the skin 1 time a day.", "Inyecte 10 unidades debajo de la piel 1 vez al día."),
    (("1", "patch", "transdermal", None, False), "Put 1 patch on the skin.", "Póngase 1 parche en la piel."),
    (("0.5", "tablet", "oral", 1, False),
     "Take 0.5 tablets by mouth 1 time a day.", "Tome 0,5 tabletas por la boca 1 vez al día."),
    (("5", "mL", "oral", 3, False), "Take 5 mL by mouth 3 times a day.", "Tome 5 mL por la boca 3 veces al día."),
    (("1", "sachet", "oral", 1, False),  # a unit we do not know: shown as written
     "Take 1 sachet by mouth 1 time a day.", "Tome 1 sachet por la boca 1 vez al día."),
    (("1", "tablet", "buccal", 1, False),  # a route we do not know: shown as written
     "Use 1 tablet (buccal) 1 time a day.", "Use 1 tableta (buccal) 1 vez al día."),
])
def test_instructions_are_plain_words_in_english_and_spanish(app, people, dose, english, spanish):
    quantity, unit, route, times, as_needed = dose
    med = medication(people.alice_patient, quantity=quantity, unit=unit, route=route, times=times, as_needed=as_needed)
    with force_locale("en"):
        assert plain_instructions(med) == english
    with force_locale("es"):
        assert plain_instructions(med) == spanish


def test_without_a_structured_dose_only_the_prescribers_words_are_shown(browser, people):
    medication(people.alice_patient, quantity=None, text="Apply a thin layer to the rash twice daily.")
    browser.sign_in("alice@example.org")
    page = _page(browser)
    assert "Your prescriber wrote:" in page
    assert '<span lang="en">Apply a thin layer to the rash twice daily.</span>' in page
    assert 'class="med-how"' not in page


def test_a_spanish_reader_sees_plain_words_in_spanish_and_the_prescribers_words_marked_english(browser, people):
    medication(people.bruno_patient)
    browser.sign_in("bruno@example.org")
    page = _page(browser)
    assert "Tome 1 tableta por la boca 2 veces al día." in page
    assert "Su médico escribió:" in page
    assert '<span lang="en">Take 1 tablet (500 mg) by mouth twice daily with meals.</span>' in page
    assert "Le quedan 2 resurtidos" in page


# --- The renewal state machine --------------------------------------------------------------------

def test_a_renewal_request_waits_in_the_staff_queue_oldest_first(app, people):
    first = medication(people.alice_patient)
    second = medication(people.bruno_patient)
    older, _ = request_renewal(people.bruno_patient.id, second.id, people.bruno.id)
    older.created_at = utcnow() - timedelta(hours=3)
    db.session.commit()
    newer, created = request_renewal(people.alice_patient.id, first.id, people.alice.id,
                                     note="Only 3 left", pharmacy="Main Street Pharmacy")
    assert created and newer.status == "requested"
    assert [r.id for r in pending_renewals()] == [older.id, newer.id]


def test_asking_again_while_a_request_is_open_returns_the_same_request(app, people):
    med = medication(people.alice_patient)
    first, created = request_renewal(people.alice_patient.id, med.id, people.alice.id)
    again, created_again = request_renewal(people.alice_patient.id, med.id, people.alice.id, note="resent")
    assert created and not created_again
    assert again.id == first.id
    assert len(_renewals_of(med)) == 1


def test_staff_approve_a_request(app, people):
    med = medication(people.alice_patient)
    renewal, _ = request_renewal(people.alice_patient.id, med.id, people.alice.id)
    decided = decide_renewal(renewal.id, people.staff.id, approve=True)
    assert decided.status == "approved"
    assert decided.decided_by_id == people.staff.id and decided.decided_at is not None
    assert pending_renewals() == []


def test_denying_needs_a_reason_and_without_one_changes_nothing(in_english, people):
    med = medication(people.alice_patient)
    renewal, _ = request_renewal(people.alice_patient.id, med.id, people.alice.id)
    with pytest.raises(RenewalRefused, match="reason"):
        decide_renewal(renewal.id, people.staff.id, approve=False, reason="   ")
    [row] = _renewals_of(med)
    assert row.status == "requested" and row.decided_at is None


def test_deciding_twice_is_refused_and_keeps_the_first_answer(in_english, people):
    med = medication(people.alice_patient)
    renewal, _ = request_renewal(people.alice_patient.id, med.id, people.alice.id)
    decide_renewal(renewal.id, people.staff.id, approve=False, reason="Needs a visit first.")
    with pytest.raises(RenewalRefused, match="already denied"):
        decide_renewal(renewal.id, people.staff.id, approve=True)
    [row] = _renewals_of(med)
    assert (row.status, row.reason) == ("denied", "Needs a visit first.")


def test_deciding_a_cancelled_request_is_refused(in_english, people):
    med = medication(people.alice_patient)
    renewal, _ = request_renewal(people.alice_patient.id, med.id, people.alice.id)
    cancel_renewal(people.alice_patient.id, renewal.id, people.alice.id)
    with pytest.raises(RenewalRefused, match="cancelled"):
        decide_renewal(renewal.id, people.staff.id, approve=True)
    assert _renewals_of(med)[0].status == "cancelled"


def test_the_patient_cannot_cancel_a_decided_request(in_english, people):
    med = medication(people.alice_patient)
    renewal, _ = request_renewal(people.alice_patient.id, med.id, people.alice.id)
    decide_renewal(renewal.id, people.staff.id, approve=True)
    with pytest.raises(RenewalRefused, match="already approved"):
        cancel_renewal(people.alice_patient.id, renewal.id, people.alice.id)
    assert _renewals_of(med)[0].status == "approved"


def test_after_an_answer_the_patient_may_ask_again(app, people):
    med = medication(people.alice_patient)
    renewal, _ = request_renewal(people.alice_patient.id, med.id, people.alice.id)
    decide_renewal(renewal.id, people.staff.id, approve=False, reason="Call us first.")
    again, created = request_renewal(people.alice_patient.id, med.id, people.alice.id)
    assert created and again.id != renewal.id


# --- The pages ------------------------------------------------------------------------------------

def test_a_patient_asks_for_a_renewal_with_a_plain_form_and_a_resend_adds_nothing(browser, people):
    med = medication(people.alice_patient)
    browser.sign_in("alice@example.org")
    url = f"/medications/{med.id}/renewal"
    data = {"pharmacy": "Main Street Pharmacy", "note": "I have 3 pills left."}
    assert browser.submit(url, url, data).status_code == 302
    response = browser.submit("/medications/", url, data)  # the resend, with a fresh token
    assert response.status_code == 302
    assert "You already asked for this renewal" in _page(browser)
    [renewal] = _renewals_of(med)
    assert (renewal.pharmacy, renewal.patient_note, renewal.requested_by_id) == (
        "Main Street Pharmacy", "I have 3 pills left.", people.alice.id)
    page = _page(browser)
    assert "Renewal requested" in page and "Cancel this renewal request" in page


def test_a_form_that_fails_keeps_what_was_typed(browser, people):
    med = medication(people.alice_patient)
    browser.sign_in("alice@example.org")
    url = f"/medications/{med.id}/renewal"
    response = browser.submit(url, url, {"pharmacy": "Main Street Pharmacy", "note": "x" * 1001})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and 'value="Main Street Pharmacy"' in page
    assert _renewals_of(med) == []


def test_the_patient_cancels_an_open_request_from_the_page(browser, people):
    med = medication(people.alice_patient)
    renewal, _ = request_renewal(people.alice_patient.id, med.id, people.alice.id)
    browser.sign_in("alice@example.org")
    response = browser.submit("/medications/", f"/medications/renewals/{renewal.id}/cancel", {})
    assert response.status_code == 302
    assert "Your renewal request is cancelled." in _page(browser)
    assert _renewals_of(med)[0].status == "cancelled"


def test_a_refused_cancel_says_why_in_the_readers_language(browser, people):
    med = medication(people.bruno_patient)
    renewal, _ = request_renewal(people.bruno_patient.id, med.id, people.bruno.id)
    decide_renewal(renewal.id, people.staff.id, approve=True)
    browser.sign_in("bruno@example.org")
    browser.submit("/medications/", f"/medications/renewals/{renewal.id}/cancel", {})
    assert "El equipo de salud ya aprobó esta solicitud" in _page(browser)


def test_the_patient_reads_the_staff_reason_as_written_in_english(browser, people):
    med = medication(people.bruno_patient)
    renewal, _ = request_renewal(people.bruno_patient.id, med.id, people.bruno.id)
    decide_renewal(renewal.id, people.staff.id, approve=False, reason="Please come in for labs first.")
    browser.sign_in("bruno@example.org")
    page = _page(browser)
    assert "Renovación no aprobada" in page
    assert "El equipo de salud escribió (en inglés, tal como lo escribió):" in page
    assert '<blockquote class="as-written" lang="en">Please come in for labs first.</blockquote>' in page


def test_another_patients_ids_are_not_found_on_every_route(browser, people):
    med = medication(people.bruno_patient)
    renewal, _ = request_renewal(people.bruno_patient.id, med.id, people.bruno.id)
    browser.sign_in("alice@example.org")
    url = f"/medications/{med.id}/renewal"
    assert browser.get(url).status_code == 404
    assert browser.submit("/medications/", url, {"note": "mine now"}).status_code == 404
    assert browser.submit("/medications/", f"/medications/renewals/{renewal.id}/cancel", {}).status_code == 404
    assert _renewals_of(med)[0].status == "requested" and len(_renewals_of(med)) == 1
    assert "Metformin" not in _page(browser)


def test_a_chw_asks_for_a_renewal_for_the_patient_under_a_grant(browser, people):
    med = medication(people.bruno_patient)
    db.session.add(ProxyGrant(patient_id=people.bruno_patient.id, grantee_id=people.chw.id, scopes="medications",
                              expires_at=utcnow() + timedelta(days=30), created_by_id=people.bruno.id))
    db.session.commit()
    browser.sign_in("chw@example.org")
    with browser.client.session_transaction() as session:
        session[ACTING_FOR_KEY] = people.bruno_patient.id
    url = f"/medications/{med.id}/renewal"
    assert browser.submit(url, url, {"note": "Lo pide su trabajadora de salud."}).status_code == 302
    [renewal] = _renewals_of(med)
    assert renewal.requested_by_id == people.chw.id and renewal.patient_id == people.bruno_patient.id


# --- The staff page -------------------------------------------------------------------------------

def _staff_url(renewal) -> str:
    return f"/medications/staff/renewals/{renewal.id}"


@pytest.mark.parametrize("login", ["alice@example.org", "chw@example.org"])
def test_the_staff_page_refuses_patients_and_chws(browser, people, login):
    med = medication(people.alice_patient)
    renewal, _ = request_renewal(people.alice_patient.id, med.id, people.alice.id)
    browser.sign_in(login)
    assert browser.get(_staff_url(renewal)).status_code == 403
    assert browser.submit("/", _staff_url(renewal), {"decision": "approve"}).status_code == 403
    assert _renewals_of(med)[0].status == "requested"


def test_staff_see_the_request_and_the_view_is_audited(browser, people):
    med = medication(people.bruno_patient)
    renewal, _ = request_renewal(people.bruno_patient.id, med.id, people.bruno.id,
                                 note="Me quedan pocas pastillas, por favor.", pharmacy="Farmacia Central")
    browser.sign_in("nurse@example.org")
    page = _page(browser, _staff_url(renewal))
    assert "Bruno Díaz" in page and "Metformin 500 mg tablet" in page and "Farmacia Central" in page
    assert "Take 1 tablet by mouth 2 times a day." in page
    # The note in English (FakeEngine), labelled, with the patient's words one tap away.
    assert "English, translated by computer" in page and "[en] Me quedan" in page
    assert '<summary>As written (Spanish)</summary>' in page
    assert 'lang="es">Me quedan pocas pastillas, por favor.</div>' in page
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.actor_id, event.patient_id, event.action, event.what, event.object_id) == (
        people.staff.id, people.bruno_patient.id, "view", "renewal", renewal.id)


def test_staff_deny_with_a_reason_and_the_change_is_audited(browser, people):
    med = medication(people.alice_patient)
    renewal, _ = request_renewal(people.alice_patient.id, med.id, people.alice.id)
    browser.sign_in("nurse@example.org")
    response = browser.submit(_staff_url(renewal), _staff_url(renewal),
                              {"decision": "deny", "reason": "Please book a visit first."})
    assert response.status_code == 302
    assert (_renewals_of(med)[0].status, _renewals_of(med)[0].reason) == ("denied", "Please book a visit first.")
    changes = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "change")).all()
    assert [(e.actor_id, e.what, e.object_id) for e in changes] == [(people.staff.id, "renewal", renewal.id)]
    assert "Your answer is saved." in _page(browser, _staff_url(renewal))


def test_staff_denying_without_a_reason_get_an_error_and_nothing_changes(browser, people):
    med = medication(people.alice_patient)
    renewal, _ = request_renewal(people.alice_patient.id, med.id, people.alice.id)
    browser.sign_in("nurse@example.org")
    response = browser.submit(_staff_url(renewal), _staff_url(renewal), {"decision": "deny", "reason": ""})
    assert response.status_code == 200
    assert "Write the reason for not approving it." in response.get_data(as_text=True)
    assert _renewals_of(med)[0].status == "requested"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "change")) == 0


def test_staff_answering_a_request_already_answered_are_told_and_nothing_changes(browser, people):
    med = medication(people.alice_patient)
    renewal, _ = request_renewal(people.alice_patient.id, med.id, people.alice.id)
    browser.sign_in("nurse@example.org")
    page_url = _staff_url(renewal)
    token_page = browser.get(page_url)  # a second tab, opened before the first answer
    decide_renewal(renewal.id, people.staff.id, approve=True)
    from tests.conftest import csrf_token
    response = browser.client.post(page_url, data={
        "csrf_token": csrf_token(token_page.get_data(as_text=True)), "decision": "deny", "reason": "No."})
    assert response.status_code == 200
    assert "This request was already approved." in response.get_data(as_text=True)
    assert _renewals_of(med)[0].status == "approved"


def test_an_unknown_request_is_not_found_for_staff(browser, people):
    browser.sign_in("nurse@example.org")
    assert browser.get("/medications/staff/renewals/999999").status_code == 404


def test_the_number_of_queries_does_not_grow_with_the_list(browser, people):
    from tests.test_results import _queries_for
    browser.sign_in("alice@example.org")
    for _ in range(2):
        request_renewal(people.alice_patient.id, medication(people.alice_patient).id, people.alice.id)
    _queries_for(browser, "/medications/")
    few = _queries_for(browser, "/medications/")
    for _ in range(40):
        request_renewal(people.alice_patient.id, medication(people.alice_patient).id, people.alice.id)
    assert _queries_for(browser, "/medications/") == few
    assert "Next page" in _page(browser)
