"""`flask portal import-fhir`: FHIR R4 bundles in, the portal's rows out; all or nothing per
bundle; re-import updates and never duplicates. Fixture bundles are in Synthea's shape."""
from __future__ import annotations

import base64
import copy
import json
import shutil
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.fhir import import_bundle_file, import_path
from portal.fhir.bundle import read_bundle_json, BundleError
from portal.fhir.map_care import times_per_day
from portal.fhir.map_records import preferred_language
from portal.fhir.retract import DEPENDANTS, NOTE_TRANSLATION_KINDS
from portal.fhir.values import html_to_text, parse_datetime, primary_language
from portal.home.service import whats_new
from portal.language.service import _SOURCES
from portal.models import (
    Appointment, AppointmentRequest, AuditEvent, ClinicalNote, Condition, DocumentTranslation, Immunization,
    Medication, Patient, RefillRequest, Result, Role,
)
from portal.models.base import utcnow
from tests import factories

FIXTURES = Path(__file__).parent / "fixtures" / "fhir"
GOOD = FIXTURES / "spanish_patient.json"
# A later bundle from the EHR for the same patient: seven resources now entered-in-error (one the
# portal never imported) and one new result.
RETRACTIONS = FIXTURES / "retractions.json"
PATIENT_ID = "7f3c2a10-5b1e-4c7a-9d2e-1a2b3c4d5e01"
GLUCOSE_ID = "7f3c2a10-5b1e-4c7a-9d2e-1a2b3c4d5e04"
BLOOD_PRESSURE_ID = "7f3c2a10-5b1e-4c7a-9d2e-1a2b3c4d5e07"
BMP_REPORT_ID = "7f3c2a10-5b1e-4c7a-9d2e-1a2b3c4d5e09"
NOTE_REPORT_ID = "7f3c2a10-5b1e-4c7a-9d2e-1a2b3c4d5e10"
HISTORY_NOTE_ID = "7f3c2a10-5b1e-4c7a-9d2e-1a2b3c4d5e11"
SUMMARY_NOTE_ID = "7f3c2a10-5b1e-4c7a-9d2e-1a2b3c4d5e12"
METFORMIN_ID = "7f3c2a10-5b1e-4c7a-9d2e-1a2b3c4d5e14"
VISIT_ID = "7f3c2a10-5b1e-4c7a-9d2e-1a2b3c4d5e17"
NEVER_IMPORTED_ID = "7f3c2a10-5b1e-4c7a-9d2e-1a2b3c4d5e20"
EXPECTED_ROWS = {"patients": 1, "results": 5, "clinical_notes": 2, "medications": 2, "appointments": 2,
                 "conditions": 1, "immunizations": 1}


def import_fhir(runner, path, *options):
    return runner.invoke(args=["portal", "import-fhir", str(path), *options])


def table_counts() -> dict[str, int]:
    db.session.expire_all()
    return {table.name: db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in db.metadata.sorted_tables}


