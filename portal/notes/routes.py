"""The patient's clinical notes."""
from flask import Blueprint, abort, render_template
from flask_login import login_required

from portal.access import own_patient_id
from portal.notes.service import mark_note_seen, note_for, notes_for

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
    mark_note_seen(note)
    return render_template("notes/view.html", note=note)
