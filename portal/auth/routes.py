"""Sign in and sign out."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from portal.auth.forms import SignInForm
from portal.auth.limits import limit_attempts
from portal.auth.service import authenticate
from portal.models.base import utcnow
from portal.security import LAST_SEEN_KEY, safe_next_url

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
@limit_attempts("account")
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    next_url = safe_next_url(request.args.get("next"))
    if form.validate_on_submit():
        user = authenticate(form.login.data, form.password.data)
        if user is not None:
            # A new session at sign-in: nothing from before (a planted session id) carries over.
            session.clear()
            login_user(user)
            session.permanent = True
            session[LAST_SEEN_KEY] = utcnow().timestamp()
            return redirect(next_url or url_for("home.index"))
        form.password.errors.append(_("That email, username or password is not right. Try again."))
    return render_template("auth/sign_in.html", form=form, next_url=next_url)


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.sign_in"))
