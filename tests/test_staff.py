"""The staff console: one inbox, reading and answering across languages, a patient view, and
publishing notes and results to the patient, every step audited."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.access import ACTING_FOR_KEY
from portal.extensions import db
from portal.models import (
    AppointmentRequest, AuditEvent, ClinicalNote, DocumentTranslation, Medication, Message, MessageThread,
    ProxyGrant, RefillRequest, Result,
)
from portal.models.base import utcnow


def _thread(patient, subject="Knee pain", body="My knee hurts.", hours_ago=1, language="en") -> MessageThread:
    thread = MessageThread(patient_id=patient.id, topic="question", subject=subject)
    db.session.add(thread)
    db.session.add(Message(thread=thread, author=patient.user, body=body, language=language,
                           created_at=utcnow() - timedelta(hours=hours_ago)))
    db.session.commit()
    return thread


def _answer(thread, staff, body="We will call you.") -> None:
    db.session.add(Message(thread=thread, author=staff, body=body, language="en", created_at=utcnow()))
    db.session.commit()


def _page(browser, url) -> str:
    response = browser.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _events(action=None) -> list[tuple[str, str, int | None]]:
    query = db.session.query(AuditEvent).order_by(AuditEvent.id)
    return [(e.action, e.what, e.patient_id) for e in query if action is None or e.action == action]


# --- Who may use it ------------------------------------------------------------------------------

@pytest.mark.parametrize("login", ["alice@example.org", "chw@example.org"])
def test_staff_pages_refuse_patients_and_chws(browser, people, login):
    thread = _thread(people.alice_patient)
    browser.sign_in(login)
    patient = people.alice_patient.id
    for url in ["/staff/", f"/staff/threads/{thread.id}", f"/staff/patients/{patient}",
                f"/staff/patients/{patient}/notes/new", f"/staff/patients/{patient}/results/new"]:
        assert browser.get(url).status_code == 403, url
    token_page = browser.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', token_page).group(1)
    for url, data in [(f"/staff/threads/{thread.id}", {"body": "hi"}), (f"/staff/threads/{thread.id}/close", {}),
                      (f"/staff/patients/{patient}/notes/new", {"kind": "x", "text": "y"})]:
        assert browser.client.post(url, data={"csrf_token": token, **data}).status_code == 403, url
    assert db.session.query(Message).count() == 1 and db.session.query(ClinicalNote).count() == 2


def test_unknown_thread_and_patient_ids_are_not_found(browser, people):
    browser.sign_in("nurse@example.org")
    for url in ["/staff/threads/999", "/staff/patients/999", "/staff/patients/999/notes/new"]:
        assert browser.get(url).status_code == 404, url


# --- The inbox ----------------------------------------------------------------------------------------

def test_inbox_lists_waiting_threads_oldest_first_with_waiting_time_and_language_help(browser, people):
    _thread(people.alice_patient, subject="Newer question", hours_ago=2)
    _thread(people.bruno_patient, subject="Pregunta antigua", hours_ago=30, language="es")
    browser.sign_in("nurse@example.org")
    page = _page(browser, "/staff/")
    assert page.index("Pregunta antigua") < page.index("Newer question")
    assert "Waiting 1 day" in page and "Waiting 2 hours" in page
    assert "Needs language help: Spanish" in page
    bruno_item = page.split("Pregunta antigua")[1].split("</li>")[0]
    assert f'href="/staff/patients/{people.bruno_patient.id}"' in bruno_item


def test_an_answered_thread_leaves_the_inbox_and_returns_when_the_patient_writes_again(browser, people):
    thread = _thread(people.alice_patient, subject="Knee pain")
    _answer(thread, people.staff)
    browser.sign_in("nurse@example.org")
    assert "Knee pain" not in _page(browser, "/staff/")
    db.session.add(Message(thread=thread, author=people.alice, body="Still hurts.", language="en",
                           created_at=utcnow() + timedelta(minutes=5)))
    db.session.commit()
    assert "Knee pain" in _page(browser, "/staff/")


def test_a_thread_needing_no_reply_can_be_taken_off_the_inbox(browser, people):
    thread = _thread(people.alice_patient, subject="Thank you!")
    browser.sign_in("nurse@example.org")
    url = f"/staff/threads/{thread.id}"
    response = browser.submit(url, f"{url}/close", {})
    assert response.status_code == 302
    assert "Thank you!" not in _page(browser, "/staff/")
    assert ("change", "messages", people.alice_patient.id) in _events()


def test_a_patient_writing_again_reopens_a_closed_thread(browser, people):
    thread = _thread(people.alice_patient, subject="Thank you!")
    thread.status = "closed"
    db.session.commit()
    browser.sign_in("alice@example.org")
    url = f"/messages/{thread.id}"
    browser.submit(url, url, {"body": "One more thing."})
    browser.sign_out()
    browser.sign_in("nurse@example.org")
    assert "Thank you!" in _page(browser, "/staff/")


def test_inbox_lists_renewal_and_visit_requests_with_links_to_decide(browser, people):
    medication = Medication(patient_id=people.bruno_patient.id, name="Atorvastatin 20 mg tablet", status="active")
    db.session.add(medication)
    db.session.flush()
    renewal = RefillRequest(medication_id=medication.id, patient_id=people.bruno_patient.id,
                            requested_by_id=people.bruno.id, status="requested")
    visit = AppointmentRequest(patient_id=people.alice_patient.id, requested_by_id=people.alice.id,
                               reason="My knee hurts when I walk.", status="requested")
    db.session.add_all([renewal, visit])
    db.session.commit()
    browser.sign_in("nurse@example.org")
    page = _page(browser, "/staff/")
    assert f'href="/medications/staff/renewals/{renewal.id}">Atorvastatin 20 mg tablet</a>' in page
    assert f'href="/appointments/staff/requests/{visit.id}">My knee hurts when I walk.</a>' in page


# --- Reading and answering --------------------------------------------------------------------------------

def test_staff_read_the_original_and_an_english_translation_side_by_side(browser, people, engine):
    thread = _thread(people.bruno_patient, subject="Dolor", body="Tengo dolor en el pecho.", language="es")
    browser.sign_in("nurse@example.org")
    page = _page(browser, f"/staff/threads/{thread.id}")
    assert '<div class="side-by-side">' in page
    assert "Tengo dolor en el pecho." in page and "[en] Tengo pain en the chest." in page
    assert "Reads Spanish" in page and "Needs language help" in page


def test_staff_see_when_no_translation_model_is_available(browser, people, engine):
    engine._pairs.clear()
    thread = _thread(people.bruno_patient, body="Tengo dolor en el pecho.", language="es")
    browser.sign_in("nurse@example.org")
    page = _page(browser, f"/staff/threads/{thread.id}")
    assert "No computer translation from Spanish is available. Ask an interpreter" in page
    assert "Tengo dolor en el pecho." in page


def test_opening_a_thread_marks_the_patients_messages_read_by_staff(browser, people):
    thread = _thread(people.alice_patient)
    browser.sign_in("nurse@example.org")
    _page(browser, f"/staff/threads/{thread.id}")
    db.session.expire_all()
    assert db.session.query(Message).one().read_by_staff_at is not None


def test_a_staff_reply_is_queued_for_translation_into_the_patients_language(browser, people, engine):
    thread = _thread(people.bruno_patient, body="Hola", language="es")
    browser.sign_in("nurse@example.org")
    url = f"/staff/threads/{thread.id}"
    response = browser.submit(url, url, {"body": "Please come in tomorrow."})
    assert response.status_code == 302
    assert "The patient reads it in Spanish" in _page(browser, url)
    reply = db.session.query(Message).filter_by(body="Please come in tomorrow.").one()
    assert reply.language == "en" and reply.read_by_patient_at is None
    translation = db.session.query(DocumentTranslation).filter_by(kind="message", object_id=reply.id).one()
    assert translation.target_lang == "es" and translation.status == "ready"


def test_an_empty_reply_keeps_the_page_and_says_what_is_missing(browser, people):
    thread = _thread(people.alice_patient)
    browser.sign_in("nurse@example.org")
    url = f"/staff/threads/{thread.id}"
    page = browser.submit(url, url, {"body": "   "}).get_data(as_text=True)
    assert "There is a problem" in page and "Write your message." in page
    assert db.session.query(Message).count() == 1


# --- The patient view ---------------------------------------------------------------------------------

def test_home_links_each_patient_to_their_page(browser, people):
    browser.sign_in("nurse@example.org")
    assert f'href="/staff/patients/{people.bruno_patient.id}">Bruno Díaz</a>' in _page(browser, "/")


def test_patient_view_shows_recent_results_notes_and_threads(browser, people):
    thread = _thread(people.bruno_patient, subject="Pregunta")
    browser.sign_in("nurse@example.org")
    page = _page(browser, f"/staff/patients/{people.bruno_patient.id}")
    assert "LDL cholesterol" in page and "162" in page and "Higher than usual" in page
    assert "Pt here for lipid f/u." in page
    assert f'href="/staff/threads/{thread.id}">Pregunta</a>' in page
    assert "Alice" not in page


def test_a_note_written_by_staff_reaches_the_patient_translated(browser, people, engine):
    browser.sign_in("nurse@example.org")
    url = f"/staff/patients/{people.bruno_patient.id}/notes/new"
    response = browser.submit(url, url, {"kind": "Phone call", "text": "Take the pill with food."})
    assert response.status_code == 302
    note = db.session.query(ClinicalNote).filter_by(kind="Phone call").one()
    assert (note.author, note.language, note.patient_id) == ("Nora Nurse", "en", people.bruno_patient.id)
    translation = db.session.query(DocumentTranslation).filter_by(kind="note", object_id=note.id).one()
    assert translation.target_lang == "es" and translation.status == "ready"
    browser.sign_out()
    browser.sign_in("bruno@example.org")
    assert "Phone call" in _page(browser, "/").split('id="new-notes"')[1].split("</section>")[0]
    assert "[es] Tome el pill con comida." in _page(browser, f"/notes/{note.id}")


def test_a_published_result_appears_as_new_on_the_patients_home(browser, people):
    browser.sign_in("nurse@example.org")
    url = f"/staff/patients/{people.alice_patient.id}/results/new"
    today = utcnow().date().isoformat()
    response = browser.submit(url, url, {"name": "Potassium", "loinc_code": "2823-3", "value": "4.1",
                                         "unit": "mmol/L", "effective_on": today})
    assert response.status_code == 302
    result = db.session.query(Result).filter_by(name="Potassium").one()
    assert str(result.value).startswith("4.1") and result.seen_by_patient_at is None
    browser.sign_out()
    browser.sign_in("alice@example.org")
    home = _page(browser, "/")
    assert "Potassium" in home.split('id="new-results"')[1].split("</section>")[0]


def test_a_result_in_words_is_kept_as_words(browser, people):
    browser.sign_in("nurse@example.org")
    url = f"/staff/patients/{people.alice_patient.id}/results/new"
    browser.submit(url, url, {"name": "Strep test", "loinc_code": "78012-2", "value": "Negative",
                              "effective_on": utcnow().date().isoformat()})
    result = db.session.query(Result).filter_by(name="Strep test").one()
    assert (result.value, result.value_text) == (None, "Negative")


def test_a_result_form_with_mistakes_keeps_what_was_typed(browser, people):
    browser.sign_in("nurse@example.org")
    url = f"/staff/patients/{people.alice_patient.id}/results/new"
    response = browser.submit(url, url, {"name": "Potassium", "loinc_code": "potassium", "value": "4.1",
                                         "effective_on": "2999-01-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A LOINC code looks like 4548-4." in page and "cannot be in the future" in page
    assert 'value="Potassium"' in page and 'value="potassium"' in page
    assert db.session.query(Result).filter_by(name="Potassium").count() == 0


# --- Audit --------------------------------------------------------------------------------------------------

def test_every_staff_action_on_a_record_is_audited(browser, people):
    thread = _thread(people.bruno_patient, body="Hola", language="es")
    bruno = people.bruno_patient.id
    browser.sign_in("nurse@example.org")
    _page(browser, f"/staff/threads/{thread.id}")
    browser.submit(f"/staff/threads/{thread.id}", f"/staff/threads/{thread.id}", {"body": "Hello"})
    _page(browser, f"/staff/patients/{bruno}")
    browser.submit(f"/staff/patients/{bruno}/notes/new", f"/staff/patients/{bruno}/notes/new",
                   {"kind": "Phone call", "text": "Called."})
    browser.submit(f"/staff/patients/{bruno}/results/new", f"/staff/patients/{bruno}/results/new",
                   {"name": "Potassium", "loinc_code": "2823-3", "value": "4.1", "effective_on": "2026-01-05"})
    assert _events() == [
        ("view", "messages", bruno),
        ("view", "messages", bruno), ("change", "message", bruno),  # submit opens the page, then posts
        ("view", "patient", bruno), ("change", "note", bruno), ("change", "result", bruno),
    ]
    assert all(e.actor_id == people.staff.id for e in db.session.query(AuditEvent))


# --- What a patient typed on a renewal or visit request, read in English ---------------------------------

RENEWAL_NOTE = "Necesito más pastillas porque viajo la próxima semana."
VISIT_REASON = "Tengo dolor de espalda desde hace una semana."
REQUEST_KEY = "fedcba9876543210fedcba9876543210"


def _ask_in_spanish(browser, people) -> tuple[RefillRequest, AppointmentRequest]:
    """Bruno asks for a renewal and a visit through the forms, writing in Spanish."""
    medication = Medication(patient_id=people.bruno_patient.id, name="Metformin 500 mg tablet", status="active")
    db.session.add(medication)
    db.session.commit()
    browser.sign_in("bruno@example.org")
    url = f"/medications/{medication.id}/renewal"
    assert browser.submit(url, url, {"note": RENEWAL_NOTE}).status_code == 302
    url = "/appointments/requests/new"
    assert browser.submit(url, url, {"reason": VISIT_REASON, "kind": "either",
                                     "idempotency_key": REQUEST_KEY}).status_code == 302
    browser.sign_out()
    return db.session.query(RefillRequest).one(), db.session.query(AppointmentRequest).one()


def _translated_for_staff(page: str, original: str) -> bool:
    """The English translation, labelled, with the patient's words one tap away in <details>."""
    originals = re.findall(r"<details>\s*<summary>As written \(Spanish\)</summary>\s*"
                           r'<div class="note-text" lang="es">([^<]*)</div>\s*</details>', page)
    return ("English, translated by computer" in page and f"[en] {original.split()[0]}" in page
            and original in originals)


