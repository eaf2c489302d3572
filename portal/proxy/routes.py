"""Proxy access: patients grant and revoke; CHWs choose whom they act for; assisted enrolment."""
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from portal.access import ACTING_FOR_KEY, own_record, record_access, staff_required
from portal.auth.limits import limit_attempts
from portal.config import INTERFACE_LANGUAGES
from portal.errors import render_error
from portal.extensions import db
from portal.language.locale import current_language, remember_language
from portal.models import Patient, Role
from portal.proxy.forms import (
    SCOPE_LABELS, UNTIL_A_DATE, ActivationForm, EnrolHelperForm, EnrolPatientForm, GrantForm, helper_words,
    without_control_characters,
)
from portal.proxy.service import (
    ACTIVATION_DAYS, Activation, activate as activate_account, enrol_helper, enrol_patient, expiry_for,
    find_helper, grant_access, grant_of, grants_of_patient, issue_activation_code, login_taken, may_act_for,
    patients_page, revoke,
)

bp = Blueprint("proxy", __name__)
# Every page that names a helper (the audit log, grant lists) says what kind of helper they are.
bp.add_app_template_global(helper_words)


def _grant_from(form: GrantForm, patient_id: int):
    """The grant the form asks for, or None with the reason on the form."""
    helper = find_helper(form.helper.data)
    if helper is None:
        form.helper.errors.append(_("We could not find a helper with that email, username or code. "
                                    "Check it with them, or ask the clinic."))
        return None
    expires_at = (expiry_for(until=form.until.data) if form.expiry.data == UNTIL_A_DATE
                  else expiry_for(days=int(form.expiry.data)))
    return grant_access(patient_id, helper, form.chosen_scopes, expires_at, by=current_user)


# ---------------------------------------------------------------------------------------------
# The patient: who can help me


@bp.route("/helpers")
@login_required
def helpers():
    return render_template("proxy/helpers.html", grants=grants_of_patient(own_record()), scope_labels=SCOPE_LABELS)


@bp.route("/helpers/new", methods=["GET", "POST"])
@login_required
def new_grant():
    patient_id = own_record()
    form = GrantForm()
    if form.validate_on_submit():
        grant = _grant_from(form, patient_id)
        if grant is not None:
            flash(_("%(name)s can now help you.", name=grant.grantee.display_name), "success")
            return redirect(url_for("proxy.helpers"))
    return render_template("proxy/new_grant.html", form=form, action=url_for("proxy.new_grant"),
                           cancel=url_for("proxy.helpers"))


@bp.route("/helpers/<int:grant_id>/revoke", methods=["POST"])
@login_required
def revoke_grant(grant_id: int):
    grant = grant_of(own_record(), grant_id)
    if grant is None:
        abort(404)
    revoke(grant)
    flash(_("%(name)s can no longer see your record.", name=grant.grantee.display_name), "success")
    return redirect(url_for("proxy.helpers"))


# ---------------------------------------------------------------------------------------------
# The helper: whom I act for


@bp.route("/acting-for/<int:patient_id>", methods=["POST"])
@login_required
def act_for(patient_id: int):
    if not may_act_for(current_user, patient_id):
        return render_error(403, _("You cannot act for this person now"),
                            _("Their permission may have ended or been taken back. Ask them, or call the clinic."))
    session[ACTING_FOR_KEY] = patient_id
    flash(_("You are now acting for %(name)s.", name=db.session.get(Patient, patient_id).display_name), "success")
    return redirect(url_for("home.index"))


@bp.route("/acting-for/stop", methods=["POST"])
@login_required
def stop_acting():
    if current_user.role is not Role.CHW:
        abort(403)
    if session.pop(ACTING_FOR_KEY, None) is not None:
        flash(_("You are no longer acting for anyone."), "success")
    return redirect(url_for("home.index"))


# ---------------------------------------------------------------------------------------------
# The clinic: grants given in person, accounts for people without email


@bp.route("/proxy/staff/patients")
@staff_required
def staff_patients():
    search = without_control_characters(request.args.get("q", ""))[:200]
    return render_template("proxy/staff_patients.html", search=search,
                           page=patients_page(search, request.args.get("page", 1, type=int)))


def _patient_or_404(patient_id: int) -> Patient:
    patient = db.session.get(Patient, patient_id)
    if patient is None:
        abort(404)
    return patient


