"""The patient's results list."""
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from portal.access import patient_in_view
from portal.language.locale import current_language
from portal.models import Role, Scope
from portal.results.service import mark_results_seen, results_view

bp = Blueprint("results", __name__, url_prefix="/results")


@bp.route("/")
@login_required
def index():
    view = results_view(patient_in_view(Scope.RESULTS), request.args.get("page", 1, type=int), current_language())
    response = render_template("results/index.html", page=view)
    if current_user.role is Role.PATIENT:  # "new" means new to the patient, not to their helper
        mark_results_seen(view.rows)
    return response
