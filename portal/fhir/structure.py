"""Structural validation of the resources the portal keeps, with fhir.resources (pydantic).

fhir.resources 8 has no plain R4 package; its R4B models (FHIR 4.3) read R4 data for every
resource the portal keeps (Patient, Observation, DiagnosticReport, DocumentReference,
Condition, Medication, MedicationRequest, Immunization, Encounter, Appointment). Only those are
validated: a bundle must not be refused over a Claim the portal never reads.
It checks datatypes (a Quantity's value is a decimal, a dateTime matches the FHIR pattern,
unknown fields), not code values or the fields the portal needs: mapping.py checks those.
Imported lazily (about 0.3 s and 16 MB for these models) so the web process never loads it.
"""
from __future__ import annotations

import re
from functools import lru_cache

MAX_PROBLEMS_PER_ENTRY = 3
_PATTERN_MISMATCH = re.compile(r"^(\w+) value string does not match spec regex")


@lru_cache(maxsize=None)
def _model(resource_type: str):
    from fhir.resources.R4B import get_fhir_model_class

    return get_fhir_model_class(resource_type)


def structure_problems(resource: dict) -> list[str]:
    """What is wrong with the resource's structure, one line per field; [] when it is valid."""
    from pydantic import ValidationError

    try:
        _model(resource["resourceType"]).model_validate(resource)
    except ValidationError as exc:
        problems = [_describe(error) for error in exc.errors()]
        if len(problems) > MAX_PROBLEMS_PER_ENTRY:
            problems = problems[:MAX_PROBLEMS_PER_ENTRY] + [f"... and {len(problems) - MAX_PROBLEMS_PER_ENTRY} more"]
        return problems
    return []


def _describe(error: dict) -> str:
    path = ".".join(str(part) for part in error.get("loc", ()) if part != "root") or "resource"
    message = error.get("msg", "invalid").removeprefix("Value error, ").rstrip(".")
    datatype = _PATTERN_MISMATCH.match(message)
    if datatype:  # fhir_core says "Decimal value string does not match spec regex"
        message = f"is not a valid FHIR {datatype.group(1)[0].lower()}{datatype.group(1)[1:]}"
    if error.get("type") == "json_invalid":  # pydantic's words when an object was a string
        message = "expected a JSON object"
    if error.get("type") == "extra_forbidden":
        message = "is not a field of this resource in FHIR R4"
    elif "input" in error and not isinstance(error["input"], (dict, list)):
        message += f" (got {error['input']!r})"
    return f"{path}: {message}"
