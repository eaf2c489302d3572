"""The user's own settings."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.fields import SelectChoice

from portal.forms import language_choices
from portal.models import ReadingLevel


class SettingsForm(FlaskForm):
    language = SelectField(
        _l("Language for the portal"),
        choices=language_choices(),
    )
    reading_level = RadioField(
        _l("How should notes and messages open?"),
        choices=[
            SelectChoice(ReadingLevel.STANDARD.value, _l("As the clinic wrote them")),
            SelectChoice(ReadingLevel.SIMPLER.value, _l("In simpler words")),
            SelectChoice(ReadingLevel.SIMPLEST.value, _l("In the simplest words, with short sentences")),
        ],
    )
