"""Every page, as patients and staff see it, in real headless Chromium.

For each login in the demo clinic: sign in through the real form, find every page by following
links (tests/site_map.py), then in English and Spanish (switched with the page's own button), load
each page at 320 px and check: the HTTP status, no redirect, <html lang>, no sideways scrolling,
no console or script error, no failed request, no request to another host and no
Content-Security-Policy violation. For each role, the first page of each kind (pages that differ
only by a number, such as /notes/3 and /notes/4, are one kind) and every login's home page get the
full treatment: the same checks at 320 px and at 1280 px, axe-core (WCAG 2.0-2.2 A and AA: zero
violations) and a full-page screenshot under $SCREENSHOT_DIR for a person to look at.
BROWSER_PAGES_PER_KIND=all gives every page the full treatment (several minutes as the portal
grows). The signed-out pages (sign-in, a missing page) always get it.

Each test collects every problem before failing, so one run shows all of them.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from portal.models import Role
from tests.site_map import crawl

pytestmark = [
    pytest.mark.browser,
    # The browser sees the portal, not the database: SQLite is enough.
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

LANGUAGES = ("en", "es")
VIEWPORTS = ((320, 640), (1280, 800))  # a small phone, and a laptop
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
MISSING_PAGE = "/this-page-does-not-exist"
TIMEOUT_MS = 15_000


def _pages_per_kind() -> int | None:
    """How many pages of each kind each role gets axe and screenshots for (BROWSER_PAGES_PER_KIND,
    default 1; "all" for every page). Every page is loaded and checked for the rest either way."""
    raw = os.environ.get("BROWSER_PAGES_PER_KIND", "1").strip().lower()
    return None if raw in {"all", "0", ""} else int(raw)


# Runs in every document before the page's own scripts (the page's CSP does not apply to it).
# CSP violations are logged to the console as well; the event does not depend on the wording.
_RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
    + (e.sourceFile ? ` at ${e.sourceFile}:${e.lineNumber}` : ""));
});
"""


