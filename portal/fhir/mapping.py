"""What the resource mappers share: the rows they produce, and the context that resolves
references and fits values to the portal's columns.

The rule for a resource the portal cannot use: if it is malformed (a wrong type, a reference
to nothing) it is an error and the whole bundle is refused; if it is well formed but cannot be
shown (no LOINC code, no date) it is skipped and counted with the reason. If it is entered
in error, the EHR has withdrawn it: the mapper returns a Retract and the rows it once made go.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from portal.fhir.bundle import Entry, EntryError, ReferenceIndex, referenced_fhir_id
from portal.fhir.values import parse_datetime

FHIR_ID_LENGTH = 64


@dataclass
class Row:
    """One row to upsert into `model`, keyed by values["fhir_id"]. `patient` is the patient's
    fhir_id; the writer turns it into patient_id once patients are saved."""
    model: type
    source: str
    values: dict
    patient: str | None = None


@dataclass
class Skip:
    """The entry is well formed but gives no row of its own; the reason is counted. `used`
    when its content went into other rows (a report's panel name, a Medication's name)."""
    reason: str
    used: bool = False


@dataclass
class Retract:
    """The EHR withdrew the resource (status entered-in-error): the rows earlier imports made
    from it are removed in this bundle's transaction, so a wrong result or note stops showing.
    `fhir_ids` are exact keys in `model`'s table; `prefixes` find rows derived from it whose
    keys start with one ("<observation id>#" for component rows). A DiagnosticReport also named
    the panel of the Results in `grouped` (fhir_ids of Observations not in this bundle): that
    panel name is cleared from them."""
    model: type
    fhir_ids: set[str]
    prefixes: set[str] = field(default_factory=set)
    panel: str | None = None
    grouped: set[str] = field(default_factory=set)


@dataclass
class Context:
    entries: list[Entry]
    index: ReferenceIndex
    # Patient fhir_id -> where it was referenced, for those not in this bundle (checked in the DB).
    patients_elsewhere: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # Observation entry index -> panel name, from DiagnosticReport.result.
    panels: dict[int, str] = field(default_factory=dict)
    # DiagnosticReports whose text a DocumentReference already carries (Synthea writes both).
    reports_with_document: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    truncated: Counter = field(default_factory=Counter)

    def patient_of(self, entry: Entry, field_name: str, reference: dict | None) -> str:
        """The fhir_id of the Patient a reference points to, in the bundle or (checked later)
        already in the portal."""
        if not isinstance(reference, dict) or not reference.get("reference"):
            raise EntryError(f"{field_name}: no reference to the patient")
        ref = reference["reference"]
        target = self.index.find(ref)
        if target is not None:
            if target.type != "Patient":
                raise EntryError(f"{field_name}: {ref} is a {target.type}, not a Patient")
            return self.fhir_id(target)
        key = referenced_fhir_id(ref, "Patient")
        if key is None:
            raise EntryError(f"{field_name}: {ref} is not in this bundle and is not a Patient reference")
        self.patients_elsewhere[key].append(f"{entry.describe()}: {field_name}: {ref}")
        return key

    @staticmethod
    def fhir_id(entry: Entry) -> str:
        key = entry.fhir_id
        if not key:
            raise EntryError("has no id and its fullUrl is not a urn:uuid, so it cannot be matched on re-import")
        if len(key) > FHIR_ID_LENGTH:
            raise EntryError(f"id {key[:20]}... is {len(key)} characters; FHIR allows at most {FHIR_ID_LENGTH}")
        return key

    def label(self, model: type, column: str, text: str | None) -> str | None:
        """Human-readable text cut to the column's length (PostgreSQL would refuse it)."""
        length = model.__table__.c[column].type.length
        if text is None or len(text) <= length:
            return text
        self.truncated[f"{model.__name__}.{column}"] += 1
        return text[: length - 1].rstrip() + "…"

    @staticmethod
    def code(model: type, column: str, text: str | None, where: str) -> str | None:
        """A code is never cut (a cut code is a different code): too long is an error."""
        length = model.__table__.c[column].type.length
        if text is not None and len(text) > length:
            raise EntryError(f"{where}: {text!r} is longer than the {length} characters the portal keeps")
        return text

    def display_of(self, reference: dict | None) -> str | None:
        """A reference's display, else the name of the entry it points to (Practitioner, Location)."""
        if not isinstance(reference, dict):
            return None
        if reference.get("display"):
            return " ".join(reference["display"].split())
        target = self.index.find(reference.get("reference") or "")
        if target is None:
            return None
        name = target.resource.get("name")
        if isinstance(name, str):
            return name
        if isinstance(name, list) and name and isinstance(name[0], dict):
            first = name[0]
            parts = [*first.get("prefix", []), *first.get("given", []), first.get("family", "")]
            return first.get("text") or " ".join(parts).strip() or None
        return None


def when(resource: dict, *names: str) -> datetime | None:
    """The first of the named dateTime/Period fields that is present, as UTC. A Period gives
    its start."""
    for name in names:
        value = resource.get(name)
        if value is None:
            continue
        if isinstance(value, dict):  # Period
            value = value.get("start")
            if value is None:
                continue
        try:
            return parse_datetime(value)
        except ValueError as exc:
            raise EntryError(f"{name}: {exc}") from None
    return None
