"""Home-page tasks of the closeout (issue 16): grants managers see their grants in closeout
with the checklist's progress; the grantee sees what it still owes; other organisations and
programmes see nothing."""

from __future__ import annotations

from portal.closeout import checklist
from portal.core.db import db
from portal.dashboard.tasks import tasks_for
from portal.finance import operations as finance_operations
from tests.closeout import helpers


def _group(user, key):
    from flask_babel import force_locale

    with force_locale("en"):
        return next((g for g in tasks_for(user) if g.key == key), None)


def test_grants_in_closeout_and_what_the_grantee_owes(app, award, personas, as_user):
    with app.test_request_context():
        manager = _group(personas["grants_manager"], "closeout")
        assert manager.total == 1
        (task,) = manager.tasks
        assert task.detail == "Checklist: 2 of 6 items done."  # no advance, nothing to refund
        assert task.url.endswith(f"/closeout/grants/{award.id}")
        owed = _group(personas["applicant"], "closeout_owed")
        assert owed.total == 1
        assert "final progress report" in owed.tasks[0].action
        assert "co-finance certification" in owed.tasks[0].action
        assert not _group(personas["other_applicant"], "closeout_owed")
        assert _group(personas["finance_officer"], "closeout") is None
        assert not _group(personas["finance_officer"], "closeout_refunds")  # no advance
    # An outstanding advance is one item less, as on the checklist.
    award, personas = helpers.fresh(award, personas)
    award.advance_limit = 50000
    finance_operations.record_advance(
        award, personas["finance_officer"], helpers.entry("10000", "adv")
    )
    helpers.ready_to_close(award, personas)
    with app.test_request_context():
        (task,) = _group(personas["grants_manager"], "closeout").tasks
        assert task.detail == "Checklist: 4 of 6 items done."
        assert not _group(personas["applicant"], "closeout_owed")
        # Finance sees the advance to settle (the refund is theirs to record).
        (settle,) = _group(personas["finance_officer"], "closeout_refunds").tasks
        assert settle.detail == "Advance outstanding: MXN\xa010,000.00."
        assert settle.url.endswith(f"/finance/grants/{award.id}#refund")
        assert _group(personas["grants_manager"], "closeout_refunds") is None
    db.session.commit()
    home = as_user(personas["grants_manager"]).get("/dashboard").get_data(as_text=True)
    assert "Grants in closeout" in home


def test_before_the_end_date_nothing_shows(app, award, personas, monkeypatch):
    from datetime import date

    monkeypatch.setattr(checklist, "today", lambda: date(2027, 6, 1))
    with app.test_request_context():
        assert not _group(personas["grants_manager"], "closeout")
        assert not _group(personas["applicant"], "closeout_owed")
