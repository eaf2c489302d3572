"""Asking for a visit and choosing an offered time (patient); offering times (staff)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from portal.appointments.service import (
    DAYS,
    KINDS,
    REASON_MAX,
    TIMES,
    clinic_time_to_utc,
    day_name,
)
from portal.forms import CheckboxesField, choices, idempotency_key_field
from portal.models.base import utcnow

_TOO_LONG = _l("Please write %(max)d characters or fewer.", max=REASON_MAX)


class VisitRequestForm(FlaskForm):
    kind = RadioField(_l("What kind of visit?"), choices=choices(KINDS), default="either",
                      invalid_choice_message=_l("Choose a kind of visit."))
    days = CheckboxesField(_l("Which days work for you?"),
                           invalid_choice_message=_l("Choose days from the list."))
    times = CheckboxesField(_l("What time of day works for you?"), choices=choices(TIMES),
                            invalid_choice_message=_l("Choose times from the list."))
    reason = TextAreaField(_l("What is the visit for?"), validators=[
        DataRequired(message=_l("Please tell us what the visit is for.")), Length(max=REASON_MAX, message=_TOO_LONG)])
    # A random token made when the form is shown: a resend of the same form books nothing twice.
    idempotency_key = idempotency_key_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.days.choices = choices((code, day_name(code)) for code in DAYS)  # Babel's names in the reader's language


class AcceptOfferForm(FlaskForm):
    """Choices (the offers' ids) are set by the view; the page shows each time in full."""
    # invalid_value_message: what is sent is not even a number (WTForms' own words would be English).
    offer_id = RadioField(_l("Choose a time"), coerce=int, invalid_choice_message=_l("Choose one of the times."),
                          invalid_value_message=_l("Choose one of the times."))


def _in_the_future(form, field):
    if field.data is not None and clinic_time_to_utc(field.data) <= utcnow():
        raise ValidationError(_l("Choose a time in the future."))


_WHEN = {"format": ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]}


class OfferForm(FlaskForm):
    slot_1 = DateTimeLocalField(_l("First time"), validators=[
        InputRequired(message=_l("Enter at least one date and time.")), _in_the_future], **_WHEN)
    slot_2 = DateTimeLocalField(_l("Second time (optional)"), validators=[Optional(), _in_the_future], **_WHEN)
    slot_3 = DateTimeLocalField(_l("Third time (optional)"), validators=[Optional(), _in_the_future], **_WHEN)
    minutes = SelectField(_l("How long"), coerce=int, default=30,
                          choices=[SelectChoice(n, _l("%(num)d minutes", num=n)) for n in (15, 20, 30, 45, 60)],
                          invalid_choice_message=_l("Choose how long the visit is."),
                          invalid_value_message=_l("Choose how long the visit is."))
    kind = RadioField(_l("Kind of visit"), default="in_person",
                      choices=choices([("in_person", KINDS["in_person"]), ("video", KINDS["video"])]),
                      invalid_choice_message=_l("Choose a kind of visit."))
    location = StringField(_l("Where: the address, or the video link for a video visit"), validators=[
        DataRequired(message=_l("Write where the visit is, or the video link.")), Length(max=300)])
    clinician = StringField(_l("With whom (optional)"), validators=[Length(max=200)])
    note = TextAreaField(_l("Note to the patient (optional)"), validators=[Length(max=REASON_MAX, message=_TOO_LONG)])

    def validate_location(self, field):
        if self.kind.data == "video" and not (field.data or "").strip().startswith("https://"):
            raise ValidationError(_l("For a video visit, paste the video link. It starts with https://"))

    @property
    def slots(self):
        return [f.data for f in (self.slot_1, self.slot_2, self.slot_3) if f.data is not None]
