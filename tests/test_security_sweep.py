"""Every route in the app, asked for patient B's things by people who must not get them.

Routes come from `app.url_map`, so a page added tomorrow is swept too. `<int:...>` arguments are
filled with the ids of patient B's objects of every kind (each id unique across all tables, so an
id can only ever find B's row). POSTs carry a valid CSRF token and the fields the real form sends
(found by crawling as the people who may use it). The people:

- patient A; a CHW with no grant, with an expired grant, with a revoked grant, and with a grant in
  force that covers none of B's records: zero leaks (403, 404 or a redirect to sign-in for B's
  ids; none of B's identifying strings anywhere), and nothing of B's changed;
- staff, and a CHW acting for B under a full grant: every page that shows B's record, and every
  change to it, writes an audit event.
"""
from __future__ import annotations

import itertools
import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import HTTPException

from portal.access import ACTING_FOR_KEY
from portal.extensions import db
from portal.models import (
    Appointment, AppointmentOffer, AppointmentRequest, AuditEvent, ClinicalNote, Condition, DocumentTranslation,
    Immunization, Invoice, Medication, Message, MessageThread, Patient, ProxyGrant, RefillRequest, Result, Role,
    Scope, User,
)
from portal.models.base import utcnow
from portal.security import LAST_SEEN_KEY
from tests import factories
from tests.conftest import Browser, csrf_token
from tests.html_forms import forms_on
from tests.site_map import crawl

MARK = "Quetzalcoatl"  # in every text of B's records: finding it on a page means B's record leaked
NOT_SWEPT = {"static", "auth.sign_out"}  # signing out would end the sweeper's own session
ALL_SCOPES = " ".join(s.value for s in Scope)
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")  # <int:note_id> -> ("int", "note_id")


# ---------------------------------------------------------------------------------------------
# Patient B's record: one object of every kind, ids from 9001 up, unique across tables


