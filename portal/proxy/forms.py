"""Forms: giving a helper access, enrolling an account, activating it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, SelectField, StringField
from wtforms.fields import DateField
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    Regexp,
    StopValidation,
    ValidationError,
)

from portal.forms import (
    CheckboxesField,
    choices,
    language_choices,
    without_control_characters,
)
from portal.models import Role, Scope, User
from portal.models.people import HelperKind
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
# The one place a helper's kind is put into words: the audit sentences, the grant lists and the
# staff form all use these (mid-sentence, so lower case: "Rosa Delgado, community health worker, ...").
HELPER_KIND_WORDS = {
    HelperKind.CHW: _l("community health worker"),
    HelperKind.CAREGIVER: _l("family member or caregiver"),
}


def helper_kind_words(kind: HelperKind | None, capitalized: bool = False) -> str:
    """A helper account without a kind (none is made so) is called just a helper, never a CHW."""
    words = str(HELPER_KIND_WORDS.get(kind, _l("helper")))
    return words[:1].upper() + words[1:] if capitalized else words


def helper_words(user: User | None, capitalized: bool = False) -> str:
    """What kind of helper this account is, for templates; "" for anyone who is not a helper."""
    if user is None or user.role is not Role.CHW:
        return ""
    return helper_kind_words(user.helper_kind, capitalized)


UNTIL_A_DATE = "date"
_USERNAME = r"^[A-Za-z0-9][A-Za-z0-9._@+-]*$"
class GrantForm(FlaskForm):
    helper = StringField(
        _l("Their email, username or helper code"),
        validators=[DataRequired(_l("Enter the helper's email, username or helper code.")), Length(max=254)],
        filters=[without_control_characters],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    scopes = CheckboxesField(
        _l("What can they see and help with?"),
        choices=choices((scope.value, label) for scope, label in SCOPE_LABELS.items()),
        validators=[DataRequired(_l("Choose at least one thing they can help with."))],
    )
    expiry = RadioField(
        _l("For how long?"),
        # Values are days; the service adds them to today.
        choices=choices([("30", _l("%(num)d days", num=30)), ("90", _l("%(num)d days", num=90)),
                         ("365", _l("1 year")), (UNTIL_A_DATE, _l("Until a day I choose"))]),
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
    language = SelectField(_l("Language for the portal"), choices=language_choices())


class EnrolHelperForm(EnrolPatientForm):
    kind = RadioField(_l("What kind of helper?"),
                      invalid_choice_message=_l("Choose what kind of helper this is."))
    display_name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter the helper's full name.")), Length(max=200)],
        filters=[without_control_characters],
        render_kw={"autocomplete": "off"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No default: the clinic says which it is, so nobody becomes a CHW by not choosing.
        self.kind.choices = choices((kind.value, helper_kind_words(kind, capitalized=True)) for kind in HelperKind)

    @property
    def chosen_kind(self) -> HelperKind:
        return HelperKind(self.kind.data)


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
