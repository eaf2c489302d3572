"""`flask portal import-fhir`: FHIR R4 bundles in, the portal's rows out; all or nothing per
bundle; re-import updates and never duplicates. Fixture bundles are in Synthea's shape."""
from __future__ import annotations

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
from portal.fhir.values import html_to_text, parse_datetime, primary_language
from portal.models import (
    Appointment, ClinicalNote, Condition, Immunization, Medication, Patient, Result,
)

FIXTURES = Path(__file__).parent / "fixtures" / "fhir"
GOOD = FIXTURES / "spanish_patient.json"
PATIENT_ID = "7f3c2a10-5b1e-4c7a-9d2e-1a2b3c4d5e01"
GLUCOSE_ID = "7f3c2a10-5b1e-4c7a-9d2e-1a2b3c4d5e04"
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


def resource(bundle: dict, resource_id: str) -> dict:
    return next(e["resource"] for e in bundle["entry"] if e["resource"].get("id") == resource_id)


def glucose() -> Result:
    return db.session.execute(sa.select(Result).where(Result.fhir_id == GLUCOSE_ID)).scalar_one()


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
    bundle["entry"].append({"fullUrl": "urn:uuid:bad-date", "resource": {
        "resourceType": "Condition", "id": "bad-date", "subject": {"reference": f"urn:uuid:{PATIENT_ID}"},
        "code": {"text": "Asthma"}, "onsetDateTime": "last spring"}})
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