class Victim:
    def __init__(self, people):
        self.people = people
        self.patient, self.user = people.bruno_patient, people.bruno
        self.ids: dict[type, list[int]] = {Patient: [self.patient.id], User: [self.user.id]}
        self._next_id = itertools.count(9001)
        self.helper = factories.user("other-helper@example.org", Role.CHW, "Other Helper")
        factories.user("admin@example.org", Role.ADMIN, "Ada Admin")
        self._build()

    def _add(self, model, **values):
        row = model(id=next(self._next_id), **values)
        db.session.add(row)
        db.session.flush()
        self.ids.setdefault(model, []).append(row.id)
        return row

    def _build(self):
        now, b, user = utcnow(), self.patient.id, self.user.id
        staff = self.people.staff.id
        note = self._add(ClinicalNote, patient_id=b, kind=f"{MARK} visit", author="Dr. Ruiz",
                         text=f"{MARK}: seen for follow-up. BP 130/80.", language="en", written_at=now - timedelta(days=1))
        self._add(Result, patient_id=b, loinc_code="2093-3", name=f"{MARK} cholesterol", value=Decimal("210"),
                  unit="mg/dL", range_high=Decimal("200"), range_source="lab", effective_at=now - timedelta(days=1))
        self._add(Condition, patient_id=b, name=f"{MARK} condition", clinical_status="active")
        self._add(Immunization, patient_id=b, name=f"{MARK} vaccine", occurred_at=now - timedelta(days=40))
        medication = self._add(Medication, patient_id=b, name=f"{MARK} medicine", dose_quantity=Decimal("1"),
                               dose_unit="tablet", route="oral", times_per_day=2, refills_left=2, status="active")
        renewal = self._add(RefillRequest, medication_id=medication.id, patient_id=b, requested_by_id=user,
                            patient_note=f"{MARK} please", pharmacy=f"{MARK} pharmacy")
        self._add(Medication, patient_id=b, name=f"{MARK} cream", dose_quantity=Decimal("1"), dose_unit="application",
                  route="topical", times_per_day=1, refills_left=1, status="active")  # no request yet: a form
        self._add(Appointment, patient_id=b, starts_at=now + timedelta(days=3), kind="video",
                  clinician=f"Dr. {MARK}", location=f"{MARK} room", video_url="https://video.example/b",
                  reason=f"{MARK} check-up")
        request = self._add(AppointmentRequest, patient_id=b, requested_by_id=user, reason=f"{MARK} knee",
                            status="offered", preferred_days="mon", preferred_times="morning")
        self._add(AppointmentOffer, request_id=request.id, starts_at=now + timedelta(days=5),
                  clinician=f"Dr. {MARK}", location=f"{MARK} room")
        waiting = self._add(AppointmentRequest, patient_id=b, requested_by_id=user,
                            reason=f"{MARK} cough")  # waits for staff
        self._add(Invoice, patient_id=b, number=f"INV-{MARK}", description=f"{MARK} visit bill", amount_cents=5000)
        thread = self._add(MessageThread, patient_id=b, subject=f"{MARK} question")
        message = self._add(Message, thread_id=thread.id, author_id=user, body=f"{MARK}: is my dose right?",
                            language="en")
        self._add(Message, thread_id=thread.id, author_id=staff, body=f"{MARK}: yes, it is.", language="en")
        self._add(ProxyGrant, patient_id=b, grantee_id=self.helper.id, scopes=ALL_SCOPES,
                  expires_at=now + timedelta(days=30), created_by_id=user)
        self._add(AuditEvent, actor_id=self.helper.id, patient_id=b, action="view", what="results")
        # Translations staff or B read, so a page showing one to anyone else is caught too.
        for kind, object_id, source, target in (("note", note.id, "en", "es"), ("message", message.id, "en", "es"),
                                                ("renewal_note", renewal.id, "es", "en"),
                                                ("visit_note", request.id, "es", "en"),
                                                ("visit_note", waiting.id, "es", "en")):
            self._add(DocumentTranslation, kind=kind, object_id=object_id, source_lang=source, target_lang=target,
                      status="ready", segments=[{"source": MARK, "text": MARK, "kind": "text", "kept_original": False}])
        db.session.commit()

    # Identifying strings: the name for people who should not even know B is a patient here;
    # record content for everyone (a helper under a grant legitimately sees B's name).
    names = ("Bruno", "Díaz", "bruno@example.org")
    content = (MARK, "LDL", "lipid")

    def ids_for(self, argument: str) -> list[int]:
        """B's ids for a URL argument: `thread_id` -> MessageThread, `request_id` -> both kinds of
        request, `patient_id` -> Patient. A new argument no model matches fails loudly."""
        stem = argument.removesuffix("_id")
        names = {model: _snake(model.__name__) for model in self.ids}
        exact = [m for m, n in names.items() if n == stem]
        close = [m for m, n in names.items() if n.endswith(f"_{stem}") or n.startswith(f"{stem}_")]
        models = exact or close
        assert models, f"the sweep does not know what <{argument}> is: give patient B such an object in Victim"
        return sorted({i for m in models for i in self.ids[m]})

    def snapshot(self) -> dict[str, list[tuple]]:
        """Every row of B's record (and rows hanging off them), to compare before and after."""
        rows: dict[str, list[tuple]] = {}
        parents: dict[str, set] = {}
        for table in db.metadata.sorted_tables:
            if table.name == "audit_events":
                continue
            if table.name == "patients":
                query = sa.select(table).where(table.c.id == self.patient.id)
            elif table.name == "users":
                query = sa.select(table).where(sa.or_(table.c.id == self.user.id, table.c.patient_id == self.patient.id))
            elif "patient_id" in table.c:
                query = sa.select(table).where(table.c.patient_id == self.patient.id)
            else:
                links = [fk for fk in table.foreign_keys if fk.column.table.name in parents]
                if not links:
                    continue
                query = sa.select(table).where(sa.or_(*(fk.parent.in_(parents[fk.column.table.name]) for fk in links)))
            found = [tuple(row) for row in db.session.execute(query)]
            rows[table.name] = sorted(found, key=repr)
            parents[table.name] = {row[0] for row in found}
        db.session.commit()  # end the read transaction: the requests write in their own
        return rows


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


@pytest.fixture
def victim(people):
    return Victim(people)


