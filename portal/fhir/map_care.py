"""MedicationRequest, Encounter, Appointment, Condition and Immunization -> Medication,
Appointment, Condition and Immunization rows."""
from __future__ import annotations

from decimal import Decimal

from portal.fhir.bundle import Entry, EntryError, split_reference
from portal.fhir.map_records import encounter_clinician
from portal.fhir.mapping import Context, Retract, Row, Skip, when
from portal.fhir.values import (
    CVX, RXNORM, SNOMED, concept_label, coding_in, decimal_for_column, first_code, parse_local_date,
)
from portal.models import Appointment, Condition, Immunization, Medication

# --- MedicationRequest -----------------------------------------------------------------------

# Days in one timing.repeat.periodUnit (UCUM units of time).
_PERIOD_DAYS = {"s": Decimal(1) / 86400, "min": Decimal(1) / 1440, "h": Decimal(1) / 24, "d": Decimal(1),
                "wk": Decimal(7), "mo": Decimal(30), "a": Decimal(365)}


def medication(ctx: Context, entry: Entry) -> Skip:
    """Medication resources are read through the MedicationRequests that point to them."""
    return Skip("read through MedicationRequest", used=True)


def medication_request(ctx: Context, entry: Entry) -> list[Row] | Skip | Retract:
    resource = entry.resource
    if resource.get("status") == "entered-in-error":
        return Retract(Medication, {ctx.fhir_id(entry)})
    concept, name = _medication_concept(ctx, resource)
    name = concept_label(concept) or name
    if not name:
        raise EntryError("medication[x]: names no medication (no text, display or code)")
    rxnorm = coding_in(concept, RXNORM)
    dosage = (resource.get("dosageInstruction") or [{}])[0]
    dose_quantity, dose_unit = _dose(ctx, dosage)
    values = {
        "fhir_id": ctx.fhir_id(entry),
        "name": ctx.label(Medication, "name", name),
        "rxnorm_code": ctx.code(Medication, "rxnorm_code", rxnorm["code"] if rxnorm else None,
                                "medicationCodeableConcept"),
        "dose_quantity": dose_quantity,
        "dose_unit": dose_unit,
        "route": ctx.label(Medication, "route", concept_label(dosage.get("route"))),
        "times_per_day": times_per_day((dosage.get("timing") or {}).get("repeat") or {}),
        "as_needed": bool(dosage.get("asNeededBoolean") or dosage.get("asNeededCodeableConcept")),
        "instructions_text": " ".join(dosage["text"].split()) if dosage.get("text") else None,
        "status": ctx.code(Medication, "status", resource.get("status"), "status"),
        "prescriber": ctx.label(Medication, "prescriber", ctx.display_of(resource.get("requester"))),
        "started_on": _date(resource.get("authoredOn"), "authoredOn"),
        "refills_left": (resource.get("dispenseRequest") or {}).get("numberOfRepeatsAllowed"),
    }
    return [Row(Medication, "MedicationRequest", values, ctx.patient_of(entry, "subject", resource.get("subject")))]


def _medication_concept(ctx: Context, resource: dict) -> tuple[dict | None, str | None]:
    """The medication's CodeableConcept: inline, or from the Medication resource referenced
    (in the bundle or contained); else only the reference's display."""
    if resource.get("medicationCodeableConcept"):
        return resource["medicationCodeableConcept"], None
    reference = resource.get("medicationReference")
    if not isinstance(reference, dict) or not reference.get("reference"):
        if isinstance(reference, dict) and reference.get("display"):
            return None, reference["display"]
        raise EntryError("medication[x]: neither medicationCodeableConcept nor medicationReference")
    ref = reference["reference"]
    if ref.startswith("#"):
        target = next((c for c in resource.get("contained") or [] if c.get("id") == ref[1:]), None)
    else:
        found = ctx.index.find(ref)
        target = found.resource if found else None
    if target is None:
        if reference.get("display"):
            return None, reference["display"]
        raise EntryError(f"medicationReference: {ref} is not in this bundle")
    if target.get("resourceType") != "Medication":
        raise EntryError(f"medicationReference: {ref} is a {target.get('resourceType')}, not a Medication")
    return target.get("code"), None


