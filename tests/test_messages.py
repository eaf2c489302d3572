"""Secure messages: a patient writes in their language, the care team reads English and answers
in English, the patient reads the answer in their language; sending survives a resend."""
from __future__ import annotations

import re
from datetime import timedelta

from portal.access import ACTING_FOR_KEY
from portal.extensions import db
from portal.messages.service import MAX_BODY, MESSAGES_PER_PAGE
from portal.models import DocumentTranslation, Message, MessageThread, ProxyGrant
from portal.models.base import utcnow

SPANISH = "Tengo dolor en el pecho y fiebre desde ayer. ¿Qué debo hacer con la medicina?"
ENGLISH_REPLY = "Please call the clinic today if the pain is worse. Take 500 mg with food."


def _write(browser, subject="Dolor", body=SPANISH, topic="question", **extra):
    return browser.submit("/messages/new", "/messages/new", {"topic": topic, "subject": subject, "body": body, **extra})


def _key(html: str) -> str:
    return re.search(r'name="idempotency_key"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="idempotency_key"',
                     html).group(1)


def _thread(people, patient=None, subject="A question", body="Is my A1c ok?", author=None) -> MessageThread:
    patient = patient or people.alice_patient
    thread = MessageThread(patient_id=patient.id, topic="results", subject=subject)
    db.session.add(thread)
    db.session.add(Message(thread=thread, author=author or patient.user, body=body, language="en"))
    db.session.commit()
    return thread


def _staff_reply(people, thread, body="Yes, it is better.", minutes=1) -> Message:
    message = Message(thread=thread, author=people.staff, body=body, language="en",
                      created_at=utcnow() + timedelta(minutes=minutes))
    db.session.add(message)
    db.session.commit()
    return message


def _page(browser, url, **kwargs) -> str:
    response = browser.get(url, **kwargs)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


# --- Writing ---------------------------------------------------------------------------------------

def test_a_new_message_opens_its_thread_and_is_listed_newest_first(browser, people):
    _thread(people, subject="An older question")
    browser.sign_in("alice@example.org")
    response = _write(browser, subject="Refill question", body="Can I get more metformin?", topic="medication")
    assert response.status_code == 302
    page = _page(browser, response.headers["Location"])
    assert "Refill question" in page and "Can I get more metformin?" in page and "My medicines" in page
    listing = _page(browser, "/messages/")
    assert listing.index("Refill question") < listing.index("An older question")


def test_a_resend_with_the_same_key_stores_one_message_and_shows_it(browser, people):
    browser.sign_in("alice@example.org")
    form = _page(browser, "/messages/new")
    data = {"csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1),
            "idempotency_key": _key(form), "topic": "question", "subject": "Sent twice", "body": "Hello there"}
    first = browser.client.post("/messages/new", data=data)
    second = browser.client.post("/messages/new", data=data, follow_redirects=True)
    assert db.session.query(Message).count() == 1 and db.session.query(MessageThread).count() == 1
    assert first.status_code == 302 and second.status_code == 200
    assert "Hello there" in second.get_data(as_text=True)


def test_a_double_tap_on_reply_stores_one_reply(browser, people):
    thread = _thread(people)
    browser.sign_in("alice@example.org")
    url = f"/messages/{thread.id}"
    page = _page(browser, url)
    data = {"csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1),
            "idempotency_key": _key(page), "body": "Thank you!"}
    browser.client.post(url, data=data)
    browser.client.post(url, data=data)
    assert db.session.query(Message).filter_by(body="Thank you!").count() == 1


def test_each_compose_form_gets_its_own_key(browser, people):
    browser.sign_in("alice@example.org")
    assert _key(_page(browser, "/messages/new")) != _key(_page(browser, "/messages/new"))


def test_a_message_that_fails_validation_keeps_the_typed_text(browser, people):
    browser.sign_in("alice@example.org")
    response = _write(browser, subject="", body="My words, kept <as typed>")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and "Write a subject." in page
    assert "My words, kept &lt;as typed&gt;" in page
    assert db.session.query(Message).count() == 0


