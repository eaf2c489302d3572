"""A clinical note a patient can understand: simpler words, reading level, and a labelled
machine translation with the original one tap away."""
from __future__ import annotations

import re

from portal.extensions import db
from portal.models import DocumentTranslation, ReadingLevel
from tests import factories

NOTE = ("Pt seen for f/u of HTN. BP 138/86 mmHg. Denies chest pain. "
        "Continue lisinopril 20 mg PO daily. RTC in 3 months.")


def _note_page(browser, note, **params):
    response = browser.get(f"/notes/{note.id}", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_standard_reader_opens_the_note_as_written_with_its_reading_level(browser, people):
    note = factories.note(people.alice_patient, NOTE)
    browser.sign_in("alice@example.org")
    page = _note_page(browser, note)
    assert "As the clinic wrote it" in page
    assert "Reading level: about grade" in page
    assert "Pt seen for f/u of HTN." in page
    assert "Show it in simpler words" in page


def test_simpler_reader_opens_simpler_words_with_definitions(browser, people):
    people.alice.reading_level = ReadingLevel.SIMPLEST
    db.session.commit()
    note = factories.note(people.alice_patient, NOTE)
    browser.sign_in("alice@example.org")
    page = _note_page(browser, note)
    assert "In simpler words" in page
    assert "by mouth" in page and "PO daily" not in page
    for kept in ("138/86", "20 mg", "lisinopril", "3 months"):
        assert kept in page
    assert "Words in this note" in page and "<details" in page
    assert "Show the note as the clinic wrote it" in page
    original = _note_page(browser, note, version="original")
    assert "Continue lisinopril 20 mg PO daily." in original


def test_spanish_reader_gets_a_labelled_translation_and_the_original_one_tap_away(browser, people, engine):
    browser.sign_in("bruno@example.org")
    page = _note_page(browser, people.bruno_note)
    assert "Traducido por computadora. Puede tener errores." in page
    assert "[es]" in page  # the engine's output
    assert 'lang="es"' in page
    link = re.search(r'href="([^"]*show=as-written[^"]*)"', page).group(1).replace("&amp;", "&")
    original = browser.get(link).get_data(as_text=True)
    assert "Pt here for lipid f/u. LDL 162 mg/dL." in original
    assert "[es]" not in original
    assert "Ver la traducción" in original


def test_translation_is_made_once_then_served_from_storage(browser, people, engine):
    browser.sign_in("bruno@example.org")
    _note_page(browser, people.bruno_note, version="original")
    calls = len(engine.calls)
    assert calls >= 1
    _note_page(browser, people.bruno_note, version="original")
    assert len(engine.calls) == calls


def test_a_sentence_whose_number_the_engine_lost_is_kept_as_written_and_marked(browser, people, engine):
    engine.drop_numbers_in.add("LDL 162 mg/dL.")
    browser.sign_in("bruno@example.org")
    page = _note_page(browser, people.bruno_note, version="original")
    assert '<span class="kept-original" lang="en">LDL 162 mg/dL.</span>' in page
    assert "puede haber cambiado un número" in page


def test_no_model_for_the_language_says_so_plainly_and_shows_the_original(browser, people, engine):
    engine._pairs.clear()
    browser.sign_in("bruno@example.org")
    page = _note_page(browser, people.bruno_note, version="original")
    assert "Todavía no podemos traducir esto al español" in page
    assert "Pt here for lipid f/u." in page
    assert "Traducido por computadora" not in page


def test_while_translating_the_page_shows_the_original_and_polls(app, browser, people):
    db.session.add(DocumentTranslation(kind="note", object_id=people.bruno_note.id, source_lang="en",
                                       target_lang="es", status="pending"))
    db.session.commit()
    browser.sign_in("bruno@example.org")
    page = _note_page(browser, people.bruno_note, version="original")
    assert "Traduciendo..." in page
    assert 'hx-trigger="every 2s"' in page
    assert "Pt here for lipid f/u." in page
    assert f'href="/notes/{people.bruno_note.id}?version=original"' in page  # the no-JS reload link
    fragment = browser.get(f"/notes/{people.bruno_note.id}?version=original",
                           headers={"HX-Request": "true", "HX-Target": "note-translation"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="note-translation"') and "<html" not in fragment


def test_a_failing_engine_never_breaks_the_page(browser, people, engine):
    engine.fail_with = RuntimeError("model crashed")
    browser.sign_in("bruno@example.org")
    page = _note_page(browser, people.bruno_note, version="original")
    assert "Pt here for lipid f/u." in page
    row = db.session.query(DocumentTranslation).one()
    assert row.status == "failed" and "model crashed" in row.last_error


def test_simpler_words_leave_nltk_and_textstat_out_of_the_web_process(tmp_path):
    # The web worker's memory budget (design.md: < 150 MB) holds because the note page scores
    # notes from the portal's own counts; textstat would bring NLTK (about 45 MB) with it.
    import os
    import subprocess
    import sys

    from portal.paths import PROJECT_ROOT

    script = (
        "import sys\n"
        "from app import app\n"
        "from portal.notes.service import simplified\n"
        "assert simplified('Pt c/o SOB. Hypertension is controlled on lisinopril 10 mg.', 'en').grade_after > 0\n"
        "assert simplified('Paciente con HTA controlada. Niega dolor torácico.', 'es').grade_after > 0\n"
        "print(','.join(m for m in ('nltk', 'textstat', 'torch', 'stanza', 'spacy', 'ctranslate2') if m in sys.modules))\n"
    )
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