def write_bundle(tmp_path: Path, bundle: dict, name: str = "bundle.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(bundle))
    return path


def good_bundle() -> dict:
    return json.loads(GOOD.read_text())


def condition_with_a_bad_date() -> dict:
    """An entry whose onsetDateTime is not a FHIR dateTime."""
    return {"fullUrl": "urn:uuid:bad-date", "resource": {
        "resourceType": "Condition", "id": "bad-date", "subject": {"reference": f"urn:uuid:{PATIENT_ID}"},
        "code": {"text": "Asthma"}, "onsetDateTime": "last spring"}}


def resource(bundle: dict, resource_id: str) -> dict:
    return next(e["resource"] for e in bundle["entry"] if e["resource"].get("id") == resource_id)


def glucose() -> Result:
    return db.session.execute(sa.select(Result).where(Result.fhir_id == GLUCOSE_ID)).scalar_one()


def by_fhir_id(model: type, fhir_id: str):
    db.session.expire_all()
    return db.session.execute(sa.select(model).where(model.fhir_id == fhir_id)).scalar_one_or_none()


def only(bundle: dict, *resource_ids: str) -> dict:
    """The bundle with just these resources (and its patient), as a later, smaller export."""
    keep = {PATIENT_ID, *resource_ids}
    return {**bundle, "entry": [e for e in bundle["entry"] if e["resource"].get("id") in keep]}


def entered_in_error(bundle: dict, resource_id: str) -> dict:
    found = resource(bundle, resource_id)
    found["status"] = "entered-in-error"
    return bundle


# --- a good bundle ---------------------------------------------------------------------------

def test_cli_imports_a_bundle_and_prints_counts_per_resource_type(runner):
    result = import_fhir(runner, GOOD)
    assert result.exit_code == 0, result.output
    assert "spanish_patient.json: imported" in result.stdout
    assert "14 rows created, 0 updated, 0 unchanged" in result.stdout
    assert "Observation        5 created; 1 skipped (category survey 1)" in result.stdout
    assert "not kept by the portal: Claim 1, Procedure 1" in result.stdout
    assert result.stderr == ""
    counts = table_counts()
    assert {name: counts[name] for name in EXPECTED_ROWS} == EXPECTED_ROWS


def test_patient_speaks_the_preferred_communication_language(app):
    assert import_bundle_file(GOOD).ok
    patient = db.session.execute(sa.select(Patient)).scalar_one()
    assert (patient.fhir_id, patient.given_name, patient.family_name) == (PATIENT_ID, "María José", "García")
    assert patient.birth_date.isoformat() == "1970-04-12"
    assert patient.preferred_language == "es"  # "es-MX", marked preferred after "en-US"


def test_preferred_language_falls_back_to_the_first_and_keeps_the_primary_subtag():
    english = {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "en-US"}]}}
    vietnamese = {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "vi"}]}}
    assert preferred_language([vietnamese, english]) == "vi"
    assert preferred_language([english, {**vietnamese, "preferred": True}]) == "vi"
    assert preferred_language([]) is None
    assert primary_language("zh-Hant-TW") == "zh"
    assert primary_language("spa") == "es"


def test_labs_keep_value_unit_lab_range_interpretation_and_panel(app):
    assert import_bundle_file(GOOD).ok
    rows = {r.loinc_code: r for r in db.session.execute(sa.select(Result)).scalars()}
    sugar = rows["2339-0"]
    assert (sugar.value, sugar.unit, sugar.interpretation) == (Decimal("95"), "mg/dL", "N")
    assert (sugar.range_low, sugar.range_high, sugar.range_text, sugar.range_source) == (
        Decimal("70"), Decimal("99"), "70-99 mg/dL", "lab")
    assert sugar.panel == "Basic metabolic panel - Blood"  # from the DiagnosticReport
    assert sugar.effective_at.replace(tzinfo=sugar.effective_at.tzinfo or timezone.utc) == datetime(
        2024, 3, 5, 17, 10, tzinfo=timezone.utc)  # 09:10 at -08:00
    a1c = rows["4548-4"]
    assert (a1c.value, a1c.unit, a1c.interpretation) == (Decimal("7.2"), "%", "H")
    # Synthea sends no ranges: the columns stay empty for the portal's own table to fill.
    assert (a1c.range_low, a1c.range_high, a1c.range_text, a1c.range_source) == (None, None, None, None)
    ketones = rows["2514-8"]
    assert (ketones.value, ketones.value_text) == (None, "Urine ketones not detected")


def test_blood_pressure_panel_becomes_one_row_per_component(app):
    assert import_bundle_file(GOOD).ok
    rows = {r.loinc_code: r for r in db.session.execute(sa.select(Result)).scalars()}
    assert "85354-9" not in rows
    assert (rows["8480-6"].name, rows["8480-6"].value, rows["8480-6"].unit) == (
        "Systolic Blood Pressure", Decimal("128"), "mm[Hg]")
    assert (rows["8462-4"].name, rows["8462-4"].value) == ("Diastolic Blood Pressure", Decimal("82"))
    assert rows["8480-6"].panel == "Blood pressure panel with all children optional"