class PageWatcher:
    """What a page does that a patient should never meet: console errors, script errors, failed
    requests, requests to any other host, and Content-Security-Policy violations."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.origin = urlsplit(base_url).netloc
        self.problems: list[str] = []
        self.expected_status: dict[str, int] = {}  # page URL -> an error status we asked for
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("request", self._request)
        page.on("requestfailed", self._failed)

    def _console(self, message):
        if message.type != "error":
            return
        where = message.location.get("url", "")
        expected = self.expected_status.get(where)
        # Chromium logs the document's own error status; an error page we asked for is no problem.
        if expected and re.search(rf"status of {expected}\b", message.text):
            return
        self.problems.append(f"console error: {message.text}" + (f" (at {where})" if where else ""))

    def _request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme not in {"data", "blob", "about"} and parts.netloc != self.origin:
            self.problems.append(f"request to another host: {request.method} {request.url}")

    def _failed(self, request):
        # htmx polling (a translation on its way) cut short by our next page.goto is not a problem.
        if request.failure == "net::ERR_ABORTED" and request.resource_type in {"xhr", "fetch"}:
            return
        self.problems.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def take(self) -> list[str]:
        """The problems seen since the last call, CSP violations included."""
        try:
            csp = self.page.evaluate("window.__cspViolations ? window.__cspViolations.splice(0) : []")
        except Exception:  # noqa: BLE001  (mid-navigation: the console still recorded them)
            csp = []
        problems = self.problems + [f"CSP violation: {v}" for v in csp]
        self.problems = []
        return problems


class Problems:
    """Every problem found, grouped by page, for one readable failure message."""

    def __init__(self):
        self.by_page: dict[str, list[str]] = {}

    def add(self, where: str, problems: list[str]) -> None:
        if problems:
            self.by_page.setdefault(where, []).extend(problems)

    def report(self) -> str:
        count = sum(len(p) for p in self.by_page.values())
        lines = [f"{count} problem(s) on {len(self.by_page)} page view(s):"]
        for where, problems in self.by_page.items():
            lines.append(f"\n{where}")
            lines.extend(f"  - {problem}" for problem in problems)
        return "\n".join(lines)


def axe_script() -> str:
    """axe-core as bundled by axe-playwright-python (no npm, no download)."""
    from axe_playwright_python.sync_playwright import Axe
    return Axe().axe_script


def axe_violations(page) -> list[str]:
    # axe is already in every page (an init script: cheaper than sending 500 KB per page).
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    problems = []
    for violation in results["violations"]:
        targets = "; ".join(", ".join(map(str, node["target"])) for node in violation["nodes"])
        problems.append(f"axe {violation['id']} ({violation['impact']}): {violation['help']}"
                        f" -> {targets}  [{violation['helpUrl'].split('?')[0]}]")
    return problems


def kind(url: str) -> str:
    """Pages that differ only by numbers (ids, page numbers) are one kind of page:
    '/notes/7?version=simpler' -> '/notes/{n}?version=simpler', '/results/?page=3' -> '/results/'."""
    parts = urlsplit(url)
    query = sorted(f"{key}={value}" for key, value in parse_qsl(parts.query, True) if not value.isdigit())
    return re.sub(r"\d+", "{n}", parts.path) + ("?" + "&".join(query) if query else "")


def full_check_set(urls, taken: Counter | None = None) -> set[str]:
    """The first page(s) of each kind, in crawl order (breadth-first: the most prominent link).
    `taken` counts the kinds already checked (for another login of the same role)."""
    per_kind = _pages_per_kind()
    if per_kind is None:
        return set(urls)
    taken = Counter() if taken is None else taken
    chosen = set()
    for url in urls:
        if taken[kind(url)] < per_kind:
            taken[kind(url)] += 1
            chosen.add(url)
    return chosen


def slug(url: str) -> str:
    """'/' -> 'home', '/notes/3' -> 'notes-3', '/results/?page=2' -> 'results-page-2'."""
    return re.sub(r"[^A-Za-z0-9]+", "-", url).strip("-").lower() or "home"


def page_checks(page, watcher: PageWatcher, base_url: str, url: str, status: int, lang: str,
                width: int, shot: Path | None) -> list[str]:
    """Load one page and check it; with `shot`, also run axe and save a screenshot there.
    Returns the problems found."""
    watcher.expected_status = {base_url + url: status} if status != 200 else {}
    problems = []
    response = page.goto(base_url + url, wait_until="load")
    if response is None or response.status != status:
        problems.append(f"HTTP status {response.status if response else 'none'}, expected {status}")
    if page.url != base_url + url:  # e.g. sent to the sign-in page: the session was lost
        problems.append(f"redirected to {page.url.removeprefix(base_url)}")
    html_lang, scroll_width, inner_width = page.evaluate(
        "[document.documentElement.lang, document.documentElement.scrollWidth, window.innerWidth]")
    if html_lang != lang:
        problems.append(f'<html lang="{html_lang}">, expected "{lang}"')
    if width <= 320:
        if scroll_width > inner_width:
            problems.append(f"scrolls sideways at {width} px: the page is {scroll_width} px wide")
    if shot is not None:
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        problems.extend(axe_violations(page))
    problems.extend(watcher.take())
    return problems


def lang_matches_server(page, context, base_url: str, action: str) -> list[str]:
    """After htmx swapped in a page (a boosted link or form), <html lang> must still say what a
    full load of the same address says: htmx swaps the body and keeps the old <html> element."""
    shown = page.evaluate("document.documentElement.lang")
    path = urlsplit(page.url)
    fresh = context.request.get(base_url + path.path + (f"?{path.query}" if path.query else ""))
    match = re.search(r'<html[^>]*\slang="([^"]*)"', fresh.text())
    served = match.group(1) if match else None
    if shown != served:
        return [f'after {action}, <html lang="{shown}"> but the page is served as lang="{served}"']
    return []


def switch_language(page, lang: str) -> list[str]:
    """Use the page's own language switch, as a person would (for a signed-in user this also
    saves the preference). The current page must carry the switch."""
    if page.evaluate("document.documentElement.lang") == lang:
        return []
    page.locator(f'.language-switch button[value="{lang}"]').click()
    # The switch offers the other languages only: once ours is gone, the new page is in.
    page.locator(f'.language-switch button[value="{lang}"]').wait_for(state="detached")
    page.wait_for_load_state("load")
    html_lang = page.evaluate("document.documentElement.lang")
    if html_lang != lang:
        return [f'after the language switch to {lang}, <html lang="{html_lang}">']
    return []


def _first_line(error: Exception) -> str:
    return f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"


def visit_all(page, watcher, base_url, pages: dict[str, int], full: set[str], folder: Path, who: str,
              problems: Problems, start: str) -> dict[tuple[str, str], str]:
    """Every page in both languages at 320 px; those in `full` also at desktop width, with axe and
    screenshots. Returns each (url, lang)'s <title>."""
    from playwright.sync_api import Error as PlaywrightError

    print(f"{who}: {len(full)} page(s) in full (axe, screenshots, {len(VIEWPORTS)} widths), "
          f"{len(pages) - len(full)} more checked at {VIEWPORTS[0][0]} px; {len(LANGUAGES)} languages each")
    titles = {}
    for lang in LANGUAGES:
        page.set_viewport_size({"width": VIEWPORTS[-1][0], "height": VIEWPORTS[-1][1]})
        page.goto(base_url + start)
        problems.add(f"{who}: language switch on {start}", switch_language(page, lang) + watcher.take())
        for width, height in VIEWPORTS:
            page.set_viewport_size({"width": width, "height": height})
            for url, status in pages.items():
                if url not in full and width != VIEWPORTS[0][0]:
                    continue  # the other checks do not depend on the width
                shot = folder / f"{lang}-{width}" / f"{slug(url)}.png" if url in full else None
                try:
                    found = page_checks(page, watcher, base_url, url, status, lang, width, shot)
                    titles[(url, lang)] = page.title()
                except PlaywrightError as error:  # a page that hangs or crashes: go on to the next
                    found = [f"the browser gave up: {_first_line(error)}"] + watcher.take()
                problems.add(f"{who}: {url} [{lang}, {width} px]", found)
    return titles