def _dose(ctx: Context, dosage: dict) -> tuple[Decimal | None, str | None]:
    for position, dose_and_rate in enumerate(dosage.get("doseAndRate") or []):
        quantity = dose_and_rate.get("doseQuantity")
        if quantity and quantity.get("value") is not None:
            try:
                amount = decimal_for_column(quantity["value"], places=3, digits=10)
            except ValueError as exc:
                raise EntryError(f"dosageInstruction[0].doseAndRate[{position}].doseQuantity.value: {exc}") from None
            unit = quantity.get("unit") or quantity.get("code")
            return amount, ctx.code(Medication, "dose_unit", unit, "doseQuantity.unit")
    return None, None


def times_per_day(repeat: dict) -> int | None:
    """frequency per period as a whole number of times a day (2 per 1 d -> 2, 1 per 8 h -> 3);
    None when it is not a whole number a day (once a week): instructions_text says it then."""
    if not repeat.get("period") or repeat.get("periodUnit") not in _PERIOD_DAYS:
        return None
    frequency = Decimal(str(repeat.get("frequency", 1)))
    per_day = frequency / (Decimal(str(repeat["period"])) * _PERIOD_DAYS[repeat["periodUnit"]])
    whole = per_day.to_integral_value()
    return int(whole) if whole >= 1 and abs(per_day - whole) < Decimal("0.000001") else None


def _date(text: str | None, where: str):
    if not text:
        return None
    try:
        return parse_local_date(text)
    except ValueError as exc:
        raise EntryError(f"{where}: {exc}") from None


# --- Encounter and Appointment ---------------------------------------------------------------

_ENCOUNTER_STATUS = {"planned": "booked", "arrived": "checked_in", "triaged": "checked_in",
                     "in-progress": "checked_in", "onleave": "checked_in", "finished": "fulfilled",
                     "cancelled": "cancelled", "unknown": "fulfilled"}
_APPOINTMENT_STATUS = {"proposed": "requested", "pending": "requested", "waitlist": "requested",
                       "booked": "booked", "arrived": "checked_in", "checked-in": "checked_in",
                       "fulfilled": "fulfilled", "cancelled": "cancelled", "noshow": "noshow"}
_VIRTUAL_WORDS = ("video", "virtual", "telehealth", "telemedicine")


def encounter(ctx: Context, entry: Entry) -> list[Row] | Skip | Retract:
    """A past (or current) visit, shown with the patient's appointments."""
    resource = entry.resource
    if resource.get("status") == "entered-in-error":
        return Retract(Appointment, {ctx.fhir_id(entry)})
    status = _ENCOUNTER_STATUS.get(resource.get("status"))
    if status is None:
        return Skip(f"status {resource.get('status')}")
    period = resource.get("period") or {}
    start = when(resource, "period")
    if start is None:
        return Skip("no start time")
    end = when(period, "end")
    class_code = (resource.get("class") or {}).get("code")
    location = next((ctx.display_of(loc.get("location")) for loc in resource.get("location") or []
                     if ctx.display_of(loc.get("location"))), None) or ctx.display_of(resource.get("serviceProvider"))
    reason = next((concept_label(c) for c in resource.get("reasonCode") or [] if concept_label(c)), None) \
        or next((concept_label(c) for c in resource.get("type") or [] if concept_label(c)), None)
    values = {
        "fhir_id": ctx.fhir_id(entry),
        "starts_at": start,
        "minutes": _minutes(start, end),
        "kind": "video" if class_code == "VR" else "in_person",
        "clinician": ctx.label(Appointment, "clinician", encounter_clinician(ctx, resource)),
        "location": ctx.label(Appointment, "location", location),
        "reason": ctx.label(Appointment, "reason", reason),
        "status": status,
    }
    return [Row(Appointment, "Encounter", values, ctx.patient_of(entry, "subject", resource.get("subject")))]


