"""Which interface language a request gets, and the cookie that remembers an explicit choice."""
from __future__ import annotations

from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user

from portal.config import INTERFACE_LANGUAGES, RIGHT_TO_LEFT

LANGUAGE_COOKIE = "lang"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600


def select_locale() -> str:
    """The signed-in user's preference, then the cookie, then the browser's Accept-Language."""
    if current_user and current_user.is_authenticated:
        preferred = current_user.preferred_language
        if preferred in INTERFACE_LANGUAGES:
            return preferred
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in INTERFACE_LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(INTERFACE_LANGUAGES)) or "en"


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def current_language() -> str:
    return str(get_locale() or "en")


def text_direction(language: str) -> str:
    return "rtl" if language.split("_")[0] in RIGHT_TO_LEFT else "ltr"


def remember_language(response, language: str):
    """Keep an explicit choice for visitors who are not signed in (and after sign-out)."""
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_MAX_AGE,
                        httponly=True, samesite="Lax")
    return response


def content_language(record_language: str | None, interface_language: str) -> str:
    """The language a patient reads notes and messages in.

    The record's language (FHIR Patient.communication) wins when it is not English, because it
    may be one the interface does not offer yet (Vietnamese, Tagalog...); otherwise the
    interface language the person chose.
    """
    if record_language and record_language != "en":
        return record_language
    return interface_language