def test_a_message_that_is_too_long_says_how_long_it_may_be(browser, people):
    browser.sign_in("alice@example.org")
    response = _write(browser, body="a" * (MAX_BODY + 1))
    page = response.get_data(as_text=True)
    assert f"Your message has {MAX_BODY + 1} characters. Please make it {MAX_BODY} characters or fewer." in page
    assert "a" * (MAX_BODY + 1) in page
    assert db.session.query(Message).count() == 0


def test_validation_messages_are_in_spanish_for_a_spanish_reader(browser, people):
    browser.sign_in("bruno@example.org")
    page = _write(browser, subject="", body="").get_data(as_text=True)
    assert "Hay un problema" in page and "Escriba un asunto." in page


def test_html_in_a_message_is_shown_as_text_and_stored_as_typed(browser, people):
    body = '<script>alert("x")</script><b>bold</b>'
    browser.sign_in("alice@example.org")
    page = _page(browser, _write(browser, body=body).headers["Location"])
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;" in page
    assert db.session.query(Message).one().body == body


def test_invisible_control_characters_are_dropped_and_line_breaks_kept(browser, people):
    browser.sign_in("alice@example.org")
    response = _write(browser, subject="Hi\x00 there", body="Line one\x00\r\nLine two\x07")
    assert response.status_code == 302
    message = db.session.query(Message).one()
    assert (message.thread.subject, message.body) == ("Hi there", "Line one\r\nLine two")


# --- Whose threads ---------------------------------------------------------------------------------

