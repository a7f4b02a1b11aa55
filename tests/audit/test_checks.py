"""Each verification of the hash chain is kept; the audit log and the administrators' home
page show the latest, and the "check now" button records a new one."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit.models import AuditCheck
from portal.core.db import db
from tests.support.forms import post_form


def _checks() -> list[AuditCheck]:
    return db.session.scalars(select(AuditCheck).order_by(AuditCheck.id)).all()


def test_the_cli_records_its_result(app, connection):
    before = len(_checks())
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    checks = _checks()
    assert len(checks) == before + 1 and checks[-1].ok and checks[-1].problem is None


def test_the_admin_home_page_asks_for_a_check_then_shows_it(matrix):
    admin = matrix.client("admin")
    home = admin.get("/dashboard").get_data(as_text=True)
    assert "The hash chain has never been checked." in home or "Last checked" in home
    response = post_form(admin, "/audit/verify", {}, form_url="/audit/")
    assert response.status_code == 303
    log = admin.get("/audit/").get_data(as_text=True)
    assert "Intact" in log
    home = admin.get("/dashboard").get_data(as_text=True)
    assert "Audit trail" not in home.split('id="shortcuts-heading"')[0]
