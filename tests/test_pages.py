"""What every page carries: security headers, no inline code, no other hosts, compression,
versioned static files, error pages with a way back, and the operator's health check."""
from __future__ import annotations

import gzip
import re

import pytest

from portal.security import CONTENT_SECURITY_POLICY
from tests.site_map import crawl


def _pages(browser, login):
    browser.sign_in(login)
    return crawl(lambda url: (lambda r: (r.status_code, r.get_data(as_text=True)))(browser.get(url)))


@pytest.fixture
def patient_pages(browser, people):
    return _pages(browser, "alice@example.org")


def test_every_page_carries_the_security_headers(browser, patient_pages):
    assert len(patient_pages) >= 5
    for url in [*patient_pages, "/sign-in"]:
        headers = browser.get(url).headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Cache-Control"] == "no-store", "health pages must not be cached"


def test_no_page_has_inline_script_or_style_or_another_host(browser, patient_pages):
    for url in patient_pages:
        html = browser.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline script on {url}"
        assert "<style" not in html and " style=" not in html, f"inline style on {url}"
        assert not re.search(r' on[a-z]+="', html), f"inline event handler on {url}"
        assert not re.search(r'(src|href|action)="(https?:)?//', html), f"another host on {url}"


def test_every_page_works_without_errors_for_each_role(browser, people):
    for login in ("alice@example.org", "nurse@example.org", "chw@example.org"):
        pages = _pages(browser, login)
        assert pages and all(status == 200 for status in pages.values()), (login, pages)
        browser.sign_out()


def test_html_is_compressed_when_the_browser_accepts_it(browser, people):
    response = browser.get("/sign-in", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert b"<!doctype html>" in gzip.decompress(response.data)


def test_static_files_have_versioned_names_cached_for_a_year(browser, people):
    html = browser.get("/sign-in").get_data(as_text=True)
    css = re.search(r'href="(/static/css/site\.[0-9a-f]{10}\.css)"', html).group(1)
    js = re.search(r'src="(/static/js/htmx\.min\.[0-9a-f]{10}\.js)"', html).group(1)
    for url in (css, js):
        response = browser.get(url)
        assert response.status_code == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]
    stale = re.sub(r"\.[0-9a-f]{10}\.", ".0000000000.", css)
    assert browser.get(stale).status_code == 404
    assert browser.get("/static/../portal/config.py").status_code == 404


@pytest.mark.parametrize("language, title, back", [
    ("en", "Page not found", "Go to sign in"),
    ("es", "No encontramos la página", "Ir a iniciar sesión"),
])
def test_not_found_page_speaks_the_users_language_with_a_way_back(client, language, title, back):
    response = client.get("/no-such-page", headers={"Accept-Language": language})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert title in page and back in page
    assert f'<html lang="{language}"' in page


def test_forbidden_page_for_staff_on_patient_only_pages(browser, people):
    browser.sign_in("nurse@example.org")
    response = browser.get("/results/")
    assert response.status_code == 403
    assert "You cannot see this page" in response.get_data(as_text=True)
    assert "Go to the home page" in response.get_data(as_text=True)


def test_server_error_page_is_friendly_and_in_the_users_language(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom():
        raise RuntimeError("broken on purpose")

    response = client.get("/boom", headers={"Accept-Language": "es"})
    assert response.status_code == 500
    assert "Algo salió mal de nuestro lado" in response.get_data(as_text=True)
    assert "broken on purpose" not in response.get_data(as_text=True)


def test_healthz_reports_database_and_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"
    assert response.json["status"] == "ok"
    assert "queue_pending" in response.json


def test_healthz_fails_when_the_database_is_unreachable(app, client, tmp_path):
    from portal import create_app
    broken = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.db"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"].startswith("error")
