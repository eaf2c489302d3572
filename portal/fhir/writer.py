"""Upsert mapped rows by fhir_id: one SELECT per table for the rows that already exist, then
one bulk INSERT and one bulk UPDATE (only rows whose values changed). The caller owns the
transaction."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from portal.fhir.mapping import Row
from portal.models import Patient

# Stay far below SQLite's and PostgreSQL's limits on bound parameters in one statement.
_CHUNK = 500


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
        _upsert(session, model, model_rows, counts)
    return counts


def existing_patient_ids(session: Session, fhir_ids: set[str]) -> dict[str, int]:
    found = {}
    for chunk in _chunks(sorted(fhir_ids)):
        found.update(session.execute(select(Patient.fhir_id, Patient.id).where(Patient.fhir_id.in_(chunk))).all())
    return found


def _upsert(session: Session, model: type, rows: list[Row], counts: dict[str, Counter]) -> None:
    if not rows:
        return
    table = model.__table__
    columns = sorted({name for row in rows for name in row.values})
    existing = {}
    for chunk in _chunks([row.values["fhir_id"] for row in rows]):
        query = select(table.c.id, *(table.c[name] for name in columns)).where(table.c.fhir_id.in_(chunk))
        existing.update((record["fhir_id"], record) for record in session.execute(query).mappings())
    inserts, updates = [], []
    for row in rows:
        old = existing.get(row.values["fhir_id"])
        if old is None:
            inserts.append(row.values)
            counts[row.source]["created"] += 1
        elif any(_differs(old[name], value) for name, value in row.values.items()):
            updates.append({"id": old["id"], **row.values})
            counts[row.source]["updated"] += 1
        else:
            counts[row.source]["unchanged"] += 1
    if inserts:
        session.execute(insert(model), inserts)
    if updates:
        session.execute(update(model), updates)


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
