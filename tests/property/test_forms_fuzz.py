"""Hostile input to every form, as every demo user: no server error, nothing stored that runs as
script, and errors a person can read in their own language.

The forms are found by crawling each demo user's pages (tests/site_map.py), so a form added
tomorrow is fuzzed too. Each form gets a few derandomized examples (reproducible in CI, and the
whole file stays well under a minute): its own plausible values mixed with long strings, unicode,
control characters, HTML and script, SQL-ish text, several values where one is expected, and
missing fields. Only the CSRF token is always right, so the input reaches the form's own checks.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import wtforms
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from portal.access import ACTING_FOR_KEY
from portal.extensions import db
from portal.models import ReadingLevel, Role, User
from portal.paths import PROJECT_ROOT
from tests.conftest import csrf_token
from tests.html_forms import Form, forms_on
from tests.site_map import crawl

EXAMPLES_PER_FORM = 8
SCRIPT = '<script>alert("fuzz")</script>'
HOSTILE = [
    SCRIPT, '"><img src=x onerror=alert(1)>', "javascript:alert(1)", "' OR '1'='1' --", "1; DROP TABLE users;",
    "%", "_", "\\", "../../etc/passwd", "{{ 7*7 }}", "%(name)s", "\u202eevil", "ﷺ" * 40, "😀" * 30,
    "\x00", "a\x00b", "\r\n\t\x0b\x1f", "-1", "0", "99999999999999999999999", "1e309", "NaN", "2026-02-30",
    "0000-00-00", " ", "x" * 5000,
]
NOT_FUZZED = {"/sign-out"}  # ends the session the fuzzer is using
_ERROR_TEXT = re.compile(r'class="error-message"[^>]*>([^<]+)<')


class _CodeFinder(HTMLParser):
    """Script the page would run: a <script> without src, or an on...= attribute on any element.
    (Parsed, not searched: escaped text such as `value="&#34;&gt;&lt;img onerror=..."` is harmless.)"""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        if (tag == "script" and "src" not in names) or any(name.startswith("on") for name in names):
            self.found.append(self.get_starttag_text())


def _code_in(html: str) -> list[str]:
    finder = _CodeFinder()
    finder.feed(html)
    return finder.found


def _english_messages() -> set[str]:
    """Our interface strings and WTForms' own: an error shown in one of these to a Spanish reader
    was not translated."""
    ours = read_po((PROJECT_ROOT / "translations/es/LC_MESSAGES/messages.po").open("rb"))
    theirs = read_po((Path(wtforms.__file__).parent / "locale/es/LC_MESSAGES/wtforms.po").open("rb"))
    return {m.id for catalog in (ours, theirs) for m in catalog
            if isinstance(m.id, str) and m.id and m.string and m.string != m.id}


ENGLISH = _english_messages()
_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=80),
                  st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=200, max_size=1200))
_MISSING = object()


def _value(plausible):
    """Mostly hostile; sometimes the form's own value (so other fields get past the checks); sometimes
    several values, or none at all."""
    return st.one_of(_text, st.just(plausible), st.lists(_text, min_size=2, max_size=3), st.just(_MISSING))


def _inputs(form: Form):
    return st.fixed_dictionaries({name: _value(value) for name, value in form.filled().items()
                                  if name != "csrf_token"})


def _forms(browser) -> dict[tuple[str, str], Form]:
    """One form per (method, path without ids): every kind of form the user can reach."""
    found: dict[tuple[str, str], Form] = {}
    pages = crawl(lambda url: (lambda r: (r.status_code, r.get_data(as_text=True)))(browser.get(url)))
    for url in pages:
        for form in forms_on(browser.get(url).get_data(as_text=True), url):
            if form.action.split("?")[0] not in NOT_FUZZED:
                found.setdefault((form.method, re.sub(r"\d+", "N", form.action)), form)
    return found


def _signed_in(browser, account):
    assert browser.sign_in(account.login, account.password).status_code == 302
    user = db.session.scalar(db.select(User).where(User.login == account.login))
    acting = None
    if account.role == "chw":  # act for the first patient on the dashboard, to reach their forms
        home = browser.get("/").get_data(as_text=True)
        act = next(f for f in forms_on(home, "/") if f.action.startswith("/acting-for/"))
        browser.client.post(act.action, data={"csrf_token": csrf_token(home)})
        acting = int(act.action.rsplit("/", 1)[1])
    return user, acting


def _restore(browser, user, language, acting):
    """Undo what a valid answer may have changed that the next example relies on."""
    if acting is not None:
        with browser.client.session_transaction() as session:
            session[ACTING_FOR_KEY] = acting
    db.session.execute(db.update(User).where(User.id == user.id).values(preferred_language=language))
    db.session.commit()


def _check(response, browser, language, where) -> bool:
    """True when the page showed errors (checked to be in the reader's language)."""
    assert response.status_code < 500, where
    html = response.get_data(as_text=True)
    if response.status_code in (302, 303) and response.headers["Location"].startswith("/"):
        html = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert not (code := _code_in(html)), f"{where}: input runs as code: {code}"
    if 'class="error-summary"' in html:
        assert f'<html lang="{language}"' in html, f"{where}: errors in another language"
        assert ("Hay un problema" if language == "es" else "There is a problem") in html, where
        if language == "es":
            english = [e for e in _ERROR_TEXT.findall(html) if e.strip() in ENGLISH]
            assert not english, f"{where}: errors left in English: {english}"
        return True
    return False


@pytest.mark.parametrize("role", ["staff", "admin", "chw", "patient en", "patient es", "patient simplest"])
def test_hostile_input_to_every_form_is_handled(app, browser, demo, role):
    account = _account(demo, role)
    user, acting = _signed_in(browser, account)
    language = user.preferred_language or "en"
    forms = _forms(browser)
    errors_shown = []
    for (method, _path), form in sorted(forms.items()):
        page = form.action
        token = csrf_token(browser.get("/").get_data(as_text=True))

        # No shrinking: each step is a request; the failing example is reported as found.
        @settings(max_examples=EXAMPLES_PER_FORM, derandomize=True, deadline=None, database=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(values=_inputs(form))
        def post_hostile_input(values):
            data = {name: value for name, value in values.items() if value is not _MISSING}
            if method == "post":
                response = browser.client.post(form.action, data={**data, "csrf_token": token})
            else:
                response = browser.get(form.action.split("?")[0], query_string=data)
            if _check(response, browser, language, f"{role}: {method.upper()} {page} {data!r:.300}"):
                errors_shown.append(page)
            _restore(browser, user, language, acting)

        post_hostile_input()
    assert len(forms) >= 3 and errors_shown, (role, sorted(forms))  # the checks above did run


def _account(demo, role):
    """The demo sign-in for a role; patients by what sets them apart (content.py describes them)."""
    if not role.startswith("patient"):
        return next(a for a in demo if a.role == role)
    users = {u.login: u for u in db.session.scalars(db.select(User).where(User.role == Role.PATIENT))}
    wanted = {"patient en": lambda u: u.preferred_language == "en" and u.reading_level is ReadingLevel.STANDARD,
              "patient es": lambda u: u.preferred_language == "es",
              "patient simplest": lambda u: u.reading_level is ReadingLevel.SIMPLEST}[role]
    return next(a for a in demo if a.login in users and wanted(users[a.login]))
