"""Visits: see, request, cancel, accept an offered slot, add to a calendar; staff offer slots."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.access import patient_in_view, record_access, staff_required
from portal.appointments.forms import AcceptOfferForm, OfferForm, VisitRequestForm
from portal.appointments.service import (
    KINDS, Slot, VisitRefused, accept_offer, appointment_for, as_utc, calendar_file, can_cancel, cancel_appointment,
    cancel_request, clinic_time_to_utc, is_upcoming, offer_slots, preferred_days, preferred_times, reasons_for_staff,
    request_for, request_for_staff, submit_request, video_link_opens_at, video_link_state, visits_page,
)
from portal.forms import usable_idempotency_key
from portal.models import Scope

bp = Blueprint("appointments", __name__, url_prefix="/appointments")


@bp.context_processor
def visit_helpers():
    """What this area's templates ask about a visit or a request (rules live in the service)."""
    return {"video_link_state": video_link_state, "video_link_opens_at": video_link_opens_at,
            "can_cancel": can_cancel, "is_upcoming": is_upcoming,
            "visit_kinds": KINDS, "preferred_days": preferred_days, "preferred_times": preferred_times}


@bp.route("/")
@login_required
def index():
    page = visits_page(patient_in_view(Scope.APPOINTMENTS), request.args.get("page", 1, type=int))
    return render_template("appointments/index.html", page=page)


@bp.route("/<int:appointment_id>")
@login_required
def visit(appointment_id: int):
    appointment = appointment_for(patient_in_view(Scope.APPOINTMENTS), appointment_id)
    if appointment is None:
        abort(404)
    return render_template("appointments/visit.html", visit=appointment)


@bp.route("/<int:appointment_id>/cancel", methods=["POST"])
@login_required
def cancel(appointment_id: int):
    try:
        cancel_appointment(patient_in_view(Scope.APPOINTMENTS), appointment_id)
    except LookupError:
        abort(404)
    except VisitRefused as refused:
        flash(str(refused), "error")
    else:
        flash(_("Your visit is cancelled."), "success")
    return redirect(url_for("appointments.visit", appointment_id=appointment_id))


@bp.route("/<int:appointment_id>.ics")
@login_required
def calendar(appointment_id: int):
    appointment = appointment_for(patient_in_view(Scope.APPOINTMENTS), appointment_id)
    if appointment is None:
        abort(404)
    day = as_utc(appointment.starts_at).strftime("%Y-%m-%d")
    return Response(calendar_file(appointment, domain=request.host.split(":")[0]), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="visit-{day}.ics"'})


@bp.route("/requests/new", methods=["GET", "POST"])
@login_required
def new_request():
    patient_id = patient_in_view(Scope.APPOINTMENTS)
    form = VisitRequestForm()
    if form.validate_on_submit():
        visit_request, created = submit_request(
            patient_id, current_user.id, form.reason.data, kind=form.kind.data, days=form.days.data,
            times=form.times.data, idempotency_key=usable_idempotency_key(form.idempotency_key.data))
        flash(_("Your request is sent. The clinic will offer you times here.") if created
              else _("We already have this request. The clinic will offer you times here."), "success")
        return redirect(url_for("appointments.request_detail", request_id=visit_request.id))
    return render_template("appointments/new_request.html", form=form)


@bp.route("/requests/<int:request_id>", methods=["GET", "POST"])
@login_required
def request_detail(request_id: int):
    patient_id = patient_in_view(Scope.APPOINTMENTS)
    visit_request = request_for(patient_id, request_id)
    if visit_request is None:
        abort(404)
    form = AcceptOfferForm()
    # Every offer of the request validates, so choosing one that is gone (a second tap, another
    # tab) gets the service's reason rather than "not a valid choice".
    form.offer_id.choices = [(o.id, "") for o in visit_request.offers]
    if form.validate_on_submit():
        try:
            appointment = accept_offer(patient_id, visit_request.id, form.offer_id.data)
        except LookupError:
            abort(404)
        except VisitRefused as refused:
            flash(str(refused), "error")
            return redirect(url_for("appointments.request_detail", request_id=visit_request.id))
        flash(_("Your visit is booked."), "success")
        return redirect(url_for("appointments.visit", appointment_id=appointment.id))
    offers = [o for o in visit_request.offers if o.status == "offered"]
    return render_template("appointments/request.html", visit_request=visit_request, offers=offers, form=form)


@bp.route("/requests/<int:request_id>/cancel", methods=["POST"])
@login_required
def cancel_visit_request(request_id: int):
    try:
        cancel_request(patient_in_view(Scope.APPOINTMENTS), request_id)
    except LookupError:
        abort(404)
    except VisitRefused as refused:
        flash(str(refused), "error")
    else:
        flash(_("Your request is cancelled."), "success")
    return redirect(url_for("appointments.request_detail", request_id=request_id))


@bp.route("/staff/requests/<int:request_id>", methods=["GET", "POST"])
@staff_required
def staff_request(request_id: int):
    view = request_for_staff(request_id)
    if view is None:
        abort(404)
    form = OfferForm()
    if request.method == "GET" and view.request.kind in ("in_person", "video"):
        form.kind.data = view.request.kind
    if form.validate_on_submit():
        slots = [Slot(clinic_time_to_utc(moment), form.minutes.data, form.kind.data, form.location.data,
                      form.clinician.data) for moment in form.slots]
        try:
            offer_slots(view.request.id, slots, note=form.note.data)
        except VisitRefused as refused:
            flash(str(refused), "error")
        else:
            record_access(current_user, view.patient.id, "change", "appointment_request", view.request.id)
            flash(_("The times are offered. The patient can choose one now."), "success")
            return redirect(url_for("appointments.staff_request", request_id=view.request.id))
    record_access(current_user, view.patient.id, "view", "appointment_request", view.request.id)
    # The reason may be in any language: staff read it in English, the original a tap away.
    return render_template("appointments/staff_request.html", view=view, form=form,
                           reason=reasons_for_staff([view.request]).get(view.request.id))
