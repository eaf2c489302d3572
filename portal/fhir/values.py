"""FHIR datatypes turned into the plain Python values the portal's columns hold.

Every function raises ValueError with a short, human-readable reason; the mapping adds which
entry and which field it was.
"""
from __future__ import annotations

import base64
import binascii
import html
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

import nh3

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
CVX = "http://hl7.org/fhir/sid/cvx"
BCP47 = "urn:ietf:bcp:47"

# FHIR dateTime: a year, year-month, date, or date-time with a zone (Z or +hh:mm).
_FHIR_DATETIME = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$")


def parse_datetime(text: str) -> datetime:
    """A FHIR date, dateTime or instant as an aware UTC datetime.

    UTC because SQLite keeps no offset: a wall-clock time with its offset dropped would be
    shown hours off. A partial date ("2020", "2020-05") means its first day, at midnight UTC.
    """
    match = _FHIR_DATETIME.match(text or "")
    if not match:
        raise ValueError(f"{text!r} is not a FHIR date or dateTime")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if hour is not None and zone is None:
        raise ValueError(f"{text!r} has a time but no time zone")
    try:
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        value = datetime(int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0),
                         int(second or 0), micro, tzinfo=timezone.utc)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date or time ({exc})") from None
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        value = value.replace(tzinfo=timezone(sign * _offset(zone[1:]))).astimezone(timezone.utc)
    return value


def _offset(hh_mm: str) -> timedelta:
    hours, minutes = hh_mm.split(":")
    return timedelta(hours=int(hours), minutes=int(minutes))


def parse_local_date(text: str) -> date:
    """The calendar date as written (a prescription written on the 10th is dated the 10th,
    whatever its UTC time)."""
    match = _FHIR_DATETIME.match(text or "")
    if not match:
        raise ValueError(f"{text!r} is not a FHIR date or dateTime")
    year, month, day = match.group(1), match.group(2), match.group(3)
    try:
        return date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date ({exc})") from None


def decimal_for_column(value, places: int, digits: int) -> Decimal:
    """A FHIR decimal rounded to the column's scale; refuse what the column cannot hold
    (PostgreSQL would fail the whole transaction later with a less helpful message)."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    number = number.quantize(Decimal(1).scaleb(-places))
    if abs(number) >= Decimal(10) ** (digits - places):
        raise ValueError(f"{value} is too large to store (at most {digits - places} digits before the point)")
    return number


# SNOMED CT fully specified names end with a semantic tag a patient does not need to read:
# "Loss of teeth (disorder)" is shown as "Loss of teeth".
_SNOMED_TAG = re.compile(
    r"\s+\((?:disorder|finding|procedure|situation|qualifier value|regime/therapy|observable entity|"
    r"morphologic abnormality|body structure|substance|product|medicinal product|event|"
    r"record artifact|environment|physical object|person|occupation|navigational concept|"
    r"assessment scale|attribute|specimen|social concept)\)$")


def clean_label(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(str(text).split())
    return _SNOMED_TAG.sub("", text) or None


def concept_label(concept: dict | None) -> str | None:
    """What a CodeableConcept says in words: its text, else the first coding's display."""
    if not concept:
        return None
    if concept.get("text"):
        return clean_label(concept["text"])
    for coding in concept.get("coding") or []:
        if coding.get("display"):
            return clean_label(coding["display"])
    return None


def coding_in(concept: dict | None, system: str) -> dict | None:
    for coding in (concept or {}).get("coding") or []:
        if coding.get("system") == system and coding.get("code"):
            return coding
    return None


def first_code(concept: dict | None) -> str | None:
    for coding in (concept or {}).get("coding") or []:
        if coding.get("code"):
            return coding["code"]
    return None


# ISO 639-2 codes some EHRs send where BCP 47 wants the two-letter code, for the languages
# the portal serves.
_THREE_LETTER = {
    "eng": "en", "spa": "es", "vie": "vi", "zho": "zh", "chi": "zh", "tgl": "tl", "fil": "tl",
    "ara": "ar", "kor": "ko", "rus": "ru", "hat": "ht", "por": "pt", "fra": "fr", "fre": "fr",
}
_LANGUAGE_TAG = re.compile(r"^([A-Za-z]{2,8})(?:[-_][A-Za-z0-9]{1,8})*$")


def primary_language(code: str) -> str:
    """BCP 47 tag -> its primary language subtag: "en-US" -> "en", "es" -> "es"."""
    match = _LANGUAGE_TAG.match((code or "").strip())
    if not match:
        raise ValueError(f"{code!r} is not a BCP 47 language tag")
    primary = match.group(1).lower()
    return _THREE_LETTER.get(primary, primary)


# Block-level tags end a line; without this "<p>One</p><p>Two</p>" would read "OneTwo".
# A list item starts its own line ("- "), so </li> needs no break of its own.
_BREAK = re.compile(r"<br\s*/?>|</(?:p|div|tr|h[1-6]|table|ul|ol|pre|blockquote|section|article)\s*>",
                    re.IGNORECASE)
_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.IGNORECASE)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML note. nh3 (a real HTML parser) removes every tag, and the content
    of script and style, so nothing from the markup can reach a page; then entities are undone."""
    markup = " ".join(markup.split())
    markup = _LIST_ITEM.sub("\n- ", _BREAK.sub("\n", markup))
    text = html.unescape(nh3.clean(markup, tags=set()))
    return tidy_text(text, collapse_spaces=True)


def tidy_text(text: str, collapse_spaces: bool = False) -> str:
    """Unix line ends, no trailing spaces, at most one blank line in a row. Spaces inside a
    line are kept in plain text (a clinician may have aligned a table) and collapsed in HTML."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if collapse_spaces:
        # Only ASCII spaces: a no-break space keeps "7.2&nbsp;%" together on a narrow screen.
        text = "\n".join(re.sub(r"[ \t\f\v]+", " ", line).strip(" ") for line in lines)
    else:
        text = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def attachment_text(attachment: dict) -> str | None:
    """The text of a text/plain or text/html attachment with inline data; None for any other
    kind (PDF, images, or a URL the importer will not fetch)."""
    content_type = (attachment.get("contentType") or "").lower()
    mime, _, params = content_type.partition(";")
    mime = mime.strip()
    if mime not in ("text/plain", "text/html") or not attachment.get("data"):
        return None
    try:
        raw = base64.b64decode(attachment["data"], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("attachment data is not valid base64") from None
    charset = "utf-8"
    match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", params)
    if match:
        charset = match.group(1)
    try:
        text = raw.decode(charset)
    except LookupError:
        raise ValueError(f"attachment charset {charset!r} is unknown") from None
    except UnicodeDecodeError:
        raise ValueError(f"attachment data is not valid {charset} text") from None
    text = text.lstrip("\ufeff")
    return html_to_text(text) if mime == "text/html" else tidy_text(text)
