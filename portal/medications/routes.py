"""The patient's medicines and renewal requests, and the staff page that answers a request."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.access import patient_in_view, record_access, staff_required
from portal.medications.forms import RenewalDecisionForm, RenewalForm
from portal.medications.instructions import plain_instructions
from portal.medications.service import (
    RenewalRefused, cancel_renewal, decide_renewal, medication_for, medications_page, notes_for_staff,
    open_request_for, renewal_for_staff, request_renewal,
)
from portal.models import Scope

bp = Blueprint("medications", __name__, url_prefix="/medications")


@bp.route("/")
@login_required
def index():
    page = medications_page(patient_in_view(Scope.MEDICATIONS), request.args.get("page", 1, type=int))
    return render_template("medications/index.html", page=page)


@bp.route("/<int:medication_id>/renewal", methods=["GET", "POST"])
@login_required
def renewal(medication_id: int):
    patient_id = patient_in_view(Scope.MEDICATIONS)
    medication = medication_for(patient_id, medication_id)
    if medication is None:
        abort(404)
    form = RenewalForm()
    if form.validate_on_submit():
        try:
            _renewal, created = request_renewal(patient_id, medication.id, current_user.id,
                                                note=form.note.data, pharmacy=form.pharmacy.data)
        except RenewalRefused as refused:
            flash(str(refused), "error")
        else:
            flash(_("Your renewal request is sent. The care team will answer here.") if created
                  else _("You already asked for this renewal. The care team will answer here."), "success")
            return redirect(url_for("medications.index", _anchor=f"medication-{medication.id}"))
    return render_template("medications/renewal.html", form=form, medication=medication,
                           instructions=plain_instructions(medication), open_request=open_request_for(medication.id))


@bp.route("/renewals/<int:request_id>/cancel", methods=["POST"])
@login_required
def cancel(request_id: int):
    try:
        renewal = cancel_renewal(patient_in_view(Scope.MEDICATIONS), request_id, current_user.id)
    except LookupError:
        abort(404)
    except RenewalRefused as refused:
        flash(str(refused), "error")
        return redirect(url_for("medications.index"))
    flash(_("Your renewal request is cancelled."), "success")
    return redirect(url_for("medications.index", _anchor=f"medication-{renewal.medication_id}"))


@bp.route("/staff/renewals/<int:request_id>", methods=["GET", "POST"])
@staff_required
def staff_renewal(request_id: int):
    renewal = renewal_for_staff(request_id)
    if renewal is None:
        abort(404)
    form = RenewalDecisionForm()
    if form.validate_on_submit():
        try:
            decide_renewal(renewal.id, current_user.id, form.decision.data == "approve", form.reason.data)
        except RenewalRefused as refused:
            flash(str(refused), "error")
        else:
            record_access(current_user, renewal.patient_id, "change", "renewal", renewal.id)
            flash(_("Your answer is saved. The patient can see it now."), "success")
            return redirect(url_for("medications.staff_renewal", request_id=renewal.id))
    record_access(current_user, renewal.patient_id, "view", "renewal", renewal.id)
    # The patient's note may be in any language: staff read it in English, the original a tap away.
    note = notes_for_staff([renewal]).get(renewal.id)
    return render_template("medications/staff_renewal.html", form=form, renewal=renewal, note=note,
                           instructions=plain_instructions(renewal.medication))
