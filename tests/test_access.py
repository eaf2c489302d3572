"""Per-object access: a patient reaches only their own record, whatever ids they type."""
from __future__ import annotations

import pytest

from tests.site_map import crawl


def test_signed_out_visitors_are_sent_to_sign_in_from_every_page(client, people):
    for url in ["/", "/results/", "/notes/", f"/notes/{people.alice_note.id}", "/settings"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/sign-in?next="), url


def test_another_patients_note_is_not_found(browser, people):
    browser.sign_in("alice@example.org")
    response = browser.get(f"/notes/{people.bruno_note.id}")
    assert response.status_code == 404
    assert "lipid" not in response.get_data(as_text=True).lower()


def test_a_patient_never_sees_another_patients_data_on_any_page(browser, people):
    browser.sign_in("alice@example.org")
    pages = crawl(lambda url: (lambda r: (r.status_code, r.get_data(as_text=True)))(browser.get(url)))
    for url in pages:
        html = browser.get(url).get_data(as_text=True)
        assert "Bruno" not in html and "LDL" not in html, url


@pytest.mark.parametrize("login", ["nurse@example.org", "chw@example.org"])
def test_patient_pages_are_forbidden_to_other_roles(browser, people, login):
    browser.sign_in(login)
    for url in ["/results/", "/notes/", f"/notes/{people.alice_note.id}"]:
        assert browser.get(url).status_code == 403, url


def test_a_chw_without_a_grant_sees_no_patient(browser, people):
    browser.sign_in("chw@example.org")
    page = browser.get("/").get_data(as_text=True)
    assert "Alice" not in page and "Bruno" not in page
    assert "No patient has given you access yet" in page