def test_a_spanish_renewal_note_and_visit_reason_reach_staff_in_english(browser, people, engine):
    renewal, visit = _ask_in_spanish(browser, people)
    # Queued when the patient sent them, from the detected language to the clinic's.
    rows = {(t.kind, t.object_id): (t.source_lang, t.target_lang, t.status)
            for t in db.session.query(DocumentTranslation)}
    assert rows == {("renewal_note", renewal.id): ("es", "en", "ready"),
                    ("visit_note", visit.id): ("es", "en", "ready")}
    calls = len(engine.calls)

    browser.sign_in("nurse@example.org")
    for url, original in [("/staff/", RENEWAL_NOTE), ("/staff/", VISIT_REASON),
                          (f"/staff/patients/{people.bruno_patient.id}", RENEWAL_NOTE),
                          (f"/staff/patients/{people.bruno_patient.id}", VISIT_REASON),
                          (f"/medications/staff/renewals/{renewal.id}", RENEWAL_NOTE),
                          (f"/appointments/staff/requests/{visit.id}", VISIT_REASON)]:
        assert _translated_for_staff(_page(browser, url), original), (url, original)
    assert f'href="/appointments/staff/requests/{visit.id}">[en] Tengo' in _page(browser, "/staff/")
    assert len(engine.calls) == calls  # reading them translates nothing again
    browser.sign_out()

    # The patient reads what they typed.
    browser.sign_in("bruno@example.org")
    page = _page(browser, f"/appointments/requests/{visit.id}")
    assert VISIT_REASON in page and "[en]" not in page and "translated by computer" not in page


