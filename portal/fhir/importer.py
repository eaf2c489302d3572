"""Import FHIR R4 bundles: read, validate every entry, then write the whole bundle in one
transaction, or nothing.

    reports = import_path(Path("export/"))          # a bundle file or a folder of them
    report = import_bundle_file(Path("patient.json"))

Must run inside an application context (it uses db.session).
"""
from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.fhir import map_care, map_records
from portal.fhir.bundle import (
    DEFAULT_MAX_BYTES, BundleError, Entry, EntryError, ReferenceIndex, bundle_entries, read_bundle_json,
)
from portal.fhir.mapping import Context, Retract, Row, Skip
from portal.fhir.report import NEVER_IMPORTED, NOT_KEPT, ImportReport
from portal.fhir.retract import retract
from portal.fhir.structure import structure_problems
from portal.fhir.writer import existing_patient_ids, write_rows
from portal.models import Patient, Result

# The resource types the portal keeps, and the function that maps each to rows. Every other
# type (Claim, ExplanationOfBenefit, Procedure, CarePlan, ...) is counted as skipped.
MAPPERS = {
    "Patient": map_records.patient,
    "Observation": map_records.observation,
    "DiagnosticReport": map_records.diagnostic_report,
    "DocumentReference": map_records.document_reference,
    "MedicationRequest": map_care.medication_request,
    "Medication": map_care.medication,
    "Encounter": map_care.encounter,
    "Appointment": map_care.appointment,
    "Condition": map_care.condition,
    "Immunization": map_care.immunization,
}


class ImportRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:3]))
        self.problems = problems


def max_bytes_setting() -> int:
    """FHIR_IMPORT_MAX_BYTES from the app config, else the environment, else 50 MB."""
    configured = current_app.config.get("FHIR_IMPORT_MAX_BYTES") or os.environ.get("FHIR_IMPORT_MAX_BYTES")
    if not configured:
        return DEFAULT_MAX_BYTES
    try:
        return int(configured)
    except ValueError:
        raise SystemExit(f"Configuration error: FHIR_IMPORT_MAX_BYTES must be a whole number, "
                         f"got {configured!r}.") from None


