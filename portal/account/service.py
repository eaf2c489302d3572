"""Saving a user's preferences."""
from __future__ import annotations

from portal.extensions import db
from portal.models import ReadingLevel, User


def save_settings(user: User, language: str | None = None, reading_level: str | None = None) -> None:
    if language is not None:
        user.preferred_language = language
    if reading_level is not None:
        user.reading_level = ReadingLevel(reading_level)
    db.session.commit()