def test_english_and_empty_notes_are_not_sent_for_translation(browser, people, engine):
    medication = Medication(patient_id=people.alice_patient.id, name="Lisinopril 10 mg tablet", status="active")
    other = Medication(patient_id=people.alice_patient.id, name="Metformin 500 mg tablet", status="active")
    db.session.add_all([medication, other])
    db.session.commit()
    browser.sign_in("alice@example.org")
    url = f"/medications/{medication.id}/renewal"
    assert browser.submit(url, url, {"note": "I am travelling next week and need more tablets."}).status_code == 302
    url = f"/medications/{other.id}/renewal"
    assert browser.submit(url, url, {"note": "   "}).status_code == 302
    url = "/appointments/requests/new"
    assert browser.submit(url, url, {"reason": "My knee hurts when I walk.", "kind": "either",
                                     "idempotency_key": REQUEST_KEY}).status_code == 302
    browser.sign_out()
    assert engine.calls == [] and db.session.query(DocumentTranslation).count() == 0

    browser.sign_in("nurse@example.org")
    for url in ["/staff/", f"/staff/patients/{people.alice_patient.id}"]:
        page = _page(browser, url)
        assert "I am travelling next week and need more tablets." in page and "My knee hurts when I walk." in page
        assert "translated by computer" not in page and "<details>" not in page
    assert engine.calls == [] and db.session.query(DocumentTranslation).count() == 0


