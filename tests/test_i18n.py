"""Interface languages: how the language is chosen, the switch on every page, and complete catalogs."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.config import INTERFACE_LANGUAGES
from portal.extensions import db
from portal.paths import PROJECT_ROOT

CATALOGS = sorted((PROJECT_ROOT / "translations").glob("*/LC_MESSAGES/messages.po"))


def test_accept_language_picks_spanish_for_a_new_visitor(client):
    page = client.get("/sign-in", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="es" dir="ltr">' in page
    assert "Iniciar sesión" in page


def test_unknown_languages_fall_back_to_english(client):
    page = client.get("/sign-in", headers={"Accept-Language": "xx"}).get_data(as_text=True)
    assert '<html lang="en"' in page


def test_language_switch_works_without_javascript_and_is_remembered(browser):
    response = browser.submit("/sign-in", "/language", {"lang": "es", "next": "/sign-in"},
                              headers={"Accept-Language": "en"})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    page = browser.get("/sign-in", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="es"' in page
    assert 'value="en" lang="en">English</button>' in page


def test_language_switch_ignores_unknown_languages_and_foreign_redirects(browser):
    response = browser.submit("/sign-in", "/language", {"lang": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert '<html lang="en"' in browser.get("/sign-in").get_data(as_text=True)


def test_signed_in_users_preference_wins_over_cookie_and_browser(browser, people):
    browser.sign_in("bruno@example.org")  # preferred_language "es"
    browser.client.set_cookie("lang", "en")
    page = browser.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="es"' in page and "Hola, Bruno Díaz" in page


def test_switching_language_while_signed_in_saves_the_preference(app, browser, people):
    browser.sign_in("alice@example.org")
    browser.submit("/", "/language", {"lang": "es", "next": "/"})
    db.session.expire_all()
    assert db.session.get(type(people.alice), people.alice.id).preferred_language == "es"
    browser.sign_out()
    browser.client.delete_cookie("lang")
    browser.sign_in("alice@example.org")
    assert "Hola, Alice Walker" in browser.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_settings_save_language_and_reading_level(app, browser, people):
    browser.sign_in("alice@example.org")
    response = browser.submit("/settings", "/settings", {"language": "es", "reading_level": "simplest"})
    assert response.status_code == 302
    assert "Sus preferencias están guardadas." in browser.get("/settings").get_data(as_text=True)
    db.session.expire_all()
    user = db.session.get(type(people.alice), people.alice.id)
    assert user.preferred_language == "es" and user.reading_level.value == "simplest"


def test_settings_refuse_a_value_that_is_not_offered(browser, people):
    browser.sign_in("alice@example.org")
    response = browser.submit("/settings", "/settings", {"language": "xx", "reading_level": "expert"})
    assert response.status_code == 200
    assert "There is a problem" in response.get_data(as_text=True)


def test_dates_are_written_the_spanish_way(browser, people):
    browser.sign_in("bruno@example.org")
    page = browser.get("/results/").get_data(as_text=True)
    assert " de " in page.split("<h2", 1)[1].split("</h2>", 1)[0]  # "martes, 24 de noviembre de 2026"


def test_every_interface_language_has_a_catalog():
    languages = {path.parts[-3] for path in CATALOGS}
    assert languages == set(INTERFACE_LANGUAGES) - {"en"}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-3])
def test_catalog_has_no_untranslated_or_fuzzy_entries(path: Path):
    catalog = read_po(path.open("rb"))
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
    assert not problems, f"{path}: untranslated or fuzzy: {problems}"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-3])
def test_catalog_has_every_string_in_the_code(path: Path, tmp_path):
    """Fails when someone adds an interface string and forgets `flask translate update`."""
    template = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-o", str(template), "portal", "templates"], cwd=PROJECT_ROOT, check=True, capture_output=True)
    in_code = {m.id for m in read_po(template.open("rb")) if m.id}
    in_catalog = {m.id for m in read_po(path.open("rb")) if m.id}
    assert not in_code - in_catalog, f"run `flask --app app translate update`; missing: {in_code - in_catalog}"