def test_patient_b_has_an_object_of_every_kind_the_sweep_can_ask_for(victim):
    """A model added later (with a patient_id, or hanging off one that has) must join the sweep."""
    models = [mapper.class_ for mapper in db.Model.registry.mappers]
    owned = {m.__table__.name for m in models if "patient_id" in m.__table__.c}
    kinds = {m for m in models if m.__table__.name in owned | {"patients", "users"}
             or any(fk.column.table.name in owned for fk in m.__table__.foreign_keys)}
    assert kinds <= set(victim.ids), f"give patient B one of each: {kinds - set(victim.ids)}"


# ---------------------------------------------------------------------------------------------
# The routes, and the fields their forms send


def _routes(app, victim):
    """(endpoint, method, url, carries B's ids) for every route and method in the app."""
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_SWEPT:
            continue
        choices = []
        for converter, argument in _ARGUMENT.findall(rule.rule):
            if converter == "int":
                choices.append([(argument, i) for i in victim.ids_for(argument)])
            else:
                choices.append([(argument, "x")])
        for method in sorted(rule.methods & {"GET", "POST"}):
            for values in itertools.product(*choices):
                yield rule.endpoint, method, adapter.build(rule.endpoint, dict(values), method=method), bool(values)


def _as(app, login, acting_for=None) -> Browser:
    browser = Browser(app.test_client())
    assert browser.sign_in(login).status_code == 302, login
    if acting_for is not None:
        with browser.client.session_transaction() as session:
            session[ACTING_FOR_KEY] = acting_for
    return browser


def _html(browser):
    return lambda url: (lambda r: (r.status_code, r.get_data(as_text=True)))(browser.get(url))


def plausible_fields(app, victim) -> dict[str, dict]:
    """endpoint -> what its form sends, found by crawling as the people who use those forms."""
    adapter = app.url_map.bind("localhost")
    found: dict[str, dict] = {}
    for browser in (_as(app, "bruno@example.org"), _as(app, "nurse@example.org"), _as(app, "admin@example.org"),
                    _as(app, "other-helper@example.org", acting_for=victim.patient.id)):
        for url in crawl(_html(browser)):
            for form in forms_on(browser.get(url).get_data(as_text=True), url):
                try:
                    endpoint = adapter.match(urlsplit(form.action).path, method=form.method.upper())[0]
                except HTTPException:  # not a route of this app (test_no_javascript checks where forms go)
                    continue
                found.setdefault(endpoint, form.filled())
    return found


# ---------------------------------------------------------------------------------------------
# Nobody without a grant in force gets anything of B's


def _attacker(app, victim, who):
    people, b = victim.people, victim.patient.id
    if who == "patient A":
        return _as(app, "alice@example.org"), victim.names + victim.content
    grant = {"CHW without a grant": None,
             "CHW with an expired grant": dict(expires_at=utcnow() - timedelta(minutes=1)),
             "CHW with a revoked grant": dict(revoked_at=utcnow() - timedelta(minutes=1)),
             "CHW outside the grant's areas": dict(scopes=Scope.FORMS.value)}[who]
    if grant is not None:
        values = dict(patient_id=b, grantee_id=people.chw.id, scopes=ALL_SCOPES,
                      expires_at=utcnow() + timedelta(days=30), created_by_id=victim.user.id) | grant
        db.session.add(ProxyGrant(**values))
        db.session.commit()
    # Under a grant in force (whatever its areas) the helper may know B's name, not B's record.
    identifying = victim.content if who == "CHW outside the grant's areas" else victim.names + victim.content
    return _as(app, "chw@example.org", acting_for=b), identifying


def _leaks(html: str, identifying) -> list[str]:
    return [s for s in identifying if s.lower() in html.lower()]


def _followed(browser, response) -> str:
    """The page, and where a redirect lands: a flashed message is part of what the person sees."""
    html = response.get_data(as_text=True)
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and location.startswith("/"):
        html += browser.get(location).get_data(as_text=True)
    return html


