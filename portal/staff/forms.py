"""Staff forms: a reply (in English), a note, a result."""
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, Optional, Regexp

from portal.forms import idempotency_key_field, without_control_characters
from portal.messages.forms import (
    message_body,
    without_invisible_characters,
)
from portal.models.base import utcnow
from portal.results.service import local_day

MAX_NOTE = 20000
# Result.value is Numeric(14, 4): ten digits before the point.
LARGEST_VALUE = Decimal("1e10")


class StaffReplyForm(FlaskForm):
    body = message_body(_l("Your reply, in English"))
    idempotency_key = idempotency_key_field()


class NoteForm(FlaskForm):
    kind = StringField(_l("Title"), filters=[without_control_characters], validators=[
        DataRequired(_l("Write a title, for example: Progress note.")),
        Length(max=100, message=_l("Please make the title %(max)d characters or fewer.")),
    ])
    text = TextAreaField(_l("Note, in English"), filters=[without_invisible_characters], validators=[
        DataRequired(_l("Write the note.")),
        Length(max=MAX_NOTE, message=_l("The note has %(length)d characters. Please make it %(max)d characters or fewer.")),
    ], render_kw={"rows": 12, "maxlength": False})  # as for messages: the server says how long


class ResultForm(FlaskForm):
    name = StringField(_l("Test name"), filters=[without_control_characters], validators=[
        DataRequired(_l("Write the test's name.")),
        Length(max=200, message=_l("Please make the test name %(max)d characters or fewer.")),
    ])
    loinc_code = StringField(_l("LOINC code"), filters=[without_control_characters], validators=[
        DataRequired(_l("Write the LOINC code.")),
        Regexp(r"^\s*\d{1,7}-\d\s*$", message=_l("A LOINC code looks like 4548-4.")),
    ])
    value = StringField(_l("Result"), filters=[without_control_characters], validators=[
        DataRequired(_l("Write the result: a number, or words such as Negative.")),
        Length(max=200, message=_l("Please make the result %(max)d characters or fewer.")),
    ])
    unit = StringField(_l("Unit"), filters=[without_control_characters], validators=[
        Optional(), Length(max=40, message=_l("Please make the unit %(max)d characters or fewer.")),
    ])
    effective_on = DateField(_l("Date of the test"), validators=[
        DataRequired(_l("Enter the date of the test, for example 2026-03-14.")),
    ])

    def validate_value(self, field):
        try:
            number = Decimal(field.data.strip())
        except InvalidOperation:
            return  # words, such as "Negative"
        if number.is_finite() and abs(number) >= LARGEST_VALUE:
            raise ValidationError(_l("This number is too large. Check the result."))

    def validate_effective_on(self, field):
        if field.data and field.data > local_day(utcnow()):
            raise ValidationError(_l("The date of the test cannot be in the future."))
