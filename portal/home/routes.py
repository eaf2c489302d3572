"""The first page after signing in: what is new for a patient; who to help for CHWs and staff."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from portal.home.service import all_patients, patients_helped_by, whats_new
from portal.models import Role

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    if current_user.role is Role.PATIENT:
        return render_template("home/patient.html", new=whats_new(current_user.patient_id))
    if current_user.role is Role.CHW:
        return render_template("home/chw.html", patients=patients_helped_by(current_user.id))
    return render_template("home/staff.html", patients=all_patients())
