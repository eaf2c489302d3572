"""Upsert mapped rows by fhir_id: one SELECT per table for the rows that already exist, then
one bulk INSERT and one bulk UPDATE (only rows whose values changed). The caller owns the
transaction.

A correction to what the patient reads (a result's value, a note's text) shows the row as new
again on the home page; a re-import that changes nothing leaves it as seen."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from portal.fhir.mapping import Row
from portal.fhir.retract import drop_note_translations
from portal.models import ClinicalNote, Patient, Result

# Stay far below SQLite's and PostgreSQL's limits on bound parameters in one statement.
_CHUNK = 500

# The columns whose change makes a row new to the patient again (seen_by_patient_at = NULL).
# A result's panel is left out: it is how results are grouped, not what one says.
SHOWN_AGAIN_WHEN_CHANGED = {
    Result: frozenset({"name", "loinc_code", "value", "value_text", "unit", "range_low", "range_high",
                       "range_text", "range_source", "interpretation", "status", "effective_at"}),
    ClinicalNote: frozenset({"text"}),
}
# A note's translation was made from its text in its language: either changing makes it stale.
_TRANSLATED_FROM = frozenset({"text", "language"})


def write_rows(session: Session, patients: list[Row], rows: list[Row]) -> dict[str, Counter]:
    """Save patients first (the other rows need their ids), then every other table.
    Returns, per FHIR resource type, how many rows were created, updated or unchanged."""
    counts: dict[str, Counter] = defaultdict(Counter)
    _upsert(session, Patient, patients, counts)
    keys = {row.patient for row in rows}
    patient_ids = existing_patient_ids(session, keys)
    by_model: dict[type, list[Row]] = defaultdict(list)
    for row in rows:
        row.values["patient_id"] = patient_ids[row.patient]
        by_model[row.model].append(row)
    for model, model_rows in by_model.items():
        changed = _upsert(session, model, model_rows, counts)
        if model is ClinicalNote:
            drop_note_translations(session, [key for key, names in changed.items() if names & _TRANSLATED_FROM])
    return counts


def existing_patient_ids(session: Session, fhir_ids: set[str]) -> dict[str, int]:
    found = {}
    for chunk in _chunks(sorted(fhir_ids)):
        found.update(session.execute(select(Patient.fhir_id, Patient.id).where(Patient.fhir_id.in_(chunk))).all())
    return found


def _upsert(session: Session, model: type, rows: list[Row], counts: dict[str, Counter]) -> dict[int, set[str]]:
    """Returns the id of each row updated, with the columns that changed."""
    if not rows:
        return {}
    table = model.__table__
    columns = sorted({name for row in rows for name in row.values})
    existing = {}
    for chunk in _chunks([row.values["fhir_id"] for row in rows]):
        query = select(table.c.id, *(table.c[name] for name in columns)).where(table.c.fhir_id.in_(chunk))
        existing.update((record["fhir_id"], record) for record in session.execute(query).mappings())
    shown = SHOWN_AGAIN_WHEN_CHANGED.get(model, frozenset())
    inserts, updates, changed = [], [], {}
    for row in rows:
        old = existing.get(row.values["fhir_id"])
        if old is None:
            inserts.append(row.values)
            counts[row.source]["created"] += 1
            continue
        names = {name for name, value in row.values.items() if _differs(old[name], value)}
        if names:
            updates.append({"id": old["id"], **row.values, **({"seen_by_patient_at": None} if names & shown else {})})
            changed[old["id"]] = names
            counts[row.source]["updated"] += 1
        else:
            counts[row.source]["unchanged"] += 1
    if inserts:
        session.execute(insert(model), inserts)
    if updates:
        session.execute(update(model), updates)
    return changed


def _differs(stored, new) -> bool:
    """Compare as the database gives values back: SQLite returns naive UTC datetimes and
    Decimals rounded to the column's scale."""
    if isinstance(stored, datetime) and isinstance(new, datetime):
        return _utc_naive(stored) != _utc_naive(new)
    if isinstance(stored, (Decimal, float)) and isinstance(new, Decimal):
        return Decimal(str(stored)) != new
    return stored != new


def _utc_naive(value: datetime) -> datetime:
    return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value


def _chunks(items: list) -> list[list]:
    return [items[start:start + _CHUNK] for start in range(0, len(items), _CHUNK)]
