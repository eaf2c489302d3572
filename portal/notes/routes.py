"""The patient's clinical notes."""
from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from portal.access import patient_in_view
from portal.models import ReadingLevel, Role, Scope
from portal.language.locale import content_language, current_language
from portal.notes.service import ORIGINAL, SIMPLER, mark_note_seen, note_for, notes_for, opening_version, read_note

bp = Blueprint("notes", __name__, url_prefix="/notes")


@bp.route("/")
@login_required
def index():
    return render_template("notes/index.html", notes=notes_for(patient_in_view(Scope.NOTES)))


@bp.route("/<int:note_id>")
@login_required
def view(note_id: int):
    note = note_for(patient_in_view(Scope.NOTES), note_id)
    if note is None:
        abort(404)
    # The patient's own settings, also when a CHW reads with them: the content follows the patient.
    # A patient can only open their own notes (note_for above), so their account is the one
    # already loaded for this request: no second query for the same users row.
    if current_user.role is Role.PATIENT:
        patient_account = current_user._get_current_object()
    else:
        patient_account = note.patient.user
    version = request.args.get("version")
    if version not in (ORIGINAL, SIMPLER):
        version = opening_version(patient_account.reading_level if patient_account else ReadingLevel.STANDARD)
    # The patient's language, not the interface's: a Vietnamese-speaking patient reads the note in
    # Vietnamese though the pages around it are in English (no Vietnamese interface yet).
    interface = patient_account.preferred_language if patient_account else None
    reader_language = content_language(note.patient.preferred_language, interface or current_language())
    reading = read_note(note, reader_language, version, untranslated=request.args.get("show") == "as-written")
    # htmx polls while a translation is on its way; it asks for the translated part only.
    if request.headers.get("HX-Target") == "note-translation":
        return render_template("notes/_translation.html", reading=reading)
    if current_user.role is Role.PATIENT:
        mark_note_seen(note)
    return render_template("notes/view.html", reading=reading)
