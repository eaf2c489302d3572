"""How to take a medicine, in plain words in the reader's language, built from the structured dose
and timing (Medication.dose_quantity, dose_unit, route, times_per_day, as_needed) through the
catalogs: never machine-translated, so "1 tablet 2 times a day" cannot become anything else.

Translators get whole phrases ("%(amount)s tablets", "Take %(dose)s by mouth") rather than loose
words, so each language can order and inflect them its own way.
"""
from __future__ import annotations

from decimal import Decimal

from flask_babel import format_decimal, gettext as _, ngettext

from portal.models import Medication

# How EHRs spell units (FHIR doseQuantity.unit, UCUM codes, pharmacy shorthand) -> our key.
_UNIT_KEYS = {
    "tablet": "tablet", "tablets": "tablet", "tab": "tablet", "tabs": "tablet", "tablet(s)": "tablet",
    "{tbl}": "tablet",
    "capsule": "capsule", "capsules": "capsule", "cap": "capsule", "caps": "capsule", "capsule(s)": "capsule",
    "puff": "puff", "puffs": "puff", "puff(s)": "puff", "inhalation": "puff", "actuation": "puff",
    "{puff}": "puff",
    "unit": "unit", "units": "unit", "unit(s)": "unit", "u": "unit", "[iu]": "unit", "iu": "unit",
    "drop": "drop", "drops": "drop", "drop(s)": "drop", "gtt": "drop", "[drp]": "drop",
    "patch": "patch", "patches": "patch",
    "spray": "spray", "sprays": "spray",
    "mg": "mg", "mcg": "mcg", "ug": "mcg", "µg": "mcg", "g": "g", "ml": "mL",
}

# How EHRs spell routes (FHIR route display, SNOMED CT names, abbreviations) -> our key.
_ROUTE_KEYS = {
    "oral": "oral", "by mouth": "oral", "po": "oral", "orally": "oral", "oral route": "oral", "oral use": "oral",
    "sublingual": "sublingual", "sl": "sublingual", "sublingual route": "sublingual",
    "inhaled": "inhaled", "inhalation": "inhaled", "inh": "inhaled", "respiratory tract route": "inhaled",
    "inhalation route": "inhaled",
    "nasal": "nasal", "intranasal": "nasal", "nasal route": "nasal",
    "subcutaneous": "subcutaneous", "subcut": "subcutaneous", "subq": "subcutaneous", "sq": "subcutaneous",
    "sc": "subcutaneous", "subcutaneous route": "subcutaneous",
    "topical": "skin", "cutaneous": "skin", "transdermal": "skin", "topical route": "skin",
    "transdermal route": "skin", "on the skin": "skin",
    "ophthalmic": "eye", "ophthalmic route": "eye", "eye": "eye",
    "otic": "ear", "otic route": "ear", "ear": "ear",
}


def _dose(quantity: Decimal, unit: str | None) -> str:
    """"1 tablet", "2 puffs", "0,5 tabletas", "3 sachet" (an unknown unit is shown as written)."""
    number = format_decimal(quantity)
    # gettext's plural formulas take whole numbers; a fraction takes the form of 0, which is the
    # plural in English and Spanish ("0.5 tablets", "0,5 tabletas").
    n = int(quantity) if quantity == quantity.to_integral_value() else 0
    key = _UNIT_KEYS.get((unit or "").strip().lower())
    if key == "tablet":
        return ngettext("%(amount)s tablet", "%(amount)s tablets", n, amount=number)
    if key == "capsule":
        return ngettext("%(amount)s capsule", "%(amount)s capsules", n, amount=number)
    if key == "puff":
        return ngettext("%(amount)s puff", "%(amount)s puffs", n, amount=number)
    if key == "unit":
        return ngettext("%(amount)s unit", "%(amount)s units", n, amount=number)
    if key == "drop":
        return ngettext("%(amount)s drop", "%(amount)s drops", n, amount=number)
    if key == "patch":
        return ngettext("%(amount)s patch", "%(amount)s patches", n, amount=number)
    if key == "spray":
        return ngettext("%(amount)s spray", "%(amount)s sprays", n, amount=number)
    if key == "mg":
        return _("%(amount)s mg", amount=number)
    if key == "mcg":
        return _("%(amount)s mcg", amount=number)
    if key == "g":
        return _("%(amount)s g", amount=number)
    if key == "mL":
        return _("%(amount)s mL", amount=number)
    return f"{number} {unit.strip()}" if unit and unit.strip() else number


def _how(dose: str, route: str | None) -> str:
    """"Take 1 tablet by mouth": the action, the dose and the way it goes into the body."""
    key = _ROUTE_KEYS.get((route or "").strip().lower())
    if key == "oral":
        return _("Take %(dose)s by mouth", dose=dose)
    if key == "sublingual":
        return _("Put %(dose)s under your tongue", dose=dose)
    if key == "inhaled":
        return _("Breathe in %(dose)s", dose=dose)
    if key == "nasal":
        return _("Use %(dose)s in your nose", dose=dose)
    if key == "subcutaneous":
        return _("Inject %(dose)s under the skin", dose=dose)
    if key == "skin":
        return _("Put %(dose)s on the skin", dose=dose)
    if key == "eye":
        return _("Put %(dose)s in the eye", dose=dose)
    if key == "ear":
        return _("Put %(dose)s in the ear", dose=dose)
    if route and route.strip():
        return _("Use %(dose)s (%(route)s)", dose=dose, route=route.strip())
    return _("Use %(dose)s", dose=dose)


def _when(times_per_day: int | None, as_needed: bool) -> str | None:
    times = times_per_day if times_per_day and times_per_day > 0 else None
    if as_needed and times:
        return ngettext("when you need it, up to %(num)d time a day",
                        "when you need it, up to %(num)d times a day", times)
    if as_needed:
        return _("when you need it")
    if times:
        return ngettext("%(num)d time a day", "%(num)d times a day", times)
    return None


def plain_instructions(medication: Medication) -> str | None:
    """"Take 1 tablet by mouth 2 times a day." in the current interface language, or None when the
    record has no dose (then only the prescriber's own words can say how to take it)."""
    if medication.dose_quantity is None:
        return None
    how = _how(_dose(Decimal(medication.dose_quantity), medication.dose_unit), medication.route)
    when = _when(medication.times_per_day, medication.as_needed)
    if when is None:
        return _("%(how)s.", how=how)
    # TRANSLATORS: how = "Take 1 tablet by mouth", when = "2 times a day" / "when you need it".
    return _("%(how)s %(when)s.", how=how, when=when)
