"""Byte budgets for a patient on a slow, metered connection (deterministic, so tested here).

- the HTML of every page, gzip: at most 14 KB (one TCP initial window);
- CSS + JS of all pages together, gzip: at most 30 KB;
- first visit to the results page, everything, gzip: at most 40 KB.
"""
from __future__ import annotations

import re

import pytest

from tests.site_map import crawl

HTML_BUDGET = 14 * 1024
ASSETS_BUDGET = 30 * 1024
FIRST_VISIT_BUDGET = 40 * 1024
_ASSET = re.compile(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"')


def _gzip_size(browser, url: str) -> tuple[int, str]:
    response = browser.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200, url
    if len(response.data) >= 500:  # smaller bodies are not worth compressing
        assert response.headers.get("Content-Encoding") == "gzip", url
    return len(response.data), browser.get(url).get_data(as_text=True)


@pytest.fixture
def demo_pages(browser, demo):
    """Every page each demo user can reach, with the bytes each costs."""
    sizes: dict[tuple[str, str], int] = {}
    assets: set[str] = set()
    for account in demo:
        browser.sign_in(account.login, account.password)
        for url in crawl(lambda u: (lambda r: (r.status_code, r.get_data(as_text=True)))(browser.get(u))):
            size, html = _gzip_size(browser, url)
            sizes[(account.login, url)] = size
            assets.update(_ASSET.findall(html))
        browser.sign_out()
    size, html = _gzip_size(browser, "/sign-in")
    sizes[("signed out", "/sign-in")] = size
    return sizes, assets


def test_every_pages_html_fits_in_14_kb_gzip(demo_pages):
    sizes, _assets = demo_pages
    assert len(sizes) >= 10
    too_big = {key: size for key, size in sizes.items() if size > HTML_BUDGET}
    assert not too_big, f"pages over {HTML_BUDGET} bytes gzip: {too_big}"


def test_css_and_js_of_all_pages_fit_in_30_kb_gzip(browser, demo_pages):
    _sizes, assets = demo_pages
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    total = sum(_gzip_size(browser, asset)[0] for asset in assets)
    assert total <= ASSETS_BUDGET, f"CSS + JS = {total} bytes gzip: {sorted(assets)}"


def test_first_visit_to_results_fits_in_40_kb_gzip(browser, demo):
    patient = next(a for a in demo if a.role == "patient")
    browser.sign_in(patient.login, patient.password)
    size, html = _gzip_size(browser, "/results/")
    total = size + sum(_gzip_size(browser, asset)[0] for asset in set(_ASSET.findall(html)))
    assert total <= FIRST_VISIT_BUDGET, f"results page, first visit: {total} bytes gzip"
