"""The first page after signing in: what is new for a patient; who to help for CHWs and staff."""
from flask import Blueprint, render_template, session
from flask_login import current_user, login_required

from portal.access import ACTING_FOR_KEY
from portal.home.service import all_patients, patients_helped_by, whats_new
from portal.models import Role
from portal.proxy.forms import SCOPE_LABELS
from portal.proxy.service import helper_code

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    if current_user.role is Role.PATIENT:
        return render_template("home/patient.html", new=whats_new(current_user.patient_id))
    if current_user.role is Role.CHW:
        return render_template("home/chw.html", helped=patients_helped_by(current_user.id),
                               acting_id=session.get(ACTING_FOR_KEY), helper_code=helper_code(current_user.id),
                               scope_labels=SCOPE_LABELS)
    return render_template("home/staff.html", patients=all_patients())
