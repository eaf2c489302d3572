"""The main menu: one list, filtered by role, by the pages that exist, and for a CHW by what
the patient they act for has granted."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.access import CLINIC_ROLES, acting_scopes
from portal.models import Role, Scope

EVERYONE = frozenset(Role)
PATIENT_SIDE = frozenset({Role.PATIENT, Role.CHW})


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    roles: frozenset
    scope: Scope | None = None  # a CHW sees the item only if their grant covers it


NAVIGATION = (
    NavItem("home.index", _l("Home"), EVERYONE),
    NavItem("results.index", _l("Results"), PATIENT_SIDE, Scope.RESULTS),
    NavItem("notes.index", _l("Notes"), PATIENT_SIDE, Scope.NOTES),
    NavItem("messages.index", _l("Messages"), PATIENT_SIDE, Scope.MESSAGES),
    NavItem("medications.index", _l("Medicines"), PATIENT_SIDE, Scope.MEDICATIONS),
    NavItem("appointments.index", _l("Visits"), PATIENT_SIDE, Scope.APPOINTMENTS),
    NavItem("staff.inbox", _l("Inbox"), CLINIC_ROLES),
    NavItem("admin.languages", _l("Languages"), frozenset({Role.ADMIN})),
    NavItem("audit.search", _l("Audit log"), frozenset({Role.ADMIN})),
    NavItem("account.settings", _l("Settings"), EVERYONE),
)


def main_navigation() -> list[tuple[str, str]]:
    if not current_user.is_authenticated:
        return []
    role = current_user.role  # looked up once: each use of a proxy goes through the context
    view_functions = current_app.view_functions
    granted = acting_scopes() if role is Role.CHW else None
    return [
        (item.endpoint, item.label) for item in NAVIGATION
        if role in item.roles
        and item.endpoint in view_functions
        and (granted is None or item.scope is None or item.scope in granted)
    ]
