"""The admin's search of the audit log (a GET form: the URL of a search can be bookmarked)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.fields import DateField
from wtforms.validators import Length, Optional, ValidationError

from portal.forms import without_control_characters


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False  # reads only; nothing to forge

    patient = StringField(_l("Patient (name or record number)"), validators=[Length(max=200)],
                          filters=[without_control_characters])
    person = StringField(_l("Who (name or email)"), validators=[Length(max=200)], filters=[without_control_characters])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end date is before the start date."))
