"""Access matrix for every route of the applications blueprint.

An applicant never sees another organisation's applications (404); reviewers and finance
officers see nothing here (404); grants managers and administrators read submitted ones;
anonymous users are sent to the login page.
"""

from __future__ import annotations

import pytest

from tests.applications import helpers
from tests.support.matrix import LOGGED_IN

OWNERS = {"applicant", "other_applicant"}
GRANTS = {"grants_manager", "admin"}


@pytest.fixture
def submitted(app, call, personas):
    application = helpers.complete(app, call, personas["org_a"], personas["applicant"])
    return helpers.submit(app, application, personas["applicant"])


def version(application_id: int) -> str:
    return str(helpers.reload(application_id).version_id)


def test_lists_and_starting(matrix, call):
    matrix.check("/applications/", LOGGED_IN)
    matrix.check(f"/calls/{call.code}/apply", OWNERS)
    matrix.check(f"/calls/{call.code}/apply", OWNERS, method="POST", data={})
    matrix.check("/calls/NOPE-2026-01/apply", set())


def test_draft_pages_only_for_its_organisation(matrix, draft):
    base = f"/applications/{draft.id}"
    for suffix in ("", "/edit", "/eligibility", "/budget", "/submit", "/withdraw", "/uploaded"):
        matrix.check(base + suffix, {"applicant"})
    matrix.check(
        base + "/edit",
        {"applicant"},
        method="POST",
        data_for=lambda _p: {"version_id": version(draft.id), "title": "Nuevo"},
    )
    matrix.check(
        base + "/eligibility",
        {"applicant"},
        method="POST",
        data_for=lambda _p: {"version_id": version(draft.id), "e_legal_entity": "yes"},
    )
    matrix.check(
        base + "/budget",
        {"applicant"},
        method="POST",
        data_for=lambda _p: {"version_id": version(draft.id)},
    )
    matrix.check(base + "/submit", {"applicant"}, method="POST", data={})
    matrix.check(base + "/withdraw", {"applicant"}, method="POST", data={})
    matrix.check(base + "/acknowledgement", set())  # nothing to acknowledge yet
    matrix.check(base + "/request-information", set(), method="POST", data={"message": "x"})
    matrix.check(base + "/reply", set(), method="POST", data={"message": "x"})
    matrix.check("/applications/999999", set())


def test_submitted_application_is_read_by_grants_staff(matrix, submitted):
    base = f"/applications/{submitted.id}"
    matrix.check(base, {"applicant"} | GRANTS)
    matrix.check(base + "/acknowledgement", {"applicant"} | GRANTS)
    matrix.check(base + "/withdraw", {"applicant"})
    # Locked: nobody edits a submitted application (the owner is sent to the status page).
    for suffix in ("/budget", "/eligibility"):
        matrix.check(base + suffix, {"applicant"})  # a redirect to the status page
    matrix.check(base + "/request-information", GRANTS, method="POST", data={})
    matrix.check(base + "/reply", set(), method="POST", data={"message": "x"})


def test_thread_reply_only_for_the_organisation(app, matrix, submitted, personas):
    helpers.request_information(app, submitted, personas["grants_manager"])
    base = f"/applications/{submitted.id}"
    matrix.check(base + "/reply", {"applicant"}, method="POST", data={})
    matrix.check(base + "/request-information", set(), method="POST", data={})


def test_staff_list_and_exports(matrix, call, submitted):
    for suffix in ("", ".csv", ".xlsx"):
        matrix.check(f"/calls/{call.code}/applications{suffix}", GRANTS)
    matrix.check("/calls/NOPE-2026-01/applications", set())