def _redirect_to_sign_in(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("who", ["patient A", "CHW without a grant", "CHW with an expired grant",
                                 "CHW with a revoked grant", "CHW outside the grant's areas"])
def test_no_route_gives_patient_b_s_record_to_someone_without_a_grant(app, victim, who):
    fields = plausible_fields(app, victim)
    browser, identifying = _attacker(app, victim, who)
    token = csrf_token(browser.get("/").get_data(as_text=True))
    before = victim.snapshot()
    problems, swept = [], 0
    for endpoint, method, url, with_ids in _routes(app, victim):
        if who != "patient A":  # a POST may have ended the helper's choice
            with browser.client.session_transaction() as session:
                session[ACTING_FOR_KEY] = victim.patient.id
        if method == "GET":
            response = browser.get(url)
        else:
            response = browser.client.post(url, data={**fields.get(endpoint, {}), "csrf_token": token})
        swept += 1
        if response.status_code >= 500:
            problems.append(f"{method} {url}: {response.status_code}")
        if method == "GET" and with_ids and response.status_code not in (403, 404) and not _redirect_to_sign_in(response):
            problems.append(f"{method} {url}: {response.status_code} for B's ids")
        if leaked := _leaks(_followed(browser, response), identifying):
            problems.append(f"{method} {url}: shows {leaked}")
        if victim.snapshot() != before:
            problems.append(f"{method} {url}: changed B's record")
            before = victim.snapshot()
    assert swept >= 40 and not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# Everyone who may see B's record leaves a trace


def _event_ids() -> set[int]:
    ids = set(db.session.scalars(sa.select(AuditEvent.id)))
    db.session.commit()
    return ids


def _events_since(before: set[int], patient_id: int) -> list[AuditEvent]:
    """(By id set, not by a larger id: B's seeded event has an explicit id above the sequence's.)"""
    events = [e for e in db.session.scalars(sa.select(AuditEvent).where(AuditEvent.patient_id == patient_id))
              if e.id not in before]
    db.session.commit()
    return events


@pytest.mark.parametrize("who", ["staff", "CHW acting for B under a full grant"])
def test_every_page_that_shows_patient_b_s_record_is_audited(app, victim, who):
    browser = (_as(app, "nurse@example.org") if who == "staff"
               else _as(app, "other-helper@example.org", acting_for=victim.patient.id))
    problems, shown = [], []
    for endpoint, method, url, with_ids in _routes(app, victim):
        if method != "GET" or (who == "staff" and not with_ids):  # a work list is not a record
            continue
        last = _event_ids()
        response = browser.get(url)
        if response.status_code == 200 and _leaks(response.get_data(as_text=True), victim.content):
            shown.append(url)
            if not _events_since(last, victim.patient.id):
                problems.append(f"GET {url} shows B's record and wrote no audit event")
    assert len(shown) >= 3 and not problems, "\n".join(problems)


@pytest.mark.parametrize("who", ["staff", "CHW acting for B under a full grant"])
def test_every_change_to_patient_b_s_record_is_audited(app, victim, who):
    fields = plausible_fields(app, victim)
    browser = (_as(app, "nurse@example.org") if who == "staff"
               else _as(app, "other-helper@example.org", acting_for=victim.patient.id))
    token = csrf_token(browser.get("/").get_data(as_text=True))
    problems, changed = [], []
    for endpoint, method, url, _with_ids in _routes(app, victim):
        if method != "POST" or endpoint not in fields:
            continue
        with browser.client.session_transaction() as session:
            session[ACTING_FOR_KEY] = victim.patient.id
        before, last = victim.snapshot(), _event_ids()
        browser.client.post(url, data={**fields[endpoint], "csrf_token": token})
        if victim.snapshot() != before:
            changed.append(url)
            if not any(e.action == "change" for e in _events_since(last, victim.patient.id)):
                problems.append(f"POST {url} changed B's record and wrote no audit event")
    assert changed and not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# Sessions


@pytest.mark.parametrize("login", ["chw@example.org", "nurse@example.org"])
def test_idle_timeout_signs_out_helpers_and_staff_too(app, people, login):
    browser = _as(app, login)
    with browser.client.session_transaction() as session:
        session[LAST_SEEN_KEY] -= app.config["SESSION_IDLE_TIMEOUT"].total_seconds() + 1
    response = browser.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert browser.get("/").status_code == 302
