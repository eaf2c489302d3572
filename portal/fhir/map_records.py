"""Patient, Observation, DiagnosticReport and DocumentReference -> Patient, Result, ClinicalNote rows."""
from __future__ import annotations

import hashlib

from portal.fhir.bundle import Entry, EntryError, referenced_fhir_id
from portal.fhir.mapping import FHIR_ID_LENGTH, Context, Retract, Row, Skip, when
from portal.fhir.values import (
    BCP47, LOINC, attachment_text, concept_label, coding_in, decimal_for_column, first_code,
    parse_local_date, primary_language,
)
from portal.models import ClinicalNote, Patient, Result

KEPT_OBSERVATION_CATEGORIES = {"laboratory", "vital-signs"}
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"


# --- Patient ---------------------------------------------------------------------------------

def patient(ctx: Context, entry: Entry) -> list[Row]:
    resource = entry.resource
    given, family = _name(resource.get("name") or [])
    values = {
        "fhir_id": ctx.fhir_id(entry),
        "given_name": ctx.label(Patient, "given_name", given),
        "family_name": ctx.label(Patient, "family_name", family),
    }
    if resource.get("birthDate"):
        try:
            values["birth_date"] = parse_local_date(resource["birthDate"])
        except ValueError as exc:
            raise EntryError(f"birthDate: {exc}") from None
    language = preferred_language(resource.get("communication") or [])
    if language:
        # Left out when the EHR says nothing, so a re-import keeps what the portal has.
        values["preferred_language"] = ctx.code(Patient, "preferred_language", language, "communication")
    return [Row(Patient, "Patient", values)]


def _name(names: list[dict]) -> tuple[str, str]:
    chosen = next((n for n in names if n.get("use") == "official"), None) \
        or next((n for n in names if n.get("use") == "usual"), None) or (names[0] if names else None)
    if not chosen:
        raise EntryError("name: the patient has no name")
    given = " ".join(chosen.get("given") or []).strip()
    family = (chosen.get("family") or "").strip()
    if not given and not family and chosen.get("text"):
        *first, last = chosen["text"].split() or [""]
        given, family = " ".join(first), last
    if not given and not family:
        raise EntryError("name: the patient's name has no given or family part")
    return given, family


def preferred_language(communication: list[dict]) -> str | None:
    """Patient.communication: the entry marked preferred, else the first; its BCP 47 code's
    primary subtag ("es-MX" -> "es")."""
    if not communication:
        return None
    chosen = next((c for c in communication if c.get("preferred") is True), communication[0])
    concept = chosen.get("language") or {}
    coding = coding_in(concept, BCP47)
    code = coding["code"] if coding else first_code(concept)
    if not code:
        return None
    try:
        return primary_language(code)
    except ValueError as exc:
        raise EntryError(f"communication.language: {exc}") from None


# --- Observation -----------------------------------------------------------------------------

