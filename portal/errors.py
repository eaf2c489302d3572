"""Error pages in the user's language, each with a way back."""
from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.extensions import db


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Something in the request was not right"), _("Please go back and try again.")),
        403: (_("You cannot see this page"), _("Your account does not allow this. If you think it should, call the clinic.")),
        404: (_("Page not found"), _("We could not find this page. It may have moved, or the link may be wrong.")),
        405: (_("Something in the request was not right"), _("Please go back and try again.")),
        413: (_("The file is too large"), _("Please choose a smaller file and try again.")),
        429: (_("Too many tries"), _("Please wait a few minutes, then try again.")),
        500: (_("Something went wrong on our side"), _("It is not your fault. Please try again in a few minutes. If it keeps happening, call the clinic.")),
    }


def render_error(status: int, title: str | None = None, message: str | None = None):
    default_title, default_message = _messages().get(status, _messages()[500])
    return render_template("errors/error.html", status=status,
                           title=title or default_title, message=message or default_message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_expired(error):
        return render_error(400, _("This page has expired"),
                            _("For your safety, forms expire after a while. Go back, reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(500)
    def unexpected_error(error):
        # Flask has logged the exception; the half-done transaction must not be committed later.
        db.session.rollback()
        return render_error(500)