def bundle_files(path: Path) -> list[Path]:
    """The bundle itself, or every *.json file directly in the folder, in name order."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".json")
    return [path]


def import_path(path: Path, max_bytes: int | None = None) -> list[ImportReport]:
    """Import a bundle or a folder of bundles; each bundle is its own transaction."""
    return [import_bundle_file(file, max_bytes) for file in bundle_files(Path(path))]


def import_bundle_file(path: Path, max_bytes: int | None = None) -> ImportReport:
    path = Path(path)
    report = ImportReport(source=path.name)
    started = time.perf_counter()
    try:
        data = read_bundle_json(path, max_bytes or max_bytes_setting())
        import_bundle(data, report)
    except BundleError as exc:
        report.problems = [str(exc)]
    except ImportRefused as exc:
        report.problems = exc.problems
    report.seconds = time.perf_counter() - started
    return report


def import_bundle(data, report: ImportReport) -> ImportReport:
    """Import parsed bundle JSON. Raises BundleError or ImportRefused (nothing written)."""
    patients, rows, retractions = plan_rows(data, report)
    also = Counter()
    try:
        # Retractions first: the duplicate check in plan_rows has made sure no row written
        # below is one they remove.
        outcomes = [retract(db.session, retraction, also) for _, retraction in retractions]
        counts = write_rows(db.session, patients, rows)
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        reason = getattr(exc, "orig", None) or exc
        raise ImportRefused([f"the database refused the bundle: {str(reason).splitlines()[0]}"]) from None
    except BaseException:
        db.session.rollback()
        raise
    for resource_type, counter in counts.items():
        report.counts[resource_type].update(counter)
    for (entry, _), (removed, unpanelled) in zip(retractions, outcomes):
        if not removed and not unpanelled:
            report.count_entry(entry.type, "skipped", NEVER_IMPORTED)
        report.counts[entry.type]["retracted"] += removed
        report.counts[entry.type]["updated"] += unpanelled
    report.also_removed.update(also)
    return report


def plan_rows(data, report: ImportReport) -> tuple[list[Row], list[Row], list[tuple[Entry, Retract]]]:
    """Map and check every entry without writing; raise ImportRefused with every problem found."""
    entries, problems = bundle_entries(data)
    ctx = Context(entries, ReferenceIndex.of(entries))
    for entry in entries:
        if entry.type == "DocumentReference":
            ctx.reports_with_document |= map_records.note_links(entry)

    rows_by_entry: dict[int, list[Row]] = {}
    retractions: dict[int, tuple[Entry, Retract]] = {}
    for entry in entries:
        mapper = MAPPERS.get(entry.type)
        if mapper is None:
            report.count_entry(entry.type, "skipped", NOT_KEPT)
            continue
        structural = structure_problems(entry.resource)
        if structural:
            problems += [f"{entry.describe()}: {problem}" for problem in structural]
            continue
        try:
            outcome = mapper(ctx, entry)
        except EntryError as exc:
            problems.append(f"{entry.describe()}: {exc}")
            continue
        if isinstance(outcome, Skip):
            report.count_entry(entry.type, "used" if outcome.used else "skipped", outcome.reason)
        elif isinstance(outcome, Retract):
            retractions[entry.index] = (entry, outcome)
        else:
            rows_by_entry[entry.index] = outcome

    for index, panel in ctx.panels.items():
        for row in rows_by_entry.get(index, []):
            if row.model is Result:
                row.values["panel"] = ctx.label(Result, "panel", panel)
    rows = [row for entry_rows in rows_by_entry.values() for row in entry_rows]
    problems += _duplicates(entries, rows_by_entry, retractions)
    patients = [row for row in rows if row.model is Patient]
    problems += _missing_patients(ctx, {row.values["fhir_id"] for row in patients})
    if problems:
        raise ImportRefused(problems)
    report.warnings += ctx.warnings
    report.warnings += [f"{n} values of {column} were longer than the portal keeps and were shortened"
                        for column, n in sorted(ctx.truncated.items())]
    return patients, [row for row in rows if row.model is not Patient], list(retractions.values())


def _duplicates(entries, rows_by_entry: dict[int, list[Row]],
                retractions: dict[int, tuple[Entry, Retract]]) -> list[str]:
    """Two entries that would write the same row (same table, same fhir_id) would silently
    overwrite each other; one that writes a row another retracts leaves it unclear which holds."""
    claims = [(index, row.model, row.values["fhir_id"]) for index, entry_rows in rows_by_entry.items()
              for row in entry_rows]
    claims += [(index, retraction.model, key) for index, (_, retraction) in retractions.items()
               for key in sorted(retraction.fhir_ids)]
    by_index = {entry.index: entry for entry in entries}
    seen: dict[tuple[type, str], int] = {}
    problems = []
    for index, model, fhir_id in sorted(claims, key=lambda claim: claim[0]):
        key = (model, fhir_id)
        if key in seen and seen[key] != index:
            problems.append(f"{by_index[index].describe()}: has the same id as {by_index[seen[key]].describe()}")
        seen.setdefault(key, index)
    return problems


def _missing_patients(ctx: Context, in_bundle: set[str]) -> list[str]:
    """References to patients not in the bundle must name one the portal already has."""
    wanted = set(ctx.patients_elsewhere) - in_bundle
    if not wanted:
        return []
    found = existing_patient_ids(db.session, wanted)
    problems = []
    for key in sorted(wanted - set(found)):
        places = ctx.patients_elsewhere[key]
        problems += [f"{place} is not in this bundle and no patient with id {key!r} has been imported"
                     for place in places[:5]]
        if len(places) > 5:
            problems.append(f"... and {len(places) - 5} more references to patient {key!r}")
    return problems
