"""The role-based menu, registered with core's navigation at app set-up (core imports no domain).

Who sees an entry depends on the user's roles, which accounts owns; the endpoints are only
names, so this module imports no other domain. A domain may also register its own entries with
``portal.core.nav.register``.

Groups: "main" entries sit in the bar, "more" entries in the bar's "More" menu (staff see up to
seven entries: the bar must fit beside the account menu from 1200 px, where it stops
collapsing), "account" and "admin" entries in the account menu.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.accounts.roles import Role
from portal.core.nav import NavItem
from portal.core.nav import register as register_items


def _staff_managing(u) -> bool:
    return u.has_role(Role.GRANTS_MANAGER, Role.ADMIN)


def _finance(u) -> bool:
    return u.has_role(Role.FINANCE_OFFICER, Role.GRANTS_MANAGER, Role.ADMIN)


def _applicant(u) -> bool:
    return u.is_authenticated and u.has_role(Role.APPLICANT)


NAV: list[NavItem] = [
    NavItem("dashboard.dashboard", _l("Dashboard"), lambda u: u.is_authenticated),
    NavItem("accounts.security", _l("Security"), lambda u: u.is_authenticated, "account"),
    NavItem("organisations.mine", _l("My organisations"), lambda u: u.is_authenticated, "account"),
    NavItem("accounts.sessions", _l("Your sessions"), lambda u: u.is_authenticated, "account"),
    NavItem("api_tokens.index", _l("API tokens"), lambda u: u.is_authenticated, "account"),
    NavItem("organisations.all", _l("Organisations"), lambda u: u.is_staff, "more"),
    NavItem("calls.index", _l("Calls"), lambda u: True),
    NavItem("applications.mine", _l("My applications"), _applicant),
    NavItem(
        "reviews.my_assignments",
        _l("My assignments"),
        lambda u: u.is_authenticated and u.has_role(Role.REVIEWER),
    ),
    NavItem("calls.programmes", _l("Programmes"), _staff_managing),
    NavItem("awards.clause_list", _l("Agreement clauses"), _staff_managing, "admin"),
    NavItem("finance.index", _l("Finance"), _finance),
    NavItem("reporting.finance", _l("Finance dashboard"), _finance),
    NavItem("results_dashboard.dashboard", _l("Results dashboard"), _finance, "more"),
    NavItem("finance.mine", _l("My grants"), _applicant),
    NavItem("audit.index", _l("Audit log"), lambda u: u.is_staff, "more"),
    NavItem("admin.users", _l("Users"), lambda u: u.has_role(Role.ADMIN), "admin"),
    NavItem("admin.outbox", _l("E-mail outbox"), lambda u: u.has_role(Role.ADMIN), "admin"),
]


def init_app(app: Flask) -> None:
    register_items(app, *NAV)
