"""Form pieces every area shares: choice lists, checkboxes, and cleaning of one-line fields."""
from __future__ import annotations

import re
import secrets
from typing import Iterable, Mapping

from wtforms import HiddenField, SelectMultipleField
from wtforms.fields import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from portal.config import INTERFACE_LANGUAGES

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def without_control_characters(value: str | None) -> str | None:
    """One-line fields: nobody types a control character on purpose (and PostgreSQL refuses NUL),
    so they are dropped rather than turned into an error about something the person cannot see."""
    return _CONTROL_CHARACTERS.sub("", value) if value else value


def choices(options: Mapping | Iterable[tuple]) -> list[SelectChoice]:
    """(value, label) pairs or a {value: label} mapping as WTForms choices."""
    pairs = options.items() if isinstance(options, Mapping) else options
    return [SelectChoice(value, label) for value, label in pairs]


def language_choices() -> list[SelectChoice]:
    # Each language named in itself and marked with lang= so screen readers say it right.
    return [SelectChoice(code, name, render_kw={"lang": code}) for code, name in INTERFACE_LANGUAGES.items()]


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (rendered with the `radios` macro: a fieldset and a legend)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def new_idempotency_key() -> str:
    """The key a form carries so that a resend or a double tap stores one thing, not two."""
    return secrets.token_hex(16)


def idempotency_key_field() -> HiddenField:
    return HiddenField(default=new_idempotency_key)


def usable_idempotency_key(key: str | None) -> str | None:
    """The form's key if this site could have made it; None for a missing or forged one."""
    return key if key and _IDEMPOTENCY_KEY.fullmatch(key) else None