def observation(ctx: Context, entry: Entry) -> list[Row] | Skip | Retract:
    resource = entry.resource
    if resource.get("status") == "entered-in-error":
        fhir_id = ctx.fhir_id(entry)
        # Component rows are "<id>#<code>" (the prefix finds them all), or a hash of that when
        # it is too long, which only the components the retraction still carries can rebuild.
        keys = {component_fhir_id(fhir_id, key) for _, _, key in _component_codes(resource)}
        return Retract(Result, {fhir_id, *keys}, prefixes={f"{fhir_id}#"})
    categories = {coding.get("code") for concept in resource.get("category") or []
                  for coding in concept.get("coding") or []}
    if not categories & KEPT_OBSERVATION_CATEGORIES:
        shown = ", ".join(sorted(c for c in categories if c)) or "none"
        return Skip(f"category {shown}")
    loinc = coding_in(resource.get("code"), LOINC)
    if not loinc:
        return Skip("not LOINC coded")
    effective = when(resource, "effectiveDateTime", "effectivePeriod", "effectiveInstant", "issued")
    if effective is None:
        return Skip("no effective time")
    patient_key = ctx.patient_of(entry, "subject", resource.get("subject"))
    fhir_id = ctx.fhir_id(entry)
    name = concept_label(resource.get("code")) or loinc["code"]
    common = {"status": ctx.code(Result, "status", resource.get("status"), "status"), "effective_at": effective}

    rows = []
    components = resource.get("component") or []
    if not components or _has_value(resource):
        values = {"fhir_id": fhir_id, "loinc_code": ctx.code(Result, "loinc_code", loinc["code"], "code"),
                  "name": ctx.label(Result, "name", name), "panel": None, **common,
                  **_measurement(ctx, resource, "")}
        rows.append(Row(Result, "Observation", values, patient_key))
    # A panel such as blood pressure (85354-9) is one row per component (8480-6 systolic,
    # 8462-4 diastolic): the portal shows, flags and trends each number on its own.
    for position, code, key in _component_codes(resource):
        component = components[position]
        where = f"component[{position}]"
        values = {"fhir_id": component_fhir_id(fhir_id, key),
                  "loinc_code": ctx.code(Result, "loinc_code", code["code"], f"{where}.code"),
                  "name": ctx.label(Result, "name", concept_label(component.get("code")) or code["code"]),
                  "panel": ctx.label(Result, "panel", name), **common,
                  **_measurement(ctx, component, f"{where}.")}
        rows.append(Row(Result, "Observation", values, patient_key))
    if not rows:
        return Skip("no LOINC-coded value or component")
    return rows


def _component_codes(resource: dict) -> list[tuple[int, dict, str]]:
    """(position, LOINC coding, key) of each LOINC-coded component; the key is the code, or
    "<code>.<position>" when the code came earlier in the same Observation."""
    found, seen = [], set()
    for position, component in enumerate(resource.get("component") or []):
        code = coding_in(component.get("code"), LOINC)
        if code:
            found.append((position, code, code["code"] if code["code"] not in seen else f"{code['code']}.{position}"))
            seen.add(code["code"])
    return found


def component_fhir_id(observation_id: str, code: str) -> str:
    """A stable key for one component row: "<observation id>#<LOINC>" ('#' never occurs in a
    FHIR id), hashed when that would not fit in the column."""
    key = f"{observation_id}#{code}"
    if len(key) <= FHIR_ID_LENGTH:
        return key
    return hashlib.sha256(key.encode()).hexdigest()[:FHIR_ID_LENGTH]


_VALUE_FIELDS = ("valueQuantity", "valueCodeableConcept", "valueString", "valueBoolean", "valueInteger",
                 "valueRange", "valueRatio", "valueTime", "valueDateTime", "valuePeriod", "valueSampledData")


def _has_value(element: dict) -> bool:
    return any(name in element for name in _VALUE_FIELDS)