def test_another_patients_thread_is_not_found_to_read_or_to_answer(browser, people):
    theirs = _thread(people, patient=people.bruno_patient, subject="Secreto")
    browser.sign_in("alice@example.org")
    response = browser.get(f"/messages/{theirs.id}")
    assert response.status_code == 404 and "Secreto" not in response.get_data(as_text=True)
    page = _page(browser, "/messages/new")
    response = browser.client.post(f"/messages/{theirs.id}", data={
        "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1), "body": "hi"})
    assert response.status_code == 404
    assert db.session.query(Message).filter_by(body="hi").count() == 0


def test_staff_and_a_chw_without_a_grant_cannot_open_patient_messages(browser, people):
    for login in ("nurse@example.org", "chw@example.org"):
        browser.sign_in(login)
        assert browser.get("/messages/").status_code == 403, login
        browser.sign_out()


# --- Across languages --------------------------------------------------------------------------------

def test_the_language_of_a_message_is_detected_and_falls_back_to_the_patients(browser, people):
    browser.sign_in("alice@example.org")  # reads English
    _write(browser, subject="Pregunta", body=SPANISH)
    _write(browser, subject="Ok", body="ok")  # too short to tell
    languages = {m.body: m.language for m in db.session.query(Message)}
    assert languages == {SPANISH: "es", "ok": "en"}


def test_spanish_in_english_reply_out_each_side_reads_its_language(browser, people, engine):
    browser.sign_in("bruno@example.org")
    thread_url = _write(browser, subject="Dolor", body=SPANISH).headers["Location"].split("#")[0]
    browser.sign_out()

    # Staff read the English translation beside the patient's words.
    browser.sign_in("nurse@example.org")
    staff_url = thread_url.replace("/messages/", "/staff/threads/")
    staff_page = _page(browser, staff_url)
    assert SPANISH in staff_page
    assert "[en] Tengo pain en the chest and fever desde ayer." in staff_page
    assert "English, translated by computer" in staff_page and "As written (Spanish)" in staff_page
    browser.submit(staff_url, staff_url, {"body": ENGLISH_REPLY})
    browser.sign_out()

    # The patient reads the reply in Spanish, labelled, with the English one tap away.
    browser.sign_in("bruno@example.org")
    page = _page(browser, thread_url)
    assert "[es] Please llame el clínica today if el dolor is worse." in page
    assert "Traducido por computadora" in page
    assert ENGLISH_REPLY not in page
    original_link = re.search(r'href="([^"]*show=as-written[^"]*)"', page).group(1).replace("&amp;", "&")
    original = _page(browser, original_link)
    assert ENGLISH_REPLY in original and "[es]" not in original
    assert "Ver la traducción" in original

    stored = {m.body: m.language for m in db.session.query(Message)}
    assert stored == {SPANISH: "es", ENGLISH_REPLY: "en"}


def test_an_english_patient_reads_staff_messages_untranslated(browser, people, engine):
    thread = _thread(people)
    _staff_reply(people, thread, body="Your A1c is better.")
    browser.sign_in("alice@example.org")
    page = _page(browser, f"/messages/{thread.id}")
    assert "Your A1c is better." in page and "Translated by computer" not in page
    assert engine.calls == []


def test_while_a_reply_is_being_translated_the_page_shows_it_as_written_and_polls(browser, people):
    thread = _thread(people, patient=people.bruno_patient, body="Hola")
    reply = _staff_reply(people, thread, body="We got your message.")
    db.session.add(DocumentTranslation(kind="message", object_id=reply.id, source_lang="en", target_lang="es",
                                       status="pending"))
    db.session.commit()
    browser.sign_in("bruno@example.org")
    page = _page(browser, f"/messages/{thread.id}")
    assert "Traduciendo..." in page and 'hx-trigger="every 2s"' in page
    assert "We got your message." in page
    fragment = _page(browser, f"/messages/{thread.id}", headers={"HX-Request": "true", "HX-Target": "thread-messages"})
    assert fragment.lstrip().startswith('<div id="thread-messages"') and "<html" not in fragment


def test_without_a_model_the_patient_is_told_plainly_and_reads_the_original(browser, people, engine):
    engine._pairs.clear()
    thread = _thread(people, patient=people.bruno_patient, body="Hola")
    _staff_reply(people, thread, body="We got your message.")
    browser.sign_in("bruno@example.org")
    page = _page(browser, f"/messages/{thread.id}")
    assert "Todavía no podemos traducir esto al español" in page
    assert "We got your message." in page


# --- Unread -------------------------------------------------------------------------------------------

def test_opening_a_thread_marks_the_care_teams_messages_read_on_the_home_page(browser, people):
    thread = _thread(people)
    _staff_reply(people, thread)
    browser.sign_in("alice@example.org")
    assert "You have 1 unread message from your care team." in _page(browser, "/")
    assert "1 unread" in _page(browser, "/messages/")
    _page(browser, f"/messages/{thread.id}")
    assert "No unread messages." in _page(browser, "/")


def test_a_chw_reading_a_thread_leaves_it_unread_for_the_patient(browser, people):
    db.session.add(ProxyGrant(patient_id=people.bruno_patient.id, grantee_id=people.chw.id, scopes="messages",
                              expires_at=utcnow() + timedelta(days=30), created_by_id=people.bruno.id))
    db.session.commit()
    thread = _thread(people, patient=people.bruno_patient, body="Hola")
    reply = _staff_reply(people, thread)
    browser.sign_in("chw@example.org")
    with browser.client.session_transaction() as session:
        session[ACTING_FOR_KEY] = people.bruno_patient.id
    assert "[es] Yes, it is better." in _page(browser, f"/messages/{thread.id}")
    db.session.expire_all()
    assert db.session.get(Message, reply.id).read_by_patient_at is None


# --- Long threads -------------------------------------------------------------------------------------

def test_a_long_thread_shows_the_latest_messages_with_a_link_to_earlier_ones(browser, people):
    thread = _thread(people, body="message 0")
    for i in range(1, MESSAGES_PER_PAGE + 3):
        _staff_reply(people, thread, body=f"message {i}", minutes=i)
    browser.sign_in("alice@example.org")
    latest = _page(browser, f"/messages/{thread.id}")
    assert f"message {MESSAGES_PER_PAGE + 2}" in latest and "message 0<" not in latest
    earlier_link = re.search(r'href="([^"]+)">Earlier messages', latest).group(1).replace("&amp;", "&")
    earlier = _page(browser, earlier_link)
    assert "message 0<" in earlier and "Later messages" in earlier
