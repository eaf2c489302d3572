"""With JavaScript off (plain HTTP requests, as here) every page works: reach it, read it, use its forms."""
from __future__ import annotations

from werkzeug.exceptions import NotFound

from tests.site_map import crawl

# Endpoints that are not pages a person visits.
NOT_PAGES = {"static", "ops.healthz"}


def _get(browser):
    return lambda url: (lambda r: (r.status_code, r.get_data(as_text=True)))(browser.get(url))


def test_every_page_is_reachable_by_links_and_loads(app, browser, demo):
    adapter = app.url_map.bind("localhost")
    reached = set()
    for account in demo:
        assert browser.sign_in(account.login, account.password).status_code == 302, account.login
        pages = crawl(_get(browser))
        assert all(status == 200 for status in pages.values()), (account.login, pages)
        for url in pages:
            try:
                reached.add(adapter.match(url.split("?")[0], method="GET")[0])
            except NotFound:
                raise AssertionError(f"link to a missing page: {url}")
        browser.sign_out()
    pages_in_app = {rule.endpoint for rule in app.url_map.iter_rules()
                    if "GET" in rule.methods and rule.endpoint not in NOT_PAGES}
    pages_in_app -= {"auth.sign_in"}  # the signed-out page, checked below
    assert pages_in_app <= reached, f"pages no link leads to: {pages_in_app - reached}"


def test_sign_in_settings_language_and_sign_out_work_as_plain_forms(browser, demo):
    patient = next(a for a in demo if a.role == "patient")
    assert browser.sign_in(patient.login, patient.password).status_code == 302
    assert browser.submit("/settings", "/settings", {"language": "es", "reading_level": "simpler"}).status_code == 302
    assert "Sus preferencias están guardadas." in browser.get("/settings").get_data(as_text=True)
    assert browser.submit("/", "/language", {"lang": "en", "next": "/results/"}).headers["Location"] == "/results/"
    assert '<html lang="en"' in browser.get("/results/").get_data(as_text=True)
    assert browser.sign_out().status_code == 302
    assert browser.get("/").status_code == 302


def test_every_form_posts_to_this_site_and_carries_a_csrf_token(browser, demo):
    import re
    for account in demo:
        browser.sign_in(account.login, account.password)
        for url in crawl(_get(browser)):
            html = browser.get(url).get_data(as_text=True)
            for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S):
                method = re.search(r'method="(\w+)"', form)
                if method and method.group(1).lower() == "post":
                    assert 'name="csrf_token"' in form, (url, form[:120])
                    assert re.search(r'action="/', form), (url, form[:120])
        browser.sign_out()