def test_notes_from_base64_text_and_html_once_each(app):
    assert import_bundle_file(GOOD).ok
    notes = {n.kind: n for n in db.session.execute(sa.select(ClinicalNote)).scalars()}
    # The DiagnosticReport carries the same text as the DocumentReference: one note, not two.
    assert sorted(notes) == ["History and physical note", "Visit summary"]
    plain = notes["History and physical note"]
    assert plain.author == "Dr. Ana Ruiz"
    assert plain.text.startswith("2024-03-05\n\n# Chief Complaint\nFollow-up of type 2 diabetes.")
    assert "\r" not in plain.text
    html = notes["Visit summary"]
    assert html.author == "Dr. Ana Ruiz"  # no author on the document: the encounter's performer
    assert "Blood pressure 128/82 mm[Hg] & A1c 7.2\xa0%." in html.text
    assert "Do not skip meals." in html.text
    assert "- Walk 30 minutes a day\n- Check feet daily" in html.text
    assert "Glucose < 100 mg/dL is the goal." in html.text
    assert "alert" not in html.text and "color:red" not in html.text and "<" not in html.text.replace("< 100", "")


def test_html_to_text_strips_every_tag_and_script():
    text = html_to_text('<p onclick="x()">A &amp; B</p><img src=x onerror=alert(1)><script>steal()</script>'
                        "<style>p{}</style><!-- hidden --><p>&lt;b&gt;literal&lt;/b&gt;</p>")
    assert text == "A & B\n<b>literal</b>"


def test_medications_from_reference_and_concept_with_structured_dose(app):
    assert import_bundle_file(GOOD).ok
    meds = {m.rxnorm_code: m for m in db.session.execute(sa.select(Medication)).scalars()}
    metformin = meds["860975"]  # named by the Medication resource it references
    assert metformin.name == "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet"
    assert (metformin.dose_quantity, metformin.dose_unit, metformin.route, metformin.times_per_day) == (
        Decimal("1"), "tablet", "By mouth", 2)
    assert metformin.as_needed is False
    assert metformin.instructions_text == "Take 1 tablet by mouth twice a day with meals"
    assert (metformin.status, metformin.prescriber, metformin.refills_left) == ("active", "Dr. Ana Ruiz", 3)
    assert metformin.started_on.isoformat() == "2024-03-05"
    albuterol = meds["745679"]
    assert albuterol.as_needed is True and albuterol.times_per_day is None
    assert albuterol.instructions_text == "Take as needed."


def test_times_per_day_from_timing_repeat():
    assert times_per_day({"frequency": 2, "period": 1, "periodUnit": "d"}) == 2
    assert times_per_day({"frequency": 1, "period": 8, "periodUnit": "h"}) == 3
    assert times_per_day({"frequency": 1, "period": 1, "periodUnit": "wk"}) is None
    assert times_per_day({"frequency": 1, "period": 5, "periodUnit": "h"}) is None
    assert times_per_day({}) is None


def test_encounter_is_a_past_visit_and_appointment_a_future_one(app):
    assert import_bundle_file(GOOD).ok
    visits = {a.status: a for a in db.session.execute(sa.select(Appointment)).scalars()}
    past = visits["fulfilled"]
    assert (past.minutes, past.kind, past.clinician, past.location, past.reason) == (
        40, "in_person", "Dr. Ana Ruiz", "Clínica del Valle", "Diabetes mellitus type 2")
    future = visits["booked"]
    assert (future.minutes, future.kind, future.clinician, future.reason) == (
        20, "video", "Dr. Ana Ruiz", "Diabetes follow-up")
    assert future.starts_at.year == 2031


def test_condition_and_immunization(app):
    assert import_bundle_file(GOOD).ok
    condition = db.session.execute(sa.select(Condition)).scalar_one()
    assert (condition.code, condition.code_system, condition.name) == (
        "44054006", "http://snomed.info/sct", "Diabetes mellitus type 2")
    assert (condition.clinical_status, condition.verification_status) == ("active", "confirmed")
    assert condition.onset_at is not None and condition.patient.fhir_id == PATIENT_ID
    shot = db.session.execute(sa.select(Immunization)).scalar_one()
    assert (shot.cvx_code, shot.status, shot.location) == ("140", "completed", "Clínica del Valle")
    assert shot.name == "Influenza, seasonal, injectable, preservative free"


# --- re-import -------------------------------------------------------------------------------

