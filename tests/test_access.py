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


def _grant(people, scopes="results notes", days=30, revoked=False):
    from datetime import timedelta

    from portal.extensions import db
    from portal.models import ProxyGrant
    from portal.models.base import utcnow
    grant = ProxyGrant(patient_id=people.bruno_patient.id, grantee_id=people.chw.id, scopes=scopes,
                       expires_at=utcnow() + timedelta(days=days), created_by_id=people.bruno.id,
                       revoked_at=utcnow() if revoked else None)
    db.session.add(grant)
    db.session.commit()
    return grant


def _act_for(browser, patient_id):
    from portal.access import ACTING_FOR_KEY
    with browser.client.session_transaction() as session:
        session[ACTING_FOR_KEY] = patient_id


def test_a_chw_with_a_grant_reads_within_its_scopes_and_is_audited(browser, people):
    from portal.extensions import db
    from portal.models import AuditEvent
    _grant(people, scopes="results")
    browser.sign_in("chw@example.org")
    _act_for(browser, people.bruno_patient.id)
    page = browser.get("/results/").get_data(as_text=True)
    assert "Acting for Bruno Díaz" in page and "162" in page
    assert browser.get("/notes/").status_code == 403  # not in the grant
    event = db.session.query(AuditEvent).one()
    assert (event.actor_id, event.patient_id, event.what, event.route) == (
        people.chw.id, people.bruno_patient.id, "results", "/results/")


@pytest.mark.parametrize("grant_kwargs", [{"days": -1}, {"revoked": True}])
def test_an_expired_or_revoked_grant_opens_nothing(browser, people, grant_kwargs):
    _grant(people, **grant_kwargs)
    browser.sign_in("chw@example.org")
    _act_for(browser, people.bruno_patient.id)
    response = browser.get("/results/")
    assert response.status_code == 403 and "162" not in response.get_data(as_text=True)


def test_revoking_takes_effect_on_the_next_request(browser, people):
    from portal.extensions import db
    from portal.models.base import utcnow
    grant = _grant(people)
    browser.sign_in("chw@example.org")
    _act_for(browser, people.bruno_patient.id)
    assert browser.get("/results/").status_code == 200
    grant.revoked_at = utcnow()
    db.session.commit()
    assert browser.get("/results/").status_code == 403


def test_a_chw_cannot_act_for_a_patient_who_granted_nothing(browser, people):
    _grant(people)
    browser.sign_in("chw@example.org")
    _act_for(browser, people.alice_patient.id)
    assert browser.get("/results/").status_code == 403
    assert browser.get(f"/notes/{people.alice_note.id}").status_code == 403
