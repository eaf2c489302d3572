"""The patient's results list."""
from flask import Blueprint, render_template, request
from flask_login import login_required

from portal.access import own_patient_id
from portal.results.service import mark_results_seen, results_page

bp = Blueprint("results", __name__, url_prefix="/results")


@bp.route("/")
@login_required
def index():
    page = results_page(own_patient_id(), request.args.get("page", 1, type=int))
    response = render_template("results/index.html", page=page)
    mark_results_seen([r for _day, rows in page.days for r in rows])
    return response
