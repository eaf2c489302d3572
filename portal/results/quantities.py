"""Numbers and units as a patient reads them, and units as the portal compares them.

Numeric columns keep trailing zeros ("7.2000") that a patient should not see.

Feeds send UCUM codes ("mm[Hg]", "10*3/uL", "mL/min/{1.73_m2}"); a patient should read
"mmHg", "×10³/µL". Comparing units ignores UCUM annotations in braces ("{INR}", "mg/g{creat}"),
which carry no meaning for the number, so a portal range is used only when the units agree.
"""
from __future__ import annotations

import re
from decimal import Decimal

_ANNOTATION = re.compile(r"\{[^}]*\}")

# Written out where the UCUM code would puzzle a patient; anything else is shown as sent.
_DISPLAY = {
    "mm[Hg]": "mmHg",
    "Cel": "°C",
    "[degF]": "°F",
    "10*3/uL": "×10³/µL",
    "10*6/uL": "×10⁶/µL",
    "10*9/L": "×10⁹/L",
    "10*12/L": "×10¹²/L",
    "m[IU]/L": "mIU/L",
    "u[IU]/mL": "µIU/mL",
    "kg/m2": "kg/m²",
    "mL/min/{1.73_m2}": "mL/min/1.73 m²",
    "[pH]": "",
}

# Spellings that mean the same unit, folded to one key (after lower-casing and dropping braces).
_SAME_UNIT = {
    "mmhg": "mm[hg]",
    "°c": "cel",
    "degc": "cel",
    "u[iu]/ml": "m[iu]/l",
    "uiu/ml": "m[iu]/l",
    "µiu/ml": "m[iu]/l",
    "miu/l": "m[iu]/l",
    "10^3/ul": "10*3/ul",
    "k/ul": "10*3/ul",
    "x10e3/ul": "10*3/ul",
    "10*9/l": "10*3/ul",
    "10^6/ul": "10*6/ul",
    "m/ul": "10*6/ul",
    "x10e6/ul": "10*6/ul",
    "10*12/l": "10*6/ul",
    "iu/l": "u/l",
    "[ph]": "",
    "ratio": "",
    "kg/m^2": "kg/m2",
    "ml/min/1.73m2": "ml/min/",
    "ml/min/1.73_m2": "ml/min/",
    "beats/min": "/min",
    "bpm": "/min",
    "ug/l": "ng/ml",
}


def unit_key(unit: str | None) -> str:
    """A comparable form: "mg/g{creat}" and "mg/g" agree; "mg/dL" and "mmol/L" do not."""
    key = _ANNOTATION.sub("", (unit or "").strip()).replace(" ", "").lower()
    return _SAME_UNIT.get(key, key)


def display_unit(unit: str | None) -> str:
    if not unit:
        return ""
    unit = unit.strip()
    if unit in _DISPLAY:
        return _DISPLAY[unit]
    return _ANNOTATION.sub("", unit).replace("uL", "µL").strip()


def plain_number(value: Decimal | None) -> Decimal | None:
    """7.2000 -> 7.2, 100.0000 -> 100 (not 1E+2)."""
    if value is None:
        return None
    normalized = value.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral() else normalized
