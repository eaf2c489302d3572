"""Forms: giving a helper access, enrolling an account, activating it."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.fields import DateField, SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.config import INTERFACE_LANGUAGES
from portal.models import Scope
from portal.proxy.service import clinic_today, latest_grant_day

# What a helper may see, in the words a patient uses (also used to show a grant's areas).
SCOPE_LABELS = {
    Scope.RESULTS: _l("Test results"),
    Scope.NOTES: _l("Notes from the care team"),
    Scope.MESSAGES: _l("Messages"),
    Scope.MEDICATIONS: _l("Medicines"),
    Scope.APPOINTMENTS: _l("Visits"),
    Scope.BILLING: _l("Bills"),
    Scope.FORMS: _l("Forms"),
}
UNTIL_A_DATE = "date"
_USERNAME = r"^[A-Za-z0-9][A-Za-z0-9._@+-]*$"
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def without_control_characters(value: str | None) -> str | None:
    """One-line fields: nobody types a control character on purpose (and PostgreSQL refuses NUL),
    so they are dropped rather than turned into an error about something the person cannot see."""
    return _CONTROL_CHARACTERS.sub("", value) if value else value


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (rendered by the `radios` macro, which lists the options)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _language_choices():
    # Each language named in itself and marked with lang= so screen readers say it right.
    return [SelectChoice(code, name, render_kw={"lang": code}) for code, name in INTERFACE_LANGUAGES.items()]


class GrantForm(FlaskForm):
    helper = StringField(
        _l("Their email, username or helper code"),
        validators=[DataRequired(_l("Enter the helper's email, username or helper code.")), Length(max=254)],
        filters=[without_control_characters],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    scopes = CheckboxesField(
        _l("What can they see and help with?"),
        choices=[(scope.value, label) for scope, label in SCOPE_LABELS.items()],
        validators=[DataRequired(_l("Choose at least one thing they can help with."))],
    )
    expiry = RadioField(
        _l("For how long?"),
        # Values are days; the service adds them to today.
        choices=[("30", _l("%(num)d days", num=30)), ("90", _l("%(num)d days", num=90)), ("365", _l("1 year")),
                 (UNTIL_A_DATE, _l("Until a day I choose"))],
        default="90",
        validators=[DataRequired(_l("Choose for how long."))],
    )
    until = DateField(_l("Last day of access (if you chose a day)"))

    def validate_until(self, field):
        if self.expiry.data != UNTIL_A_DATE:
            field.errors.clear()  # the day counts only when chosen; a half-typed one must not block "90 days"
            raise StopValidation()
        if not (field.raw_data and field.raw_data[0].strip()):
            field.errors.clear()
            raise StopValidation(_l("Enter the last day of access."))
        if field.data is None:
            raise StopValidation()  # not a date: the field already says so
        if field.data <= clinic_today():
            raise ValidationError(_l("Choose a day after today."))
        if field.data > latest_grant_day():
            raise ValidationError(_l("Choose a day within the next 5 years."))

    @property
    def chosen_scopes(self) -> list[Scope]:
        return [Scope(value) for value in self.scopes.data]


class EnrolPatientForm(FlaskForm):
    login = StringField(
        _l("Username"),
        validators=[DataRequired(_l("Enter a username.")),
                    Length(min=3, max=254, message=_l("A username has 3 to 254 characters.")),
                    Regexp(_USERNAME, message=_l("Use letters, numbers and . _ - @ + only, and start with a letter or number."))],
        filters=[without_control_characters],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    language = SelectField(_l("Language for the portal"), choices=_language_choices())


class EnrolHelperForm(EnrolPatientForm):
    display_name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter the helper's full name.")), Length(max=200)],
        filters=[without_control_characters],
        render_kw={"autocomplete": "off"},
    )


class ActivationForm(FlaskForm):
    login = StringField(
        _l("Username"),
        validators=[DataRequired(_l("Enter your username.")), Length(max=254)],
        filters=[without_control_characters],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    code = StringField(
        _l("Activation code"),
        validators=[DataRequired(_l("Enter the activation code from the paper.")), Length(max=40)],
        filters=[without_control_characters],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Choose a password.")),
                    Length(min=8, max=200, message=_l("Use 8 to 200 characters."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Type the new password again"),
        validators=[DataRequired(_l("Type the new password again.")),
                    EqualTo("password", message=_l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"},
    )
