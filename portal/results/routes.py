"""The patient's results list."""
from flask import Blueprint, render_template, request
from flask_login import login_required

from portal.access import own_patient_id
from portal.language.locale import current_language
from portal.results.service import mark_results_seen, results_view

bp = Blueprint("results", __name__, url_prefix="/results")


@bp.route("/")
@login_required
def index():
    view = results_view(own_patient_id(), request.args.get("page", 1, type=int), current_language())
    response = render_template("results/index.html", page=view)
    mark_results_seen(view.rows)
    return response
