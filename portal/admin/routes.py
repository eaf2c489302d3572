"""The administrator's pages."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _

from portal.access import admin_required
from portal.admin.service import language_status
from portal.language.service import retry_translation

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/languages")
@admin_required
def languages():
    return render_template("admin/languages.html", status=language_status(current_app.config["ARGOS_PACKAGES_DIR"]))


@bp.route("/translations/<int:translation_id>/retry", methods=["POST"])
@admin_required
def retry(translation_id: int):
    try:
        retry_translation(translation_id)
    except LookupError:
        abort(404)
    flash(_("The translation is queued again."), "success")
    return redirect(url_for("admin.languages"))