def test_reimport_changes_nothing_and_then_updates_a_changed_value(runner, tmp_path):
    assert import_fhir(runner, GOOD).exit_code == 0
    before = table_counts()
    again = import_fhir(runner, GOOD)
    assert again.exit_code == 0
    assert "0 rows created, 0 updated, 14 unchanged" in again.stdout
    assert table_counts() == before

    bundle = good_bundle()
    resource(bundle, GLUCOSE_ID)["valueQuantity"]["value"] = 101
    resource(bundle, PATIENT_ID)["communication"] = [
        {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "vi-VN"}]}}]
    changed = import_fhir(runner, write_bundle(tmp_path, bundle))
    assert changed.exit_code == 0, changed.output
    assert "0 rows created, 2 updated, 12 unchanged" in changed.stdout
    after = table_counts()
    # The patient now reads Vietnamese: their notes are queued for translation into it.
    assert after.pop("document_translations") > before.pop("document_translations")
    after.pop("translation_cache"), before.pop("translation_cache")
    assert after == before
    assert glucose().value == Decimal("101")
    assert db.session.execute(sa.select(Patient.preferred_language)).scalar_one() == "vi"


def test_resource_without_id_is_keyed_by_its_urn_uuid(app, tmp_path):
    bundle = good_bundle()
    for entry in bundle["entry"]:
        entry["resource"].pop("id")
    path = write_bundle(tmp_path, bundle)
    assert import_bundle_file(path).ok
    assert import_bundle_file(path).total("unchanged") == 14
    assert glucose().value == Decimal("95")


def test_bundle_may_refer_to_a_patient_imported_before(app, tmp_path):
    assert import_bundle_file(GOOD).ok
    observation = copy.deepcopy(resource(good_bundle(), GLUCOSE_ID))
    observation.update(id="later-glucose", subject={"reference": f"Patient/{PATIENT_ID}"})
    observation.pop("encounter")
    later = {"resourceType": "Bundle", "type": "collection",
             "entry": [{"fullUrl": "https://ehr.example/fhir/Observation/later-glucose", "resource": observation}]}
    report = import_bundle_file(write_bundle(tmp_path, later))
    assert report.ok, report.problems
    row = db.session.execute(sa.select(Result).where(Result.fhir_id == "later-glucose")).scalar_one()
    assert row.patient.fhir_id == PATIENT_ID


# --- broken bundles: a clear message, nothing written ----------------------------------------

@pytest.mark.parametrize("name, message", [
    ("broken_not_json.json", "not valid JSON: Expecting ',' delimiter at line 3 column 1"),
    ("broken_not_a_bundle.json", "not a FHIR Bundle: the top-level resource has resourceType 'Patient'"),
    ("broken_missing_reference.json",
     "entry[1] (Observation urn:uuid:0b5e6a1c-0000-4000-8000-000000000001): subject: "
     "urn:uuid:0b5e6a1c-0000-4000-8000-00000000dead is not in this bundle and no patient with id"),
    ("broken_value_type.json",
     "entry[1] (Observation urn:uuid:0b5e6a1c-0000-4000-8000-000000000002): valueQuantity.value: "
     "is not a valid FHIR decimal (got 'ninety-five')"),
])
def test_broken_bundle_is_refused_with_a_message_naming_the_problem(runner, name, message):
    assert import_fhir(runner, GOOD).exit_code == 0
    before = table_counts()
    result = import_fhir(runner, FIXTURES / name)
    assert result.exit_code == 1
    assert f"{name}: refused, nothing from this file was written:" in result.stderr
    assert message in result.stderr
    assert result.stdout == ""
    assert table_counts() == before


def test_one_bad_entry_refuses_the_whole_bundle(runner, tmp_path):
    assert import_fhir(runner, GOOD).exit_code == 0
    before = table_counts()
    bundle = good_bundle()
    resource(bundle, GLUCOSE_ID)["valueQuantity"]["value"] = 101  # would be an update
    bundle["entry"].append({"fullUrl": "urn:uuid:new-patient", "resource": {
        "resourceType": "Patient", "id": "new-patient", "name": [{"family": "Nguyen", "given": ["Lan"]}]}})
    bundle["entry"].append({"fullUrl": "urn:uuid:no-resource"})
    bundle["entry"].append(condition_with_a_bad_date())
    result = import_fhir(runner, write_bundle(tmp_path, bundle))
    assert result.exit_code == 1
    assert "entry[20] (urn:uuid:no-resource): has no resource" in result.stderr
    assert "entry[21] (Condition urn:uuid:bad-date): onsetDateTime: is not a valid FHIR dateTime" in result.stderr
    assert table_counts() == before
    assert glucose().value == Decimal("95")


