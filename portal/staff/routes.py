"""The staff console: one inbox, a patient view, answering and publishing. Every read or write of
a patient's record here is audited."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_timedelta, gettext as _
from flask_login import current_user

from portal.access import record_access, staff_required
from portal.language.locale import current_language
from portal.messages.forms import TOPIC_LABELS
from portal.messages.service import STAFF_LANGUAGE, mark_read, patient_language, reply, thread_page
from portal.staff.forms import NoteForm, ResultForm, StaffReplyForm
from portal.staff.service import (
    close_thread, inbox as inbox_content, patient_overview, patient_record, publish_result, staff_thread,
    write_note,
)
from portal.templating import language_name

bp = Blueprint("staff", __name__, url_prefix="/staff")


def _patient_or_404(patient_id: int):
    patient = patient_record(patient_id)
    if patient is None:
        abort(404)
    return patient


@bp.route("/")
@staff_required
def inbox():
    # A work list (names and subjects), not a patient's record: opening an item is what is audited.
    return render_template("staff/inbox.html", inbox=inbox_content(), topics=TOPIC_LABELS,
                           patient_language=patient_language, format_timedelta=format_timedelta)


@bp.route("/threads/<int:thread_id>", methods=["GET", "POST"])
@staff_required
def thread(thread_id: int):
    found = staff_thread(thread_id)
    if found is None:
        abort(404)
    form = StaffReplyForm()
    if form.validate_on_submit():
        message = reply(found, current_user, form.body.data, form.idempotency_key.data)
        record_access(current_user, found.patient_id, "change", "message", message.id)
        flash(_("Your reply is sent. The patient reads it in %(language)s.",
                language=_language_of(found.patient)), "success")
        return redirect(url_for("staff.thread", thread_id=found.id, _anchor=f"message-{message.id}"))
    page = thread_page(found, request.args.get("page", 1, type=int), STAFF_LANGUAGE, for_staff=True)
    # htmx polls while a translation is on its way; the page itself was audited when it opened.
    if request.headers.get("HX-Target") == "thread-messages":
        return render_template("messages/_messages.html", page=page, for_staff=True)
    record_access(current_user, found.patient_id, "view", "messages", found.id)
    mark_read(found, by_staff=True)
    return render_template("staff/thread.html", page=page, form=form, topics=TOPIC_LABELS, for_staff=True,
                           patient_reads=patient_language(found.patient))


@bp.route("/threads/<int:thread_id>/close", methods=["POST"])
@staff_required
def close(thread_id: int):
    found = staff_thread(thread_id)
    if found is None:
        abort(404)
    close_thread(found)
    record_access(current_user, found.patient_id, "change", "messages", found.id)
    flash(_("Marked as needing no reply. It comes back to the inbox if the patient writes again."), "success")
    return redirect(url_for("staff.inbox"))


@bp.route("/patients/<int:patient_id>")
@staff_required
def patient(patient_id: int):
    found = _patient_or_404(patient_id)
    record_access(current_user, found.id, "view", "patient")
    return render_template("staff/patient.html", overview=patient_overview(found, current_language()),
                           topics=TOPIC_LABELS, patient_reads=patient_language(found))


@bp.route("/patients/<int:patient_id>/notes/new", methods=["GET", "POST"])
@staff_required
def new_note(patient_id: int):
    found = _patient_or_404(patient_id)
    form = NoteForm()
    if form.validate_on_submit():
        note = write_note(found, current_user, form.kind.data, form.text.data)
        record_access(current_user, found.id, "change", "note", note.id)
        flash(_("The note is published. The patient reads it in %(language)s.", language=_language_of(found)),
              "success")
        return redirect(url_for("staff.patient", patient_id=found.id))
    return render_template("staff/note_form.html", patient=found, form=form, patient_reads=patient_language(found))


@bp.route("/patients/<int:patient_id>/results/new", methods=["GET", "POST"])
@staff_required
def new_result(patient_id: int):
    found = _patient_or_404(patient_id)
    form = ResultForm()
    if form.validate_on_submit():
        result = publish_result(found, form.name.data, form.loinc_code.data, form.value.data, form.unit.data,
                                form.effective_on.data)
        record_access(current_user, found.id, "change", "result", result.id)
        flash(_("The result is published. The patient sees it as new."), "success")
        return redirect(url_for("staff.patient", patient_id=found.id))
    return render_template("staff/result_form.html", patient=found, form=form, patient_reads=patient_language(found))


def _language_of(patient) -> str:
    return language_name(patient_language(patient))
