"""The audit log: "Who looked at my record" for patients, search for admins."""
from flask import Blueprint, render_template, request
from flask_login import login_required

from portal.access import admin_required, own_record
from portal.audit.forms import AuditSearchForm
from portal.audit.service import Search, install_append_only_guard, who_looked
from portal.audit.service import search as search_log

bp = Blueprint("audit", __name__)
# With the blueprint, so every app that can write audit events refuses to change them.
bp.record_once(lambda _state: install_append_only_guard())


def _page_number() -> int:
    return request.args.get("page", 1, type=int)


@bp.route("/who-looked")
@login_required
def mine():
    return render_template("audit/mine.html", page=who_looked(own_record(), _page_number()))


@bp.route("/admin/audit")
@admin_required
def search():
    form = AuditSearchForm(request.args)
    page = None
    if form.validate():
        page = search_log(Search((form.patient.data or "").strip(), (form.person.data or "").strip(),
                                 form.start.data, form.end.data),
                          _page_number())
    filters = {name: value for name, value in request.args.items() if name in form and value}
    return render_template("audit/search.html", form=form, page=page, filters=filters)