def test_wrong_reference_target_and_duplicate_ids_are_errors(app, tmp_path):
    bundle = good_bundle()
    resource(bundle, GLUCOSE_ID)["subject"] = {"reference": "urn:uuid:7f3c2a10-5b1e-4c7a-9d2e-1a2b3c4d5e02"}
    duplicate = copy.deepcopy(bundle["entry"][2])
    duplicate["fullUrl"] = "urn:uuid:copy"
    bundle["entry"].append(duplicate)
    report = import_bundle_file(write_bundle(tmp_path, bundle))
    assert not report.ok
    assert any("subject: urn:uuid:7f3c2a10-5b1e-4c7a-9d2e-1a2b3c4d5e02 is a Encounter, not a Patient" in p
               for p in report.problems)
    assert any(p.startswith("entry[19] (Condition urn:uuid:copy): has the same id as entry[2]")
               for p in report.problems)
    assert table_counts()["patients"] == 0


def test_too_large_is_refused_before_reading(runner, app, monkeypatch):
    result = import_fhir(runner, GOOD, "--max-bytes", "1000")
    assert result.exit_code == 1
    assert "over the import limit of 1,000 bytes" in result.stderr
    app.config["FHIR_IMPORT_MAX_BYTES"] = 2000
    assert "over the import limit of 2,000 bytes" in import_bundle_file(GOOD).problems[0]
    assert table_counts()["patients"] == 0

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened")
    monkeypatch.setattr(Path, "open", no_reading)
    with pytest.raises(BundleError, match="over the import limit"):
        read_bundle_json(GOOD, max_bytes=10)


# --- folders ---------------------------------------------------------------------------------

def test_folder_imports_each_bundle_on_its_own_and_exits_1_if_one_failed(runner, tmp_path):
    shutil.copy(GOOD, tmp_path / "a_good.json")
    shutil.copy(FIXTURES / "broken_value_type.json", tmp_path / "b_bad.json")
    (tmp_path / "notes.txt").write_text("not a bundle, not .json: ignored")
    result = import_fhir(runner, tmp_path)
    assert result.exit_code == 1
    assert "a_good.json: imported" in result.stdout
    assert "b_bad.json: refused, nothing from this file was written:" in result.stderr
    assert "1 of 2 bundles imported, 1 refused." in result.stderr
    counts = table_counts()
    assert {name: counts[name] for name in EXPECTED_ROWS} == EXPECTED_ROWS


def test_import_path_returns_one_report_per_file(app, tmp_path):
    shutil.copy(GOOD, tmp_path / "one.json")
    shutil.copy(GOOD, tmp_path / "two.json")
    first, second = import_path(tmp_path)
    assert (first.ok, first.total("created"), second.total("unchanged")) == (True, 14, 14)
    assert first.counts["Claim"]["skipped"] == 1


def test_empty_folder_is_an_error(runner, tmp_path):
    result = import_fhir(runner, tmp_path)
    assert result.exit_code == 1
    assert "holds no .json bundles" in result.stderr


def test_fhir_times_are_stored_in_utc():
    assert parse_datetime("2024-03-05T09:10:00-08:00") == datetime(2024, 3, 5, 17, 10, tzinfo=timezone.utc)
    assert parse_datetime("2024-03-05T09:10:00.123456789Z").microsecond == 123456
    assert parse_datetime("2024") == datetime(2024, 1, 1, tzinfo=timezone.utc)
    with pytest.raises(ValueError, match="no time zone"):
        parse_datetime("2024-03-05T09:10:00")


# --- retractions: what the EHR marks entered-in-error leaves the portal ------------------------

