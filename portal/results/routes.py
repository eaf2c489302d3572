"""The patient's results list."""
from flask import Blueprint, render_template, request
from flask_babel import get_timezone
from flask_login import current_user, login_required

from portal.access import patient_in_view
from portal.fragment_cache import fragment_cache
from portal.language.locale import current_language
from portal.models import Role, Scope
from portal.results.service import build_view, load_results, mark_results_seen

bp = Blueprint("results", __name__, url_prefix="/results")


@bp.route("/")
@login_required
def index():
    patient_id = patient_in_view(Scope.RESULTS)
    data = load_results(patient_id, request.args.get("page", 1, type=int))
    language = current_language()
    # The list is the costly part of the page (25 rich results); it is rendered again only when
    # the data, the language or the time zone differ from a rendering this process already has.
    key = ("results", patient_id, language, str(get_timezone()), data.fingerprint)
    results_list = fragment_cache().get_or_render(
        key, lambda: render_template("results/_list.html", page=build_view(data, language)))
    response = render_template("results/index.html", results_list=results_list)
    if current_user.role is Role.PATIENT:  # "new" means new to the patient, not to their helper
        mark_results_seen(data.rows)
    return response
