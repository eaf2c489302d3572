"""The patient's clinical notes."""
from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from portal.access import own_patient_id
from portal.language.locale import content_language, current_language
from portal.notes.service import ORIGINAL, SIMPLER, mark_note_seen, note_for, notes_for, opening_version, read_note

bp = Blueprint("notes", __name__, url_prefix="/notes")


@bp.route("/")
@login_required
def index():
    return render_template("notes/index.html", notes=notes_for(own_patient_id()))


@bp.route("/<int:note_id>")
@login_required
def view(note_id: int):
    note = note_for(own_patient_id(), note_id)
    if note is None:
        abort(404)
    version = request.args.get("version")
    if version not in (ORIGINAL, SIMPLER):
        version = opening_version(current_user.reading_level)
    reader_language = content_language(current_user.patient.preferred_language, current_language())
    reading = read_note(note, reader_language, version, untranslated=request.args.get("show") == "as-written")
    # htmx polls while a translation is on its way; it asks for the translated part only.
    if request.headers.get("HX-Target") == "note-translation":
        return render_template("notes/_translation.html", reading=reading)
    mark_note_seen(note)
    return render_template("notes/view.html", reading=reading)