def test_retraction_removes_rows_components_and_what_hangs_off_them(runner):
    assert import_fhir(runner, GOOD).exit_code == 0
    patient = by_fhir_id(Patient, PATIENT_ID)
    maria = factories.user("maria", Role.PATIENT, "María José García", patient=patient)
    history = by_fhir_id(ClinicalNote, HISTORY_NOTE_ID)
    summary = by_fhir_id(ClinicalNote, SUMMARY_NOTE_ID)
    # The import queued the notes' Spanish translations; add the simpler-words one as well.
    db.session.add(DocumentTranslation(kind="note_simple", object_id=history.id, source_lang="en",
                                       target_lang="es", status="ready", segments=[]))
    renewal = RefillRequest(medication_id=by_fhir_id(Medication, METFORMIN_ID).id, patient_id=patient.id,
                            requested_by_id=maria.id, patient_note="Necesito más pastillas")
    db.session.add(renewal)
    db.session.flush()
    # The staff's English translation of her note on the renewal goes with the renewal.
    db.session.add(DocumentTranslation(kind="renewal_note", object_id=renewal.id, source_lang="es",
                                       target_lang="en", status="ready", segments=[]))
    db.session.add(AppointmentRequest(patient_id=patient.id, requested_by_id=maria.id, reason="Follow-up",
                                      status="booked", appointment_id=by_fhir_id(Appointment, VISIT_ID).id))
    db.session.add(AuditEvent(actor_id=maria.id, patient_id=patient.id, action="view", what="note",
                              object_id=history.id))
    db.session.commit()
    history_id, summary_id = history.id, summary.id
    before = table_counts()

    result = import_fhir(runner, RETRACTIONS)
    assert result.exit_code == 0, result.output
    assert "1 rows created, 0 updated, 1 unchanged, 7 retracted (entered in error)" in result.stdout
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    assert lines["Observation"].endswith(
        "1 created; 2 retracted; 1 skipped (entered in error, never imported 1)")
    for resource_type in ("DocumentReference", "MedicationRequest", "Condition", "Immunization", "Appointment"):
        assert lines[resource_type].endswith("  1 retracted"), lines[resource_type]
    assert ("with the retracted rows: 2 note translations removed, 1 renewal requests removed, "
            "1 visit requests unlinked") in result.stdout

    after = table_counts()
    changes = {name: after[name] - before[name] for name in after if after[name] != before[name]}
    assert changes == {"results": -2 + 1, "clinical_notes": -1, "medications": -1, "conditions": -1,
                       "immunizations": -1, "appointments": -1, "document_translations": -3,
                       "refill_requests": -1}
    fhir_ids = set(db.session.scalars(sa.select(Result.fhir_id)))
    assert not {key for key in fhir_ids if key.startswith(BLOOD_PRESSURE_ID)}  # both components
    assert NEVER_IMPORTED_ID not in fhir_ids and "7f3c2a10-5b1e-4c7a-9d2e-1a2b3c4d5e21" in fhir_ids
    assert by_fhir_id(ClinicalNote, HISTORY_NOTE_ID) is None
    translated = set(db.session.execute(sa.select(DocumentTranslation.kind, DocumentTranslation.object_id)))
    assert translated == {("note", summary_id)}
    assert db.session.execute(sa.select(AppointmentRequest.appointment_id)).scalar_one() is None
    assert db.session.execute(sa.select(AuditEvent.object_id)).scalar_one() == history_id  # append-only

    again = import_fhir(runner, RETRACTIONS)
    assert "0 rows created, 0 updated, 2 unchanged" in again.stdout and "retracted" not in again.stdout.split("\n")[0]
    assert "skipped (entered in error, never imported 2)" in again.stdout


def test_retraction_of_a_resource_never_imported_is_skipped(app, tmp_path):
    assert import_bundle_file(GOOD).ok
    before = table_counts()
    report = import_bundle_file(write_bundle(tmp_path, only(json.loads(RETRACTIONS.read_text()), NEVER_IMPORTED_ID)))
    assert report.ok, report.problems
    assert report.counts["Observation"]["skipped"] == 1 and report.total("retracted") == 0
    assert report.reasons["Observation"][("skipped", "entered in error, never imported")] == 1
    assert table_counts() == before


def test_bundle_with_a_retraction_and_a_malformed_entry_changes_nothing(runner, tmp_path):
    assert import_fhir(runner, GOOD).exit_code == 0
    before = table_counts()
    bundle = json.loads(RETRACTIONS.read_text())
    bundle["entry"].append(condition_with_a_bad_date())
    result = import_fhir(runner, write_bundle(tmp_path, bundle))
    assert result.exit_code == 1
    assert "onsetDateTime: is not a valid FHIR dateTime" in result.stderr
    assert table_counts() == before
    assert by_fhir_id(ClinicalNote, HISTORY_NOTE_ID) is not None
    assert by_fhir_id(Result, f"{BLOOD_PRESSURE_ID}#8480-6") is not None