def discover(context, base_url: str, start: str) -> tuple[dict[str, int], dict[str, int]]:
    """Every address reachable by links from `start`, fetched with the browser's own cookies.
    Returns (HTML pages that answer 200, everything else: url -> status). A download (a calendar
    file, a PDF) is not a page: it is fetched and its status checked, but not opened in the browser."""
    not_html = set()

    def get(url):
        response = context.request.get(base_url + url, max_redirects=0)
        if not response.headers.get("content-type", "").startswith("text/html"):
            not_html.add(url)
            return response.status, ""
        return response.status, response.text()

    found = crawl(get, start=start)
    pages = {url: status for url, status in found.items() if status == 200 and url not in not_html}
    return pages, {url: status for url, status in found.items() if url not in pages}


def broken_links(others: dict[str, int]) -> list[str]:
    return [f"{url} answers {status}" for url, status in others.items() if status >= 400]


def fresh_folder(folder: Path) -> Path:
    """A role's screenshot folder without last run's pictures (a page that went away)."""
    for old in folder.glob("*/*.png"):
        old.unlink()
    return folder


def sign_in(page, base_url: str, login) -> None:
    """Through the real form, as a person would."""
    page.goto(base_url + "/sign-in")
    page.locator('main input[name="login"]').fill(login.login)
    page.locator('main input[name="password"]').fill(login.password)
    page.locator('main form button[type="submit"]').click()
    # Signed in (the sign-out button) or told why not (the error summary).
    page.locator('form[action$="/sign-out"], .error-summary').first.wait_for()
    if not page.locator('form[action$="/sign-out"]').count():
        shown = page.locator("main").inner_text()
        pytest.fail(f"could not sign in as {login.login}; {page.url} says: {shown[:300]!r}", pytrace=False)


def new_page(chromium, base_url: str):
    context = chromium.new_context(base_url=base_url, viewport={"width": 1280, "height": 800},
                                   locale="en-US", timezone_id="America/Los_Angeles")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(_RECORD_CSP_VIOLATIONS)
    context.add_init_script(axe_script())
    page = context.new_page()
    return context, page, PageWatcher(page, base_url)


def test_signed_out_pages(chromium, live_server, screenshot_dir):
    problems = Problems()
    context, page, watcher = new_page(chromium, live_server)
    try:
        pages, others = discover(context, live_server, "/sign-in")
        problems.add("signed out: links", broken_links(others))
        assert "/sign-in" in pages, others
        pages[MISSING_PAGE] = 404
        titles = visit_all(page, watcher, live_server, pages, set(pages),
                           fresh_folder(screenshot_dir / "signed-out"), "signed out", problems, start="/sign-in")
        if titles.get(("/sign-in", "en")) == titles.get(("/sign-in", "es")):
            problems.add("signed out: /sign-in", [
                f"the page is not translated (title {titles.get(('/sign-in', 'es'))!r} in both languages): "
                "are the catalogs compiled (make catalogs)?"])
    finally:
        context.close()
    if problems.by_page:
        pytest.fail(problems.report(), pytrace=False)


def _role_name(login) -> str:
    return getattr(login.role, "value", login.role)


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_signed_in_pages(role, chromium, demo, live_server, screenshot_dir):
    mine = [login for login in demo if _role_name(login) == role]
    if not mine:
        if role in {Role.PATIENT.value, Role.STAFF.value}:
            pytest.fail(f"the demo clinic has no {role} login to test with")
        pytest.skip(f"the demo clinic has no {role} login")
    problems = Problems()
    checked_kinds: Counter[str] = Counter()  # shared by the role's logins
    for login in mine:
        folder_name = role if len(mine) == 1 else f"{role}-{slug(login.login.split('@')[0])}"
        folder = fresh_folder(screenshot_dir / folder_name)
        context, page, watcher = new_page(chromium, live_server)
        try:
            sign_in(page, live_server, login)
            problems.add(f"{folder_name}: signing in",
                         lang_matches_server(page, context, live_server, "signing in") + watcher.take())
            # The home page first, while it still lists what is new: opening a result or a
            # note (as the crawl does) marks it seen.
            visit_all(page, watcher, live_server, {"/": 200}, {"/"}, folder, folder_name, problems, start="/")
            pages, others = discover(context, live_server, "/")
            pages.pop("/", None)  # done above
            problems.add(f"{folder_name}: links", broken_links(others))
            assert pages, f"{login.login} reaches no page from the home page: {others}"
            visit_all(page, watcher, live_server, pages, full_check_set(pages, checked_kinds), folder,
                      folder_name, problems, start="/")
        finally:
            context.close()
    if problems.by_page:
        pytest.fail(problems.report(), pytrace=False)