def _measurement(ctx: Context, element: dict, where: str) -> dict:
    """value / value_text / unit, interpretation and the lab's reference range of an
    Observation or one of its components."""
    values = {"value": None, "value_text": None, "unit": None, "interpretation": None,
              "range_low": None, "range_high": None, "range_text": None, "range_source": None}
    quantity = element.get("valueQuantity")
    if quantity is not None:
        unit = quantity.get("unit") or quantity.get("code")
        values["unit"] = ctx.code(Result, "unit", unit, f"{where}valueQuantity.unit")
        if quantity.get("value") is not None:
            number = _number(quantity["value"], f"{where}valueQuantity.value")
            if quantity.get("comparator"):
                # "<0.5" is not 0.5: keep it as text so it is never plotted or flagged as 0.5.
                values["value_text"] = f"{quantity['comparator']} {quantity['value']}"
            else:
                values["value"] = number
    elif "valueCodeableConcept" in element:
        values["value_text"] = concept_label(element["valueCodeableConcept"])
    elif "valueString" in element:
        values["value_text"] = element["valueString"]
    elif "valueInteger" in element:
        values["value"] = _number(element["valueInteger"], f"{where}valueInteger")
    elif "valueBoolean" in element:
        values["value_text"] = "true" if element["valueBoolean"] else "false"
    elif "valueRange" in element:
        low, high = element["valueRange"].get("low") or {}, element["valueRange"].get("high") or {}
        values["value_text"] = f"{low.get('value', '')}–{high.get('value', '')}".strip("–")
        values["unit"] = ctx.code(Result, "unit", low.get("unit") or high.get("unit"), f"{where}valueRange.unit")
    elif "valueRatio" in element:
        top, bottom = element["valueRatio"].get("numerator") or {}, element["valueRatio"].get("denominator") or {}
        values["value_text"] = f"{top.get('value', '')}:{bottom.get('value', '')}"
    elif "valueTime" in element or "valueDateTime" in element:
        values["value_text"] = element.get("valueTime") or element.get("valueDateTime")
    elif "dataAbsentReason" in element:
        values["value_text"] = concept_label(element["dataAbsentReason"])
    values["value_text"] = ctx.label(Result, "value_text", values["value_text"])

    for concept in element.get("interpretation") or []:
        coding = coding_in(concept, INTERPRETATION)
        code = coding["code"] if coding else first_code(concept)
        if code:
            values["interpretation"] = ctx.code(Result, "interpretation", code, f"{where}interpretation")
            break

    ranges = element.get("referenceRange") or []
    if ranges:
        first = ranges[0]
        if (first.get("low") or {}).get("value") is not None:
            values["range_low"] = _number(first["low"]["value"], f"{where}referenceRange[0].low.value")
        if (first.get("high") or {}).get("value") is not None:
            values["range_high"] = _number(first["high"]["value"], f"{where}referenceRange[0].high.value")
        values["range_text"] = ctx.label(Result, "range_text", first.get("text"))
        if any(values[k] is not None for k in ("range_low", "range_high", "range_text")):
            values["range_source"] = "lab"
    return values


def _number(value, where: str):
    try:
        return decimal_for_column(value, places=4, digits=14)
    except ValueError as exc:
        raise EntryError(f"{where}: {exc}") from None


# --- DiagnosticReport ------------------------------------------------------------------------

def diagnostic_report(ctx: Context, entry: Entry) -> list[Row] | Skip | Retract:
    """Gives its name to the Observations it groups (the panel); its presentedForm becomes a
    note only when it is text and no DocumentReference in the bundle already carries it."""
    resource = entry.resource
    panel = concept_label(resource.get("code"))
    if resource.get("status") == "entered-in-error":
        return _retract_report(ctx, entry, panel)
    grouped = 0
    for position, reference in enumerate(resource.get("result") or []):
        target = ctx.index.find((reference or {}).get("reference") or "")
        if target is None:
            ctx.warnings.append(f"{entry.describe()}: result[{position}] {reference.get('reference')!r} "
                                "is not in this bundle; its panel name was not set")
        elif target.type == "Observation" and panel:
            ctx.panels[target.index] = panel
            grouped += 1
    if _report_keys(entry) & ctx.reports_with_document:
        return Skip("grouped results" if grouped else "its text is in a DocumentReference", used=True)
    for position, form in enumerate(resource.get("presentedForm") or []):
        try:
            text = attachment_text(form)
        except ValueError as exc:
            raise EntryError(f"presentedForm[{position}]: {exc}") from None
        if text:
            written = when(resource, "issued", "effectiveDateTime", "effectivePeriod")
            if written is None:
                raise EntryError("issued: a report with a note needs a date (issued or effective)")
            author = next((ctx.display_of(p) for p in resource.get("performer") or [] if ctx.display_of(p)), None)
            return [_note_row(ctx, entry, "subject", panel or "Report", author, written, text,
                              form.get("language"))]
    if grouped:
        return Skip("grouped results", used=True)
    return Skip("no text and no kept results")