def test_an_entry_may_not_write_a_row_another_entry_retracts(app, tmp_path):
    bundle = good_bundle()
    withdrawn = copy.deepcopy(next(e for e in bundle["entry"] if e["resource"].get("id") == GLUCOSE_ID))
    withdrawn["fullUrl"] = "urn:uuid:copy"
    withdrawn["resource"]["status"] = "entered-in-error"
    bundle["entry"].append(withdrawn)
    report = import_bundle_file(write_bundle(tmp_path, bundle))
    assert any(p.startswith("entry[19] (Observation urn:uuid:copy): has the same id as entry[3]")
               for p in report.problems)
    assert table_counts()["patients"] == 0


def test_retracted_report_takes_its_note_and_its_panel_name(app, tmp_path):
    # Without the DocumentReference that carries the same text, the report's own text is the note.
    bundle = good_bundle()
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"].get("id") != HISTORY_NOTE_ID]
    assert import_bundle_file(write_bundle(tmp_path, bundle)).ok
    assert by_fhir_id(ClinicalNote, NOTE_REPORT_ID) is not None
    assert glucose().panel == "Basic metabolic panel - Blood"

    later = only(good_bundle(), BMP_REPORT_ID, NOTE_REPORT_ID)
    report = import_bundle_file(write_bundle(tmp_path, entered_in_error(entered_in_error(
        later, BMP_REPORT_ID), NOTE_REPORT_ID)))
    assert report.ok, report.problems
    # The note goes; the results stay (they were not withdrawn) but no longer name the panel.
    assert (report.counts["DiagnosticReport"]["retracted"], report.counts["DiagnosticReport"]["updated"]) == (1, 2)
    assert by_fhir_id(ClinicalNote, NOTE_REPORT_ID) is None
    assert glucose().panel is None and glucose().value == Decimal("95")


def test_retraction_without_its_components_still_removes_the_component_rows(app, tmp_path):
    assert import_bundle_file(GOOD).ok
    bundle = entered_in_error(only(good_bundle(), BLOOD_PRESSURE_ID), BLOOD_PRESSURE_ID)
    resource(bundle, BLOOD_PRESSURE_ID).pop("component")
    report = import_bundle_file(write_bundle(tmp_path, bundle))
    assert report.ok and report.counts["Observation"]["retracted"] == 2
    assert not any(key.startswith(BLOOD_PRESSURE_ID) for key in db.session.scalars(sa.select(Result.fhir_id)))
    assert table_counts()["results"] == EXPECTED_ROWS["results"] - 2


def test_retraction_finds_component_rows_whose_keys_were_hashed(app, tmp_path):
    long_id = "bp-" + "x" * 61  # "<id>#<code>" is over 64 characters: the row key is a hash
    bundle = only(good_bundle(), BLOOD_PRESSURE_ID)
    resource(bundle, BLOOD_PRESSURE_ID)["id"] = long_id
    assert import_bundle_file(write_bundle(tmp_path, bundle)).ok
    assert table_counts()["results"] == 2
    report = import_bundle_file(write_bundle(tmp_path, entered_in_error(bundle, long_id)))
    assert report.ok and report.counts["Observation"]["retracted"] == 2
    assert table_counts()["results"] == 0


def test_every_reference_to_a_retractable_row_is_handled():
    """A new table pointing at results, notes, medications or visits must say what happens to
    its rows when the EHR retracts the row they point to (else PostgreSQL refuses the delete)."""
    retractable = {model.__tablename__ for model in (Result, ClinicalNote, Medication, Appointment,
                                                     Condition, Immunization)}
    referring = {(fk.parent.table.name, fk.column.table.name) for table in db.metadata.sorted_tables
                 for fk in table.foreign_keys if fk.column.table.name in retractable}
    assert referring == {("refill_requests", "medications"), ("appointment_requests", "appointments")}
    assert set(DEPENDANTS) >= {Medication, Appointment, ClinicalNote}
    # Translations point at notes by kind and id, not by a foreign key.
    assert set(NOTE_TRANSLATION_KINDS) == {kind for kind, (model, _) in _SOURCES.items() if model is ClinicalNote}


