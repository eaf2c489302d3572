"""A result in plain words, in the patient's language, from gettext templates.

"Your result is 7.2 %. For most people it is between 4 and 5.6 %. Yours is higher."
Each sentence is a whole catalog entry, translated by a person, so no machine translation
ever touches a result. Numbers go through Babel, so Spanish reads "7,2 %".
"""
from __future__ import annotations

from decimal import Decimal

from flask_babel import format_decimal, gettext as _

from portal.results.reference_ranges import ShownRange
from portal.results.quantities import display_unit, plain_number


def number(value: Decimal) -> str:
    return format_decimal(plain_number(value))


def quantity(value: Decimal, unit: str | None) -> str:
    """"7.2 %", "162 mg/dL", "37 °C" in the patient's number format."""
    shown_unit = display_unit(unit)
    return f"{number(value)} {shown_unit}" if shown_unit else number(value)


def _lab_words(text: str) -> str:
    """The usual one-word answers of qualitative tests, in the patient's language; others as sent."""
    words = {
        "negative": _("Negative"), "positive": _("Positive"), "trace": _("Trace"),
        "not detected": _("Not detected"), "detected": _("Detected"),
        "normal": _("Normal"), "abnormal": _("Abnormal"),
    }
    return words.get(text.strip().lower(), text)


def value_in_words(result) -> str:
    if result.value is not None:
        return quantity(result.value, result.unit)
    return _lab_words(result.value_text or "")


def _range_sentence(rng: ShownRange, unit: str | None) -> str | None:
    if rng.low is not None and rng.high is not None:
        return _("For most people it is between %(low)s and %(high)s.", low=number(rng.low),
                 high=quantity(rng.high, unit))
    if rng.high is not None:
        return _("For most people it is below %(high)s.", high=quantity(rng.high, unit))
    if rng.low is not None:
        return _("For most people it is above %(low)s.", low=quantity(rng.low, unit))
    return None


def _compared(flag: str | None) -> str | None:
    return {"high": _("Yours is higher."), "low": _("Yours is lower."),
            "normal": _("Yours is in this range."), "abnormal": _("The lab marked it as not usual.")}.get(flag)


def _lab_marked(flag: str | None) -> str | None:
    return {"high": _("The lab marked it as higher than usual."),
            "low": _("The lab marked it as lower than usual."),
            "abnormal": _("The lab marked it as not usual."),
            "normal": _("The lab marked it as usual.")}.get(flag)


def explain(result, rng: ShownRange | None, flag: str | None) -> str:
    """Two or three short sentences: the value, what is usual, and how this one compares."""
    value = value_in_words(result)
    if not value:  # registered or preliminary results can arrive before their value
        return _("This result has no value yet.")
    sentences = [_("Your result is %(value)s.", value=value)]
    range_sentence = _range_sentence(rng, result.unit) if rng and result.value is not None else None
    if range_sentence:
        sentences += [range_sentence, _compared(flag)]
    elif rng and rng.text:
        sentences += [_("The usual result is %(range)s.", range=_lab_words(rng.text)), _lab_marked(flag)]
    else:
        sentences.append(_lab_marked(flag) or _("There is no usual range to compare it with."))
    if flag in ("high", "low", "abnormal"):
        sentences.append(_("Ask your care team what this means for you."))
    return " ".join(s for s in sentences if s)
