"""The patient's home page lists what is new until they open it."""
from __future__ import annotations

from tests import factories


def test_home_lists_new_results_and_notes(browser, people):
    browser.sign_in("alice@example.org")
    page = browser.get("/").get_data(as_text=True)
    assert "You have 1 new result." in page
    assert "Hemoglobin A1c" in page
    assert "You have 1 new note." in page
    assert f"/notes/{people.alice_note.id}" in page


def test_opened_items_are_no_longer_new(browser, people):
    browser.sign_in("alice@example.org")
    browser.get("/results/")
    browser.get(f"/notes/{people.alice_note.id}")
    page = browser.get("/").get_data(as_text=True)
    assert "No new results." in page
    assert "No new notes." in page


def test_results_page_shows_value_range_and_flag_in_words(browser, people):
    browser.sign_in("alice@example.org")
    page = browser.get("/results/").get_data(as_text=True)
    assert "7.2 %" in page
    assert "Usual range: 4 to 5.6 %" in page
    assert "Higher than usual" in page


def test_results_are_paged_so_the_page_stays_small(app, browser, people):
    for day in range(40):
        factories.result(people.alice_patient, value="5.1", days_ago=day + 2)
    browser.sign_in("alice@example.org")
    first = browser.get("/results/").get_data(as_text=True)
    assert "Older results" in first
    second = browser.get("/results/?page=2").get_data(as_text=True)
    assert "Newer results" in second
    assert browser.get("/results/?page=banana").status_code == 200


def test_staff_home_shows_who_needs_language_help(browser, people):
    browser.sign_in("nurse@example.org")
    page = browser.get("/").get_data(as_text=True)
    assert "Bruno Díaz" in page and "Spanish" in page and "Needs language help" in page