# --- corrections: a changed result or note is new to the patient again -------------------------

def mark_everything_seen() -> None:
    now = utcnow()
    db.session.execute(sa.update(Result).values(seen_by_patient_at=now))
    db.session.execute(sa.update(ClinicalNote).values(seen_by_patient_at=now))
    db.session.commit()


def new_counts() -> tuple[int, int]:
    db.session.expire_all()
    news = whats_new(by_fhir_id(Patient, PATIENT_ID).id)
    return news.new_result_count, news.new_note_count


def test_identical_reimport_leaves_seen_results_and_notes_seen(runner):
    assert import_fhir(runner, GOOD).exit_code == 0
    mark_everything_seen()
    assert import_fhir(runner, GOOD).exit_code == 0
    assert new_counts() == (0, 0)


@pytest.mark.parametrize("correct", [
    lambda glucose: glucose["valueQuantity"].update(value=101),
    lambda glucose: glucose["valueQuantity"].update(unit="mmol/L"),
    lambda glucose: glucose.update(interpretation=[{"coding": [{"code": "H"}]}]),
    lambda glucose: glucose.update(status="amended"),
    lambda glucose: glucose.update(effectiveDateTime="2024-03-06T09:10:00-08:00"),
    lambda glucose: glucose["code"].update(text="Glucose, fasting"),
    lambda glucose: glucose["referenceRange"][0]["high"].update(value=110),
], ids=["value", "unit", "interpretation", "status", "effective time", "name", "range"])
def test_corrected_result_is_new_to_the_patient_again(app, tmp_path, correct):
    assert import_bundle_file(GOOD).ok
    mark_everything_seen()
    bundle = good_bundle()
    correct(resource(bundle, GLUCOSE_ID))
    report = import_bundle_file(write_bundle(tmp_path, bundle))
    assert report.ok and report.total("updated") == 1
    assert glucose().seen_by_patient_at is None
    assert new_counts() == (1, 0)  # only the corrected one


def test_a_new_panel_name_alone_does_not_make_a_result_new(app, tmp_path):
    assert import_bundle_file(GOOD).ok
    mark_everything_seen()
    bundle = good_bundle()
    resource(bundle, BMP_REPORT_ID)["code"]["text"] = "Metabolic panel"  # glucose's and A1c's panel
    resource(bundle, GLUCOSE_ID)["valueQuantity"]["value"] = 101
    report = import_bundle_file(write_bundle(tmp_path, bundle))
    assert report.ok and report.total("updated") == 2
    a1c = db.session.execute(sa.select(Result).where(Result.loinc_code == "4548-4")).scalar_one()
    assert (a1c.panel, glucose().panel) == ("Metabolic panel", "Metabolic panel")
    assert a1c.seen_by_patient_at is not None and glucose().seen_by_patient_at is None


def test_corrected_note_is_new_again_and_never_read_in_its_old_translation(runner, tmp_path):
    assert import_fhir(runner, GOOD).exit_code == 0  # queues the notes' Spanish translations
    mark_everything_seen()
    note_id = by_fhir_id(ClinicalNote, SUMMARY_NOTE_ID).id

    def translation() -> str:
        row = db.session.execute(sa.select(DocumentTranslation).where(DocumentTranslation.object_id == note_id))
        return json.dumps(row.scalar_one().segments)
    assert "Do not skip meals." in translation()

    bundle = good_bundle()
    corrected = "<p>Do not skip breakfast.</p>"
    attachment = resource(bundle, SUMMARY_NOTE_ID)["content"][0]["attachment"]
    attachment["data"] = base64.b64encode(corrected.encode()).decode()
    result = import_fhir(runner, write_bundle(tmp_path, bundle))
    assert result.exit_code == 0, result.output
    assert "1 note translations queued" in result.stdout
    assert new_counts() == (0, 1)
    assert by_fhir_id(ClinicalNote, SUMMARY_NOTE_ID).text == "Do not skip breakfast."
    assert "breakfast" in translation() and "meals" not in translation()
