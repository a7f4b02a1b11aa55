"""Decisions through the real form (CSRF on): award, waitlist, over-commitment message."""

from __future__ import annotations

from portal.applications.models import Application
from portal.awards.models import Award
from portal.core.db import db
from tests.awards import helpers
from tests.support.forms import post_form


def _decide(client, application_id, **data):
    url = f"/awards/applications/{application_id}/decide"
    return post_form(client, url, data, form_url=url)


def test_award_and_waitlist_through_the_form(ctx, call, personas, as_user, outbox):
    first = helpers.recommended_application(call, personas["org_a"], personas["applicant"])
    second = helpers.recommended_application(
        call, personas["org_a"], personas["applicant"], status="under_review", title="Otro"
    )
    client = as_user(personas["grants_manager"])
    response = _decide(
        client,
        first.id,
        decision="award",
        amount="300,000.00",
        instrument="fixed_amount",
        justification="Primer lugar",
    )
    assert response.status_code == 302
    award = db.session.query(Award).filter_by(application_id=first.id).one()
    assert award.status == "approved" and len(award.commitments) == 2
    assert db.session.get(Application, first.id).status == "awarded"
    assert any("awarded" in m.subject for m in outbox(personas["applicant"].email))

    response = _decide(client, second.id, decision="waitlist", justification="Reserva")
    assert response.status_code == 302
    assert db.session.get(Application, second.id).status == "waitlisted"


def test_over_budget_award_is_refused_with_the_amount_left(ctx, call, personas, as_user):
    client = as_user(personas["grants_manager"])
    apps = [
        helpers.recommended_application(
            call, personas["org_a"], personas["applicant"], title=f"P{i}"
        )
        for i in range(5)
    ]
    for application in apps[:4]:
        _decide(
            client,
            application.id,
            decision="award",
            amount="450000.00",
            instrument="fixed_amount",
            justification="ok",
        )
    response = _decide(
        client,
        apps[4].id,
        decision="award",
        amount="300000.00",
        instrument="fixed_amount",
        justification="ok",
    )
    assert response.status_code == 422
    assert b"only MXN 200,000.00 is still uncommitted" in response.data
    assert db.session.query(Award).filter_by(application_id=apps[4].id).count() == 0
    assert db.session.get(Application, apps[4].id).status == "recommended"
