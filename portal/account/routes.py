"""Settings (language, reading level) and the language switch that sits on every page."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.account.forms import SettingsForm
from portal.account.service import save_settings
from portal.config import INTERFACE_LANGUAGES
from portal.language.locale import remember_language
from portal.security import safe_next_url

bp = Blueprint("account", __name__)


@bp.route("/language", methods=["POST"])
def switch_language():
    """Works without JavaScript: a form with one button per language, then back where you were."""
    language = request.form.get("lang", "")
    back = safe_next_url(request.form.get("next")) or url_for("home.index")
    if language not in INTERFACE_LANGUAGES:
        return redirect(back)
    if current_user.is_authenticated:
        save_settings(current_user, language=language)
    return remember_language(redirect(back), language)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm()
    if request.method == "GET":
        form.language.data = current_user.preferred_language or "en"
        form.reading_level.data = current_user.reading_level.value
    if form.validate_on_submit():
        save_settings(current_user, language=form.language.data, reading_level=form.reading_level.data)
        flash(_("Your settings are saved."), "success")
        return remember_language(redirect(url_for("account.settings")), form.language.data)
    return render_template("account/settings.html", form=form)