def test_while_the_translation_is_on_its_way_staff_read_the_patients_words(browser, people, engine):
    visit = AppointmentRequest(patient_id=people.bruno_patient.id, requested_by_id=people.bruno.id,
                               reason=VISIT_REASON, status="requested")
    db.session.add(visit)
    db.session.flush()
    db.session.add(DocumentTranslation(kind="visit_note", object_id=visit.id, source_lang="es", target_lang="en",
                                       status="pending"))
    db.session.commit()
    browser.sign_in("nurse@example.org")
    page = _page(browser, f"/appointments/staff/requests/{visit.id}")
    assert "As written (Spanish)" in page and f'lang="es">{VISIT_REASON}</div>' in page
    assert "Translating... This takes a few seconds." in page and "translated by computer" not in page


def test_a_request_sent_before_translation_existed_is_queued_when_staff_open_it(browser, people, engine):
    medication = Medication(patient_id=people.bruno_patient.id, name="Metformin 500 mg tablet", status="active")
    db.session.add(medication)
    db.session.flush()
    renewal = RefillRequest(medication_id=medication.id, patient_id=people.bruno_patient.id,
                            requested_by_id=people.bruno.id, status="requested", patient_note=RENEWAL_NOTE)
    db.session.add(renewal)
    db.session.commit()
    browser.sign_in("nurse@example.org")
    assert _translated_for_staff(_page(browser, f"/medications/staff/renewals/{renewal.id}"), RENEWAL_NOTE)


