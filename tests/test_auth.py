"""Signing in and out: hashes, errors in the user's language, rate limits, sessions, redirects."""
from __future__ import annotations

import pytest

from portal.models import User
from portal.security import LAST_SEEN_KEY, LAST_SEEN_REFRESH_SECONDS
from tests import factories
from tests.conftest import csrf_token


def test_passwords_are_stored_as_argon2id_hashes(people):
    assert people.alice.password_hash.startswith("$argon2id$")
    assert factories.PASSWORD not in people.alice.password_hash


def test_sign_in_then_home_greets_the_patient(browser, people):
    response = browser.sign_in("Alice@Example.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Hello, Alice Walker" in browser.get("/").get_data(as_text=True)


@pytest.mark.parametrize("login, password", [
    ("alice@example.org", "wrong password"),
    ("nobody@example.org", factories.PASSWORD),
])
def test_wrong_login_or_password_gets_one_plain_message(browser, people, login, password):
    response = browser.sign_in(login, password)
    assert response.status_code == 200
    assert "That email, username or password is not right" in response.get_data(as_text=True)
    assert browser.get("/").status_code == 302


@pytest.mark.parametrize("login, password, message", [
    ("", factories.PASSWORD, "Enter your email or username."),
    ("alice@example.org", "", "Enter your password."),
])
def test_empty_fields_are_named_in_the_error_summary(browser, people, login, password, message):
    page = browser.sign_in(login, password).get_data(as_text=True)
    assert "There is a problem" in page
    assert message in page
    assert 'aria-invalid="true"' in page


def test_errors_come_in_spanish_for_a_spanish_browser(browser, people):
    page = browser.sign_in("alice@example.org", "", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Escriba su contraseña." in page


def test_a_form_without_csrf_token_is_refused_with_an_expired_page(client, people):
    response = client.post("/sign-in", data={"login": "alice@example.org", "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "This page has expired" in response.get_data(as_text=True)


def test_sign_in_is_rate_limited_per_account_across_addresses(app, browser, people):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for n in range(3):
        browser.sign_in("alice@example.org", "wrong", environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
    response = browser.sign_in("alice@example.org", factories.PASSWORD, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 429
    assert "Too many tries" in response.get_data(as_text=True)


def test_sign_in_is_rate_limited_per_address_across_accounts(app, browser, people):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for n in range(3):
        browser.sign_in(f"someone{n}@example.org", "wrong")
    assert browser.sign_in("bruno@example.org", factories.PASSWORD).status_code == 429


def test_session_is_renewed_at_sign_in(client, browser, people):
    browser.get("/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    browser.sign_in("alice@example.org")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id")


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "http:/evil",
])
def test_next_never_leaves_the_site(browser, people, target):
    page = browser.get("/sign-in", query_string={"next": target})
    response = browser.client.post("/sign-in", query_string={"next": target}, data={
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "login": "alice@example.org", "password": factories.PASSWORD})
    assert response.headers["Location"] == "/"


def test_next_returns_to_the_page_asked_for(browser, people):
    first = browser.get("/results/")
    assert first.status_code == 302 and "/sign-in?next=" in first.headers["Location"]
    page = browser.get(first.headers["Location"]).get_data(as_text=True)
    response = browser.client.post(first.headers["Location"], data={
        "csrf_token": csrf_token(page), "login": "alice@example.org", "password": factories.PASSWORD})
    assert response.headers["Location"] == "/results/"


def test_idle_session_is_signed_out_on_the_server(app, client, browser, people):
    browser.sign_in("alice@example.org")
    timeout = app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    with client.session_transaction() as session:
        session[LAST_SEEN_KEY] -= timeout + 1
    response = browser.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert "signed out because you were away" in browser.get("/sign-in").get_data(as_text=True)
    assert browser.get("/").status_code == 302


def test_idle_timeout_is_configurable(monkeypatch, tmp_path):
    from portal.config import load_config
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "5")
    assert load_config(tmp_path)["SESSION_IDLE_TIMEOUT"].total_seconds() == 300
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "five")
    with pytest.raises(SystemExit, match="SESSION_IDLE_MINUTES must be a whole number"):
        load_config(tmp_path)


def test_activity_keeps_the_session_alive(app, client, browser, people):
    browser.sign_in("alice@example.org")
    timeout = app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    with client.session_transaction() as session:
        session[LAST_SEEN_KEY] -= timeout - 5
    assert browser.get("/").status_code == 200
    assert browser.get("/").status_code == 200


def test_the_activity_mark_is_refreshed_once_a_minute_not_on_every_page(app, client, browser, people):
    browser.sign_in("alice@example.org")
    browser.get("/")
    # Nothing changed in the session: no re-signed cookie on every page.
    assert "Set-Cookie" not in browser.get("/").headers
    with client.session_transaction() as session:
        session[LAST_SEEN_KEY] -= LAST_SEEN_REFRESH_SECONDS
        stale = session[LAST_SEEN_KEY]
    response = browser.get("/")
    assert response.status_code == 200 and "Set-Cookie" in response.headers
    with client.session_transaction() as session:
        assert session[LAST_SEEN_KEY] >= stale + LAST_SEEN_REFRESH_SECONDS


def test_a_mark_not_yet_refreshed_never_makes_the_timeout_longer(app, client, browser, people):
    browser.sign_in("alice@example.org")
    timeout = app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    with client.session_transaction() as session:
        session[LAST_SEEN_KEY] -= LAST_SEEN_REFRESH_SECONDS - 1  # recent enough: not refreshed
    assert browser.get("/").status_code == 200
    with client.session_transaction() as session:
        session[LAST_SEEN_KEY] -= timeout - LAST_SEEN_REFRESH_SECONDS + 2  # now idle > timeout
    response = browser.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_sign_out_ends_the_session(browser, people):
    browser.sign_in("alice@example.org")
    response = browser.sign_out()
    assert response.status_code == 302
    assert browser.get("/").status_code == 302
    assert browser.client.get("/sign-out").status_code == 405  # never by a plain link


def test_changing_session_version_ends_existing_sessions(app, browser, people):
    from portal.extensions import db
    browser.sign_in("alice@example.org")
    user = db.session.get(User, people.alice.id)
    user.session_version += 1
    db.session.commit()
    assert browser.get("/").status_code == 302


def test_a_deactivated_account_cannot_sign_in(browser, people):
    from portal.extensions import db
    people.alice.is_active_account = False
    db.session.commit()
    assert browser.sign_in("alice@example.org").status_code == 200
    assert browser.get("/").status_code == 302
