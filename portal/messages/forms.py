"""Writing a message: a new thread (topic, subject, text) or a reply. Each form carries an
idempotency key, made when the form is shown, so a resend stores the message only once."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms import choices, idempotency_key_field, without_control_characters
from portal.messages.service import MAX_BODY, MAX_SUBJECT
from portal.models.messages import TOPICS

# Control characters other than tab and line breaks: nobody types them, and PostgreSQL refuses NUL.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# What each topic (portal/models/messages.py TOPICS) is called on the page.
TOPIC_LABELS = {
    "question": _l("A question"),
    "medication": _l("My medicines"),
    "appointment": _l("A visit"),
    "bill": _l("A bill"),
    "results": _l("My test results"),
}
assert set(TOPIC_LABELS) == set(TOPICS)


def without_invisible_characters(value: str | None) -> str | None:
    """Free text keeps its line breaks and tabs; other control characters are dropped."""
    return _INVISIBLE.sub("", value) if value else value


def message_body(label: str) -> TextAreaField:
    return TextAreaField(label, filters=[without_invisible_characters], validators=[
        DataRequired(_l("Write your message.")),
        Length(max=MAX_BODY, message=_l("Your message has %(length)d characters. Please make it %(max)d characters or fewer.")),
    # No maxlength: a browser would cut pasted text silently; the server says how long it may be.
    ], render_kw={"rows": 6, "maxlength": False})


class NewMessageForm(FlaskForm):
    topic = RadioField(_l("What is it about?"), choices=choices(TOPIC_LABELS),
                       validators=[DataRequired(_l("Choose what your message is about."))])
    subject = StringField(_l("Subject"), filters=[without_control_characters], validators=[
        DataRequired(_l("Write a subject.")),
        Length(max=MAX_SUBJECT, message=_l("Please make the subject %(max)d characters or fewer.")),
    ])
    body = message_body(_l("Your message"))
    idempotency_key = idempotency_key_field()


class ReplyForm(FlaskForm):
    body = message_body(_l("Your reply"))
    idempotency_key = idempotency_key_field()