def _retract_report(ctx: Context, entry: Entry, panel: str | None) -> Retract:
    """The note the report made has the report's fhir_id. Its panel name on Observations in
    this bundle goes by itself (they are re-imported without it); from those imported before,
    the Retract clears it."""
    grouped = set()
    for reference in entry.resource.get("result") or []:
        ref = (reference or {}).get("reference") or ""
        key = referenced_fhir_id(ref, "Observation") if panel and ctx.index.find(ref) is None else None
        if key:
            grouped.add(key)
    return Retract(ClinicalNote, {ctx.fhir_id(entry)}, panel=ctx.label(Result, "panel", panel), grouped=grouped)


def _report_keys(entry: Entry) -> set[str]:
    keys = {entry.full_url} if entry.full_url else set()
    if entry.id:
        keys.add(f"DiagnosticReport/{entry.id}")
    return keys


def note_links(entry: Entry) -> set[str]:
    """The DiagnosticReports a DocumentReference says it carries: context.related, or (as
    Synthea writes it) an identifier whose value is the report's fullUrl."""
    resource = entry.resource
    links = {identifier.get("value") for identifier in resource.get("identifier") or []
             if isinstance(identifier, dict) and identifier.get("value")}
    for related in (resource.get("context") or {}).get("related") or []:
        if isinstance(related, dict) and related.get("reference"):
            links.add(related["reference"])
    return links


# --- DocumentReference -----------------------------------------------------------------------

def document_reference(ctx: Context, entry: Entry) -> list[Row] | Skip | Retract:
    resource = entry.resource
    if resource.get("status") == "entered-in-error" or resource.get("docStatus") == "entered-in-error":
        return Retract(ClinicalNote, {ctx.fhir_id(entry)})
    text, language = None, None
    for position, content in enumerate(resource.get("content") or []):
        attachment = content.get("attachment") or {}
        try:
            text = attachment_text(attachment)
        except ValueError as exc:
            raise EntryError(f"content[{position}].attachment: {exc}") from None
        if text is not None:
            language = attachment.get("language")
            break
    if text is None:
        return Skip("no inline text/plain or text/html attachment")
    if not text:
        return Skip("empty note")
    context = resource.get("context") or {}
    written = when(resource, "date") or when(context, "period")
    if written is None:
        return Skip("no date")
    kind = concept_label(resource.get("type")) or next(
        (concept_label(c) for c in resource.get("category") or [] if concept_label(c)), None)
    author = next((ctx.display_of(a) for a in resource.get("author") or [] if ctx.display_of(a)), None)
    if author is None:
        author = _encounter_clinician(ctx, context.get("encounter") or [])
    return [_note_row(ctx, entry, "subject", kind or "Clinical note", author, written, text, language)]


def _encounter_clinician(ctx: Context, encounters: list[dict]) -> str | None:
    for reference in encounters:
        target = ctx.index.find((reference or {}).get("reference") or "")
        if target is not None and target.type == "Encounter":
            return encounter_clinician(ctx, target.resource)
    return None


def encounter_clinician(ctx: Context, encounter: dict) -> str | None:
    """The primary performer of an Encounter, else its first participant with a name."""
    participants = encounter.get("participant") or []
    primary = [p for p in participants if any(
        coding.get("code") == "PPRF" for concept in p.get("type") or [] for coding in concept.get("coding") or [])]
    for participant in primary + participants:
        name = ctx.display_of(participant.get("individual"))
        if name:
            return name
    return None


def _note_row(ctx: Context, entry: Entry, subject_field: str, kind: str, author: str | None,
              written, text: str, language: str | None) -> Row:
    values = {
        "fhir_id": ctx.fhir_id(entry),
        "kind": ctx.label(ClinicalNote, "kind", kind),
        # Empty, not a made-up name, when the EHR does not say; the page shows nothing then.
        "author": ctx.label(ClinicalNote, "author", author or ""),
        "written_at": written,
        "text": text,
    }
    if language:
        try:
            values["language"] = primary_language(language)
        except ValueError as exc:
            raise EntryError(f"attachment.language: {exc}") from None
    patient_key = ctx.patient_of(entry, subject_field, entry.resource.get(subject_field))
    return Row(ClinicalNote, entry.type, values, patient_key)
