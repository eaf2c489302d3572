"""Asking for a renewal (patient) and answering it (staff)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import Length, ValidationError

NOTE_MAX = 1000


class RenewalForm(FlaskForm):
    pharmacy = StringField(_l("Your pharmacy (optional)"), validators=[
        Length(max=200, message=_l("Please write the pharmacy in 200 characters or fewer."))])
    note = TextAreaField(_l("Anything the care team should know? (optional)"), validators=[
        Length(max=NOTE_MAX, message=_l("Please write %(max)d characters or fewer.", max=NOTE_MAX))])


class RenewalDecisionForm(FlaskForm):
    decision = RadioField(
        _l("Your answer"),
        choices=[SelectChoice("approve", _l("Approve")), SelectChoice("deny", _l("Do not approve"))],
        invalid_choice_message=_l("Choose approve or do not approve."),
    )
    reason = TextAreaField(_l("Reason (the patient sees this; needed when you do not approve)"), validators=[
        Length(max=NOTE_MAX, message=_l("Please write %(max)d characters or fewer.", max=NOTE_MAX))])

    def validate_reason(self, field):
        if self.decision.data == "deny" and not (field.data or "").strip():
            raise ValidationError(_l("Write the reason for not approving it. The patient will see it."))
