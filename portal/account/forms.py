"""The user's own settings."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField

from portal.config import INTERFACE_LANGUAGES
from portal.models import ReadingLevel


class SettingsForm(FlaskForm):
    language = SelectField(
        _l("Language for the portal"),
        choices=list(INTERFACE_LANGUAGES.items()),
    )
    reading_level = RadioField(
        _l("How should notes and messages open?"),
        choices=[
            (ReadingLevel.STANDARD.value, _l("As the clinic wrote them")),
            (ReadingLevel.SIMPLER.value, _l("In simpler words")),
            (ReadingLevel.SIMPLEST.value, _l("In the simplest words, with short sentences")),
        ],
    )
