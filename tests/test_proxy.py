"""Proxy access: a patient (or staff, in person) gives a helper access; the helper acts for the
patient; access ends when revoked or expired. Assisted enrolment with a one-time code."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, ProxyGrant, Role, Scope, User
from portal.models.people import HelperKind
from portal.models.base import utcnow
from portal.proxy.service import clinic_today, helper_code
from tests import factories

ALL_AREAS = ["results", "notes", "messages", "medications", "appointments"]


def _give(browser, helper="chw@example.org", scopes=("results", "notes"), expiry="90", until=""):
    return browser.submit("/helpers/new", "/helpers/new",
                          {"helper": helper, "scopes": list(scopes), "expiry": expiry, "until": until})


def _grants(patient):
    db.session.expire_all()
    return list(db.session.scalars(select(ProxyGrant).where(ProxyGrant.patient_id == patient.id).order_by(ProxyGrant.id)))


def _grant(people, patient=None, scopes="results notes", days=30):
    grant = ProxyGrant(patient_id=(patient or people.bruno_patient).id, grantee_id=people.chw.id, scopes=scopes,
                       expires_at=utcnow() + timedelta(days=days), created_by_id=people.bruno.id)
    db.session.add(grant)
    db.session.commit()
    return grant


def _act_for(browser, patient):
    return browser.submit("/", f"/acting-for/{patient.id}", {})


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


# ---------------------------------------------------------------------------------------------
# The patient gives and takes back access


def test_a_patient_gives_a_chw_access_by_email_for_the_areas_chosen(browser, people):
    browser.sign_in("bruno@example.org")
    response = _give(browser, helper="CHW@example.org ", scopes=("results", "messages"))
    assert response.status_code == 302 and response.headers["Location"] == "/helpers"
    page = browser.get("/helpers").get_data(as_text=True)
    assert "Carla Worker" in page and "Resultados de pruebas, Mensajes" in page
    [grant] = _grants(people.bruno_patient)
    assert grant.scope_set == {Scope.RESULTS, Scope.MESSAGES} and grant.created_by_id == people.bruno.id
    assert timedelta(days=89) < _aware(grant.expires_at) - utcnow() < timedelta(days=91)


def test_a_patient_can_choose_the_helper_by_the_code_the_helper_shows(browser, people):
    browser.sign_in("chw@example.org")
    shown = re.search(r"Your helper code is (\d+-[A-Z0-9]{4})", browser.get("/").get_data(as_text=True)).group(1)
    browser.sign_out()
    browser.sign_in("alice@example.org")
    assert _give(browser, helper=shown.lower().replace("-", " ")).status_code == 302
    assert [g.grantee_id for g in _grants(people.alice_patient)] == [people.chw.id]


@pytest.mark.parametrize("helper", ["bruno@example.org", "nobody@example.org", "CODE"])
def test_only_a_helper_account_can_be_chosen(browser, people, helper):
    if helper == "CODE":  # the CHW's code with one character changed
        code = helper_code(people.chw.id)
        helper = code[:-1] + ("A" if code[-1] != "A" else "B")
    browser.sign_in("alice@example.org")
    response = _give(browser, helper=helper)
    assert response.status_code == 200
    assert "We could not find a helper with that email, username or code." in response.get_data(as_text=True)
    assert _grants(people.alice_patient) == []


def test_a_grant_until_a_chosen_day_ends_that_evening(browser, people):
    last_day = clinic_today() + timedelta(days=10)
    browser.sign_in("alice@example.org")
    assert _give(browser, expiry="date", until=last_day.isoformat()).status_code == 302
    [grant] = _grants(people.alice_patient)
    from flask_babel import to_user_timezone
    assert to_user_timezone(_aware(grant.expires_at)).date() == last_day


@pytest.mark.parametrize("data, message", [
    ({"scopes": []}, "Choose at least one thing they can help with."),
    ({"expiry": "date", "until": ""}, "Enter the last day of access."),
    ({"expiry": "date", "until": "2001-01-01"}, "Choose a day after today."),
    ({"expiry": "date", "until": "3000-01-01"}, "Choose a day within the next 5 years."),
    ({"expiry": "date", "until": "next tuesday"}, "Not a valid date value."),
    ({"expiry": "forever"}, "Not a valid choice."),
])
def test_mistakes_in_the_form_are_named_and_the_typed_helper_is_kept(browser, people, data, message):
    browser.sign_in("alice@example.org")
    page = _give(browser, **data).get_data(as_text=True)
    assert "There is a problem" in page and message in page
    assert 'value="chw@example.org"' in page
    assert _grants(people.alice_patient) == []


def test_a_half_typed_day_does_not_block_a_fixed_length(browser, people):
    browser.sign_in("alice@example.org")
    assert _give(browser, expiry="30", until="not a day").status_code == 302


def test_the_form_speaks_spanish_to_a_spanish_reader(browser, people):
    browser.sign_in("bruno@example.org")
    page = _give(browser, scopes=()).get_data(as_text=True)
    assert "Hay un problema" in page and "Elija al menos una cosa" in page


def test_giving_access_again_replaces_the_earlier_choices(browser, people):
    browser.sign_in("bruno@example.org")
    _give(browser, scopes=ALL_AREAS)
    _give(browser, scopes=("results",))
    old, new = _grants(people.bruno_patient)
    assert old.revoked_at is not None and new.revoked_at is None
    browser.sign_out()
    browser.sign_in("chw@example.org")
    _act_for(browser, people.bruno_patient)
    assert browser.get("/results/").status_code == 200
    assert browser.get("/notes/").status_code == 403


def test_a_patient_stops_access_and_it_ends_on_the_helpers_next_request(app, people):
    from tests.conftest import Browser
    patient, helper = Browser(app.test_client()), Browser(app.test_client())
    grant = _grant(people)
    helper.sign_in("chw@example.org")
    _act_for(helper, people.bruno_patient)
    assert helper.get("/results/").status_code == 200
    patient.sign_in("bruno@example.org")
    assert patient.submit("/helpers", f"/helpers/{grant.id}/revoke", {}).status_code == 302
    assert helper.get("/results/").status_code == 403
    home = helper.get("/").get_data(as_text=True)
    assert "Bruno" not in home and "No patient has given you access yet" in home
    assert "Accesos que ya terminaron" in patient.get("/helpers").get_data(as_text=True)


def test_a_patient_cannot_stop_another_patients_grant(browser, people):
    grant = _grant(people)
    browser.sign_in("alice@example.org")
    assert browser.submit("/helpers", f"/helpers/{grant.id}/revoke", {}).status_code == 404
    assert _grants(people.bruno_patient)[0].revoked_at is None


def test_a_helper_acting_for_a_patient_cannot_hand_out_or_read_access(browser, people):
    _grant(people, scopes=" ".join(ALL_AREAS))
    browser.sign_in("chw@example.org")
    _act_for(browser, people.bruno_patient)
    for url in ("/helpers", "/helpers/new", "/who-looked"):
        assert browser.get(url).status_code == 403, url


# ---------------------------------------------------------------------------------------------
# The helper's dashboard


def test_the_helper_chooses_whom_to_act_for_and_sees_the_banner(browser, people):
    _grant(people, scopes="results")
    browser.sign_in("chw@example.org")
    home = browser.get("/").get_data(as_text=True)
    assert "Bruno Díaz" in home and "You can see and help with: Test results" in home
    assert "Acting for" not in home
    assert _act_for(browser, people.bruno_patient).headers["Location"] == "/"
    for url in ("/", "/results/", "/settings"):
        assert "Acting for Bruno Díaz" in browser.get(url).get_data(as_text=True), url
    assert browser.submit("/", "/acting-for/stop", {}).status_code == 302
    assert "Acting for" not in browser.get("/").get_data(as_text=True)
    assert browser.get("/results/").status_code == 403


def test_a_helper_cannot_choose_a_patient_without_a_grant_in_force(browser, people):
    _grant(people, days=-1)
    browser.sign_in("chw@example.org")
    response = _act_for(browser, people.bruno_patient)
    assert response.status_code == 403
    assert "You cannot act for this person now" in response.get_data(as_text=True)
    assert _act_for(browser, people.alice_patient).status_code == 403
    assert "Acting for" not in browser.get("/").get_data(as_text=True)


def test_the_helper_reads_the_interface_in_their_language_and_the_note_as_the_patient_reads_it(browser, people):
    rosa = factories.user("rosa@example.org", Role.CHW, "Rosa Delgado", language="es")
    people.alice.preferred_language = "en"
    db.session.add(ProxyGrant(patient_id=people.alice_patient.id, grantee_id=rosa.id, scopes="notes",
                              expires_at=utcnow() + timedelta(days=5), created_by_id=people.alice.id))
    db.session.commit()
    browser.sign_in("rosa@example.org")
    _act_for(browser, people.alice_patient)
    page = browser.get(f"/notes/{people.alice_note.id}").get_data(as_text=True)
    assert '<html lang="es"' in page and "Actuando en nombre de Alice Walker" in page
    assert "Denies chest pain" in page  # Alice reads English: the note as written


# ---------------------------------------------------------------------------------------------
# Staff record a grant given in person


def test_staff_record_a_grant_given_in_person_and_it_is_audited(browser, people):
    browser.sign_in("nurse@example.org")
    url = f"/proxy/staff/patients/{people.bruno_patient.id}/grants"
    response = browser.submit(url, url, {"helper": "chw@example.org", "scopes": ["notes"], "expiry": "30"})
    assert response.status_code == 302
    [grant] = _grants(people.bruno_patient)
    assert grant.created_by_id == people.staff.id and grant.scope_set == {Scope.NOTES}
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == people.staff.id)).all()
    assert {(e.action, e.what, e.patient_id) for e in events} == {
        ("view", "grants", people.bruno_patient.id), ("change", "grants", people.bruno_patient.id)}


def test_staff_stop_a_grant_and_the_helper_loses_access(app, people):
    from tests.conftest import Browser
    grant = _grant(people)
    helper, nurse = Browser(app.test_client()), Browser(app.test_client())
    helper.sign_in("chw@example.org")
    _act_for(helper, people.bruno_patient)
    nurse.sign_in("nurse@example.org")
    url = f"/proxy/staff/patients/{people.bruno_patient.id}/grants"
    assert nurse.submit(url, f"{url}/{grant.id}/revoke", {}).status_code == 302
    assert helper.get("/notes/").status_code == 403


def test_staff_cannot_stop_a_grant_through_another_patients_page(browser, people):
    grant = _grant(people)
    browser.sign_in("nurse@example.org")
    url = f"/proxy/staff/patients/{people.alice_patient.id}/grants"
    assert browser.submit(url, f"{url}/{grant.id}/revoke", {}).status_code == 404
    assert _grants(people.bruno_patient)[0].revoked_at is None


@pytest.mark.parametrize("login", ["alice@example.org", "chw@example.org"])
def test_clinic_pages_refuse_patients_and_helpers(browser, people, login):
    browser.sign_in(login)
    for url in ("/proxy/staff/patients", f"/proxy/staff/patients/{people.bruno_patient.id}/grants",
                f"/proxy/staff/patients/{people.bruno_patient.id}/account", "/proxy/staff/helpers/new"):
        assert browser.get(url).status_code == 403, url


def test_the_clinics_patient_list_finds_by_name_and_pages(browser, people):
    for n in range(30):
        factories.patient(f"Extra{n:02d}", "Zed")
    browser.sign_in("nurse@example.org")
    found = browser.get("/proxy/staff/patients?q=bru").get_data(as_text=True)
    assert "Bruno Díaz" in found and "Alice" not in found
    first = browser.get("/proxy/staff/patients").get_data(as_text=True)
    assert "Next page" in first
    assert "Extra29 Zed" in browser.get("/proxy/staff/patients?page=2").get_data(as_text=True)
    assert browser.get("/proxy/staff/patients?page=99999999999999999999").status_code == 200


# ---------------------------------------------------------------------------------------------
# Assisted enrolment and activation


@pytest.fixture
def marta(people):
    """A patient with a record and no account (no email)."""
    return factories.patient("Marta", "López", language="es")


def _enrol(browser, patient, login="marta.lopez", language="es"):
    browser.sign_in("nurse@example.org")
    url = f"/proxy/staff/patients/{patient.id}/account"
    response = browser.submit(url, url, {"login": login, "language": language})
    browser.sign_out()
    return response


def _code(response) -> str:
    return re.search(r'<dd class="code">([A-Z0-9]{5}-[A-Z0-9]{5})</dd>', response.get_data(as_text=True)).group(1)


def _activate(browser, code, login="marta.lopez", password="a new password 1", **kwargs):
    return browser.submit("/activate", "/activate", {"login": login, "code": code, "password": password,
                                                     "confirm": password}, **kwargs)


def test_staff_enrol_a_patient_and_print_a_code_in_the_patients_language(browser, marta):
    response = _enrol(browser, marta)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    code = _code(response)
    assert '<section class="activation-sheet" lang="es"' in page
    assert "Su código de activación" in page and "marta.lopez" in page and "/activate" in page
    assert "Print this page" in page  # the instructions for the nurse stay in the nurse's language
    user = db.session.scalar(select(User).where(User.login == "marta.lopez"))
    assert user.patient_id == marta.id and user.role is Role.PATIENT and user.preferred_language == "es"
    assert user.activation_code_hash.startswith("$argon2id$") and code not in user.activation_code_hash
    assert timedelta(days=13) < _aware(user.activation_expires_at) - utcnow() <= timedelta(days=14)


def test_enrolment_is_audited_and_refuses_a_username_in_use(browser, people, marta):
    response = _enrol(browser, marta, login="alice@example.org")
    assert "Someone already has this username" in response.get_data(as_text=True)
    assert _enrol(browser, marta, login="<b>marta</b>").status_code == 200
    assert db.session.scalar(select(User).where(User.patient_id == marta.id)) is None
    _enrol(browser, marta)
    changes = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "change")).all()
    assert [(e.patient_id, e.what) for e in changes] == [(marta.id, "account")]


def test_the_code_sets_a_password_once_and_then_the_patient_signs_in(browser, marta):
    code = _code(_enrol(browser, marta))
    response = _activate(browser, code.lower().replace("-", " "))
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert "Su contraseña está lista" in browser.get("/sign-in").get_data(as_text=True)
    again = _activate(browser, code, password="another password 2")  # the page now speaks her language
    assert "o el código ya se usó" in again.get_data(as_text=True)
    assert browser.sign_in("marta.lopez", "a new password 1").status_code == 302
    assert "Hola, Marta López" in browser.get("/").get_data(as_text=True)


def test_an_expired_code_says_so(browser, marta):
    code = _code(_enrol(browser, marta))
    user = db.session.scalar(select(User).where(User.login == "marta.lopez"))
    user.activation_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = _activate(browser, code).get_data(as_text=True)
    assert "This code is too old. Call the clinic for a new one." in page
    assert browser.sign_in("marta.lopez", "a new password 1").status_code == 200  # not signed in


def test_a_wrong_code_and_mismatched_passwords_are_named(browser, marta):
    _enrol(browser, marta)
    assert "the code was already used" in _activate(browser, "AAAAA-AAAAA").get_data(as_text=True)
    page = browser.submit("/activate", "/activate", {"login": "marta.lopez", "code": "AAAAA-AAAAA",
                                                     "password": "long enough", "confirm": "different"})
    assert "The two passwords are not the same." in page.get_data(as_text=True)


def test_activation_is_rate_limited_per_account_across_addresses(app, browser, marta):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    code = _code(_enrol(browser, marta))
    for n in range(3):
        _activate(browser, "WRONG-CODE0", environ_base={"REMOTE_ADDR": f"10.0.1.{n}"})
    response = _activate(browser, code, environ_base={"REMOTE_ADDR": "10.0.1.9"})
    assert response.status_code == 429 and "Too many tries" in response.get_data(as_text=True)


def test_a_new_code_replaces_the_old_one_and_ends_old_sessions(app, browser, people):
    from tests.conftest import Browser
    alice = Browser(app.test_client())
    alice.sign_in("alice@example.org")
    browser.sign_in("nurse@example.org")
    url = f"/proxy/staff/patients/{people.alice_patient.id}/account"
    first = _code(browser.submit(url, url, {}))
    second = _code(browser.submit(url, url, {}))
    browser.sign_out()
    assert "the code was already used" in _activate(browser, first, login="alice@example.org").get_data(as_text=True)
    assert _activate(browser, second, login="alice@example.org", password="forgot it, new one").status_code == 302
    assert alice.get("/").status_code == 302  # the old session ended with the new password
    assert browser.sign_in("alice@example.org", "forgot it, new one").status_code == 302


def _new_helper(browser, kind="caregiver", login="pedro.diaz", name="Pedro Díaz", language="es"):
    """Staff make a helper account; returns the response (the printed sheet when it worked)."""
    browser.sign_in("nurse@example.org")
    data = {"display_name": name, "login": login, "language": language}
    if kind is not None:
        data["kind"] = kind
    response = browser.submit("/proxy/staff/helpers/new", "/proxy/staff/helpers/new", data)
    browser.sign_out()
    return response


def test_staff_make_an_account_for_a_caregiver_who_then_helps_under_a_grant(app, browser, people):
    from tests.conftest import Browser
    code = _code(_new_helper(browser, kind="caregiver"))
    _activate(browser, code, login="pedro.diaz")  # leaves this browser in Pedro's Spanish
    pedro = db.session.scalar(select(User).where(User.login == "pedro.diaz"))
    # Same role as a CHW, so every access check treats him the same; only the words differ.
    assert pedro.role is Role.CHW and pedro.helper_kind is HelperKind.CAREGIVER and pedro.patient_id is None
    alice = Browser(app.test_client())
    alice.sign_in("alice@example.org")
    _give(alice, helper="pedro.diaz", scopes=("results",))
    helpers = alice.get("/helpers").get_data(as_text=True)
    assert 'Pedro Díaz</h3>\n    <p class="meta">Family member or caregiver</p>' in helpers
    assert "ommunity health worker" not in helpers.split("People who can help you now")[1]  # not the intro
    browser.sign_in("pedro.diaz", "a new password 1")
    assert "Pacientes a quienes ayuda" in browser.get("/").get_data(as_text=True)
    _act_for(browser, people.alice_patient)
    assert browser.get("/results/").status_code == 200
    looked = alice.get("/who-looked").get_data(as_text=True)
    assert "Pedro Díaz, family member or caregiver, looked at your test results on" in looked
    assert "community health worker" not in looked
    browser.sign_out()
    browser.sign_in("nurse@example.org")
    assert browser.get("/proxy/staff/patients?page=99999999999999999999").status_code == 200


def test_staff_make_an_account_for_a_community_health_worker(browser, people):
    browser.sign_in("nurse@example.org")
    form = browser.get("/proxy/staff/helpers/new").get_data(as_text=True)
    assert "What kind of helper?" in form and "Community health worker" in form and "Family member or caregiver" in form
    assert "checked" not in form  # the clinic chooses; nobody is a CHW by default
    browser.sign_out()
    _code(_new_helper(browser, kind="chw", login="luz.chw", name="Luz Ramos", language="en"))
    luz = db.session.scalar(select(User).where(User.login == "luz.chw"))
    assert luz.role is Role.CHW and luz.helper_kind is HelperKind.CHW


@pytest.mark.parametrize("kind", [None, "", "staff", "admin", "CAREGIVER", "family"])
def test_a_helper_kind_not_offered_is_named_and_makes_no_account(browser, people, kind):
    response = _new_helper(browser, kind=kind)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choose what kind of helper this is." in page
    assert 'value="Pedro Díaz"' in page  # what was typed is kept
    assert db.session.scalar(select(User).where(User.login == "pedro.diaz")) is None


def test_the_patient_and_staff_see_what_kind_of_helper_each_one_is(browser, people):
    dana = factories.user("dana@example.org", Role.CHW, "Dana Walker", helper_kind=HelperKind.CAREGIVER)
    _grant(people, patient=people.alice_patient)
    db.session.add(ProxyGrant(patient_id=people.alice_patient.id, grantee_id=dana.id, scopes="results",
                              expires_at=utcnow() - timedelta(days=1), created_by_id=people.alice.id))
    db.session.commit()
    browser.sign_in("alice@example.org")
    page = browser.get("/helpers").get_data(as_text=True)
    assert 'Carla Worker</h3>\n    <p class="meta">Community health worker</p>' in page
    assert 'Dana Walker <span class="meta">Family member or caregiver · Ended' in page
    browser.sign_out()
    browser.sign_in("nurse@example.org")
    staff_page = browser.get(f"/proxy/staff/patients/{people.alice_patient.id}/grants").get_data(as_text=True)
    assert "Community health worker</p>" in staff_page and "Family member or caregiver · Ended" in staff_page