def appointment(ctx: Context, entry: Entry) -> list[Row] | Skip | Retract:
    """A scheduled visit, often in the future; the patient is one of its participants."""
    resource = entry.resource
    if resource.get("status") == "entered-in-error":
        return Retract(Appointment, {ctx.fhir_id(entry)})
    status = _APPOINTMENT_STATUS.get(resource.get("status"))
    if status is None:
        return Skip(f"status {resource.get('status')}")
    start = when(resource, "start")
    if start is None:
        return Skip("no start time yet")
    patient_key, clinician, location = None, None, None
    for position, participant in enumerate(resource.get("participant") or []):
        actor = participant.get("actor") or {}
        kind = _actor_type(ctx, actor, f"participant[{position}].actor")
        if kind == "Patient" and patient_key is None:
            patient_key = ctx.patient_of(entry, f"participant[{position}].actor", actor)
        elif kind == "Practitioner" and clinician is None:
            clinician = ctx.display_of(actor)
        elif kind == "Location" and location is None:
            location = ctx.display_of(actor)
    if patient_key is None:
        raise EntryError("participant: no participant is a Patient")
    minutes = resource.get("minutesDuration") or _minutes(start, when(resource, "end"))
    labels = " ".join(filter(None, [concept_label(resource.get("appointmentType"))] + [
        concept_label(c) for name in ("serviceType", "serviceCategory") for c in resource.get(name) or []]))
    reason = next((concept_label(c) for c in resource.get("reasonCode") or [] if concept_label(c)), None) \
        or resource.get("description")
    values = {
        "fhir_id": ctx.fhir_id(entry),
        "starts_at": start,
        "minutes": minutes,
        "kind": "video" if any(word in labels.lower() for word in _VIRTUAL_WORDS) else "in_person",
        "clinician": ctx.label(Appointment, "clinician", clinician),
        "location": ctx.label(Appointment, "location", location),
        "reason": ctx.label(Appointment, "reason", reason),
        "status": status,
    }
    return [Row(Appointment, "Appointment", values, patient_key)]


def _actor_type(ctx: Context, actor: dict, where: str) -> str | None:
    """What kind of resource a participant is: from the entry it points to, its type, or the
    reference itself ("Practitioner/1", "Practitioner?identifier=...")."""
    ref = actor.get("reference") or ""
    target = ctx.index.find(ref)
    if target is not None:
        return target.type
    if actor.get("type"):
        return actor["type"]
    if ref.startswith("urn:uuid:"):
        raise EntryError(f"{where}: {ref} is not in this bundle")
    if "?" in ref:
        return ref.split("?")[0].rsplit("/", 1)[-1] or None
    type_id = split_reference(ref)
    return type_id[0] if type_id else None


def _minutes(start, end) -> int:
    if end is None or end <= start:
        return 30
    return max(1, round((end - start).total_seconds() / 60))


# --- Condition and Immunization --------------------------------------------------------------

def condition(ctx: Context, entry: Entry) -> list[Row] | Skip | Retract:
    resource = entry.resource
    verification = first_code(resource.get("verificationStatus"))
    if verification == "entered-in-error":
        return Retract(Condition, {ctx.fhir_id(entry)})
    concept = resource.get("code")
    coding = coding_in(concept, SNOMED) or next(
        (c for c in (concept or {}).get("coding") or [] if c.get("code")), None)
    name = concept_label(concept) or (coding or {}).get("code")
    if not name:
        return Skip("no code or name")
    values = {
        "fhir_id": ctx.fhir_id(entry),
        "code": ctx.code(Condition, "code", (coding or {}).get("code"), "code"),
        "code_system": ctx.code(Condition, "code_system", (coding or {}).get("system"), "code"),
        "name": ctx.label(Condition, "name", name),
        "clinical_status": ctx.code(Condition, "clinical_status", first_code(resource.get("clinicalStatus")),
                                    "clinicalStatus"),
        "verification_status": ctx.code(Condition, "verification_status", verification, "verificationStatus"),
        "onset_at": when(resource, "onsetDateTime", "onsetPeriod"),
        "abated_at": when(resource, "abatementDateTime", "abatementPeriod"),
        "recorded_at": when(resource, "recordedDate"),
    }
    return [Row(Condition, "Condition", values, ctx.patient_of(entry, "subject", resource.get("subject")))]


def immunization(ctx: Context, entry: Entry) -> list[Row] | Skip | Retract:
    resource = entry.resource
    if resource.get("status") == "entered-in-error":
        return Retract(Immunization, {ctx.fhir_id(entry)})
    concept = resource.get("vaccineCode")
    cvx = coding_in(concept, CVX)
    name = concept_label(concept) or (cvx or {}).get("code")
    if not name:
        return Skip("no vaccine code or name")
    values = {
        "fhir_id": ctx.fhir_id(entry),
        "cvx_code": ctx.code(Immunization, "cvx_code", cvx["code"] if cvx else None, "vaccineCode"),
        "name": ctx.label(Immunization, "name", name),
        "status": ctx.code(Immunization, "status", resource.get("status"), "status"),
        "occurred_at": when(resource, "occurrenceDateTime"),
        "location": ctx.label(Immunization, "location", ctx.display_of(resource.get("location"))),
    }
    return [Row(Immunization, "Immunization", values, ctx.patient_of(entry, "patient", resource.get("patient")))]
