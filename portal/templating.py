"""What every template can use: language helpers, navigation, and number and date formats."""
from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask import Flask
from flask_babel import format_currency, format_date, format_datetime, format_decimal, format_time

from portal.access import acting_for
from portal.config import INTERFACE_LANGUAGES
from portal.language.locale import current_language, text_direction
from portal.navigation import main_navigation
from portal.results.service import flag_for, plain_number

def language_name(code: str | None) -> str:
    """"es" -> "Spanish" (or "español" when the interface is in Spanish), as the language writes it."""
    if not code:
        return ""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(current_language())
    except (ValueError, UnknownLocaleError):
        return code
    return name or code


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        current_language=current_language,
        text_direction=text_direction,
        interface_languages=INTERFACE_LANGUAGES,
        main_navigation=main_navigation,
        acting_for=acting_for,
        language_name=language_name,
        flag_for=flag_for,
        format_date=format_date,
        format_datetime=format_datetime,
        format_time=format_time,
        format_decimal=format_decimal,
        format_currency=format_currency,
    )
    app.jinja_env.filters["plain_number"] = plain_number