@bp.route("/proxy/staff/patients/<int:patient_id>/grants", methods=["GET", "POST"])
@staff_required
def staff_grants(patient_id: int):
    patient = _patient_or_404(patient_id)
    form = GrantForm()
    if form.validate_on_submit():
        grant = _grant_from(form, patient.id)
        if grant is not None:
            record_access(current_user, patient.id, "change", "grants", grant.id)
            flash(_("%(name)s can now help %(patient)s.", name=grant.grantee.display_name,
                    patient=patient.display_name), "success")
            return redirect(url_for("proxy.staff_grants", patient_id=patient.id))
    record_access(current_user, patient.id, "view", "grants")
    return render_template("proxy/staff_grants.html", patient=patient, form=form,
                           grants=grants_of_patient(patient.id), scope_labels=SCOPE_LABELS)


@bp.route("/proxy/staff/patients/<int:patient_id>/grants/<int:grant_id>/revoke", methods=["POST"])
@staff_required
def staff_revoke(patient_id: int, grant_id: int):
    grant = grant_of(patient_id, grant_id)
    if grant is None:
        abort(404)
    revoke(grant)
    record_access(current_user, patient_id, "change", "grants", grant.id)
    flash(_("%(name)s can no longer see this record.", name=grant.grantee.display_name), "success")
    return redirect(url_for("proxy.staff_grants", patient_id=patient_id))


def _activation_sheet(user, code: str):
    """The printed page, in the language of the person who will read it, shown this once."""
    with force_locale(user.preferred_language or "en"):
        sheet = render_template("proxy/_activation_sheet.html", user=user, code=code, days=ACTIVATION_DAYS,
                                activate_url=url_for("proxy.activate", _external=True),
                                sign_in_url=url_for("auth.sign_in", _external=True))
    return render_template("proxy/activation_code.html", sheet=Markup(sheet), user=user)


@bp.route("/proxy/staff/patients/<int:patient_id>/account", methods=["GET", "POST"])
@staff_required
def staff_account(patient_id: int):
    """Create the patient's account, or print a new code (lost paper, forgotten password)."""
    patient = _patient_or_404(patient_id)
    account = patient.user
    form = EnrolPatientForm()
    if request.method == "GET":
        form.language.data = patient.preferred_language if patient.preferred_language in INTERFACE_LANGUAGES else "en"
    if account is not None and request.method == "POST":
        code = issue_activation_code(account)
        record_access(current_user, patient.id, "change", "account", account.id)
        return _activation_sheet(account, code)
    if account is None and form.validate_on_submit():
        if login_taken(form.login.data):
            form.login.errors.append(_("Someone already has this username. Choose another one."))
        else:
            account, code = enrol_patient(patient, form.login.data, form.language.data)
            record_access(current_user, patient.id, "change", "account", account.id)
            return _activation_sheet(account, code)
    record_access(current_user, patient.id, "view", "account")
    return render_template("proxy/staff_account.html", patient=patient, account=account, form=form)


@bp.route("/proxy/staff/helpers/new", methods=["GET", "POST"])
@staff_required
def staff_new_helper():
    """An account for a community health worker or a family caregiver (both act under grants)."""
    form = EnrolHelperForm()
    if form.validate_on_submit():
        if login_taken(form.login.data):
            form.login.errors.append(_("Someone already has this username. Choose another one."))
        else:
            helper, code = enrol_helper(form.login.data, form.display_name.data.strip(), form.language.data,
                                        form.chosen_kind)
            return _activation_sheet(helper, code)
    return render_template("proxy/staff_new_helper.html", form=form)


# ---------------------------------------------------------------------------------------------
# Everyone: activate an account with the code from the clinic


@bp.route("/activate", methods=["GET", "POST"])
@limit_attempts("activate")
def activate():
    form = ActivationForm()
    if form.validate_on_submit():
        outcome, user = activate_account(form.login.data, form.code.data, form.password.data)
        if outcome is Activation.DONE:
            # From here on the portal speaks the language the clinic set up for the account.
            language = user.preferred_language if user.preferred_language in INTERFACE_LANGUAGES else current_language()
            with force_locale(language):
                flash(_("Your password is set. Sign in with your username and your new password."), "success")
            return remember_language(redirect(url_for("auth.sign_in")), language)
        if outcome is Activation.EXPIRED:
            form.code.errors.append(_("This code is too old. Call the clinic for a new one."))
        else:
            form.code.errors.append(_("That username or code is not right, or the code was already used. "
                                      "Check the paper from the clinic and try again."))
    return render_template("proxy/activate.html", form=form)