def test_without_a_model_staff_are_told_to_ask_an_interpreter(browser, people, engine):
    engine._pairs.clear()
    renewal, _visit = _ask_in_spanish(browser, people)
    browser.sign_in("nurse@example.org")
    page = _page(browser, f"/medications/staff/renewals/{renewal.id}")
    assert "No computer translation from Spanish is available. Ask an interpreter to read it." in page
    assert RENEWAL_NOTE in page and "translated by computer" not in page


def test_only_staff_read_the_translations(browser, people, engine):
    renewal, visit = _ask_in_spanish(browser, people)
    staff_urls = ["/staff/", f"/staff/patients/{people.bruno_patient.id}",
                  f"/medications/staff/renewals/{renewal.id}", f"/appointments/staff/requests/{visit.id}"]
    # Another patient, and a CHW: no grant, then acting for Bruno under one.
    for login in ["alice@example.org", "chw@example.org"]:
        browser.sign_in(login)
        for url in staff_urls:
            assert browser.get(url).status_code == 403, (login, url)
        browser.sign_out()
    browser.sign_in("alice@example.org")
    assert browser.get(f"/appointments/requests/{visit.id}").status_code == 404
    browser.sign_out()
    db.session.add(ProxyGrant(patient_id=people.bruno_patient.id, grantee_id=people.chw.id,
                              scopes="medications appointments", expires_at=utcnow() + timedelta(days=30),
                              created_by_id=people.bruno.id))
    db.session.commit()
    browser.sign_in("chw@example.org")
    with browser.client.session_transaction() as session:
        session[ACTING_FOR_KEY] = people.bruno_patient.id
    for url in staff_urls:
        assert browser.get(url).status_code == 403, url
    for url in ["/medications/", f"/appointments/requests/{visit.id}", "/appointments/"]:
        page = _page(browser, url)
        assert "[en]" not in page and "translated by computer" not in page, url
