"""The operator's side of translation: install and remove models from the command line, see
them, the queue and failed jobs on the admin page, and run jobs through the real queue."""
from __future__ import annotations

import os
import zipfile

import pytest

from portal.extensions import db
from portal.language.tinymodel import build_tiny_argosmodel
from portal.models import DocumentTranslation


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    return build_tiny_argosmodel(tmp_path_factory.mktemp("models"), "en", "es", "0.1")


@pytest.fixture
def packages(app, tmp_path):
    app.config["ARGOS_PACKAGES_DIR"] = str(tmp_path / "packages")
    return tmp_path / "packages"


def test_install_list_and_remove_a_model_from_a_file(runner, packages, tiny_model):
    result = runner.invoke(args=["portal", "languages", "install", "--from-file", str(tiny_model)])
    assert result.exit_code == 0, result.output
    assert "Installed en->es version 0.1." in result.output
    listing = runner.invoke(args=["portal", "languages", "list"]).output
    assert "installed  en->es  version 0.1" in listing
    result = runner.invoke(args=["portal", "languages", "remove", "en-es"])
    assert result.exit_code == 0 and "Removed" in result.output
    assert "No translation models installed" in runner.invoke(args=["portal", "languages", "list"]).output


def test_a_file_that_is_not_a_model_gets_a_clear_error_and_installs_nothing(runner, packages, tmp_path):
    fake = tmp_path / "notes.argosmodel"
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("something/readme.txt", "hello")
    result = runner.invoke(args=["portal", "languages", "install", "--from-file", str(fake)])
    assert result.exit_code == 1
    assert "notes.argosmodel" in result.output and "metadata.json" in result.output
    assert not packages.exists() or not [p for p in packages.iterdir() if not p.name.startswith(".")]


def test_install_from_the_index_says_plainly_when_offline(runner, packages):
    result = runner.invoke(args=["portal", "languages", "install", "es", "--index", "http://127.0.0.1:9/index.json"])
    assert result.exit_code == 1
    assert "offline" in result.output.lower() or "could not" in result.output.lower()


@pytest.mark.parametrize("code", ["", "en", "es-", "../../etc"])
def test_bad_language_codes_are_refused(runner, packages, code):
    result = runner.invoke(args=["portal", "languages", "remove", code])
    assert result.exit_code != 0
    assert "not a language code" in result.output or "No installed model" in result.output


def test_admin_page_lists_models_queue_and_failed_jobs(app, browser, people, runner, packages, tiny_model):
    from tests import factories
    runner.invoke(args=["portal", "languages", "install", "--from-file", str(tiny_model)])
    admin = factories.user("admin@example.org", factories.Role.ADMIN, "Ada Admin")
    db.session.add(DocumentTranslation(kind="note", object_id=people.bruno_note.id, source_lang="en",
                                       target_lang="es", status="failed", attempts=4, last_error="model crashed"))
    db.session.commit()
    browser.sign_in(admin.login)
    page = browser.get("/admin/languages").get_data(as_text=True)
    assert "Installed models" in page and "0.1" in page
    assert "model crashed" in page
    response = browser.submit("/admin/languages", f"/admin/translations/{people.bruno_note.id and 1}/retry", {})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.query(DocumentTranslation).one().status == "ready"  # retried at once (immediate queue)


def test_admin_pages_are_for_admins_only(browser, people):
    browser.sign_in("nurse@example.org")
    assert browser.get("/admin/languages").status_code == 403
    browser.sign_out()
    browser.sign_in("alice@example.org")
    assert browser.get("/admin/languages").status_code == 403


def test_the_real_argos_engine_translates_a_note_end_to_end(app, browser, people, runner, packages, tiny_model):
    """With the tiny real model (gibberish out, so only the plumbing is checked)."""
    runner.invoke(args=["portal", "languages", "install", "--from-file", str(tiny_model)])
    app.config["TRANSLATION_ENGINE"] = None  # use the Argos engine on the installed packages
    from portal.language.service import run_translation
    row = run_translation("note", people.bruno_note.id, "es")
    assert row.status == "ready" and row.model_version == "0.1"
    assert len(row.segments) >= 3


def _queue_round_trip(queue_url: str):
    """Enqueue on one Huey instance and run the job from another, as web and consumer do."""
    from portal.queue import make_huey
    producer, consumer = make_huey(queue_url), make_huey(queue_url)
    producer.flush()

    @producer.task()
    def add(a, b):
        return a + b

    consumer.task(name=add.task_class.__name__)(lambda a, b: a + b)
    result = add(2, 3)
    assert consumer.pending_count() == 1
    task = consumer.dequeue()
    consumer.execute(task)
    assert result.get() == 5


def test_the_sqlite_queue_carries_jobs_between_processes(tmp_path):
    _queue_round_trip(f"sqlite:///{tmp_path / 'queue.db'}")


def test_the_redis_queue_carries_jobs_between_processes():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("Redis tests need TEST_REDIS_URL (CI sets it), e.g. redis://127.0.0.1:6379/15")
    _queue_round_trip(url)


def test_a_job_for_a_note_removed_since_it_was_queued_ends_quietly(app, people):
    from portal.language.jobs import GONE, translate_document_job
    from portal.models import ClinicalNote

    note_id = people.bruno_note.id
    db.session.delete(db.session.get(ClinicalNote, note_id))
    db.session.commit()
    # Huey runs in immediate mode in tests: the task's result is its return value.
    assert translate_document_job("note", note_id, "es")() == GONE
