"""Secure messages between a patient and the care team."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.access import patient_in_view
from portal.extensions import db
from portal.language.locale import current_language
from portal.messages.forms import TOPIC_LABELS, NewMessageForm, ReplyForm
from portal.messages.service import MAX_BODY, mark_read, reader_language, reply, start_thread, thread_for, thread_page, threads_for
from portal.models import Patient, Role, Scope

bp = Blueprint("messages", __name__, url_prefix="/messages")


@bp.route("/")
@login_required
def index():
    threads = threads_for(patient_in_view(Scope.MESSAGES), request.args.get("page", 1, type=int))
    return render_template("messages/index.html", threads=threads, topics=TOPIC_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    patient_id = patient_in_view(Scope.MESSAGES)
    form = NewMessageForm()
    if form.validate_on_submit():
        message = start_thread(db.session.get(Patient, patient_id), current_user, form.topic.data,
                               form.subject.data, form.body.data, form.idempotency_key.data)
        return redirect(url_for("messages.thread", thread_id=message.thread_id, _anchor=f"message-{message.id}"))
    return render_template("messages/new.html", form=form, max_body=MAX_BODY)


@bp.route("/<int:thread_id>", methods=["GET", "POST"])
@login_required
def thread(thread_id: int):
    found = thread_for(patient_in_view(Scope.MESSAGES), thread_id)
    if found is None:
        abort(404)
    form = ReplyForm()
    if form.validate_on_submit():
        message = reply(found, current_user, form.body.data, form.idempotency_key.data)
        return redirect(url_for("messages.thread", thread_id=found.id, _anchor=f"message-{message.id}"))
    page = thread_page(found, request.args.get("page", 1, type=int),
                       reader_language(found.patient, current_user, current_language()), for_staff=False,
                       as_written=request.args.get("show") == "as-written")
    # htmx polls while a translation is on its way; it asks for the messages only.
    if request.headers.get("HX-Target") == "thread-messages":
        return render_template("messages/_messages.html", page=page, for_staff=False)
    if current_user.role is Role.PATIENT:  # "unread" means unread by the patient, not their helper
        mark_read(found, by_staff=False)
    return render_template("messages/thread.html", page=page, form=form, topics=TOPIC_LABELS, for_staff=False)
