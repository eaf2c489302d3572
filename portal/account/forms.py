"""The user's own settings."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.fields import SelectChoice

from portal.config import INTERFACE_LANGUAGES
from portal.models import ReadingLevel


class SettingsForm(FlaskForm):
    language = SelectField(
        _l("Language for the portal"),
        # Each language named in itself and marked with lang= so screen readers say it right.
        choices=[SelectChoice(code, name, render_kw={"lang": code}) for code, name in INTERFACE_LANGUAGES.items()],
    )
    reading_level = RadioField(
        _l("How should notes and messages open?"),
        choices=[
            SelectChoice(ReadingLevel.STANDARD.value, _l("As the clinic wrote them")),
            SelectChoice(ReadingLevel.SIMPLER.value, _l("In simpler words")),
            SelectChoice(ReadingLevel.SIMPLEST.value, _l("In the simplest words, with short sentences")),
        ],
    )
