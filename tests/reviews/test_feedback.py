"""The decision after ranking and the applicant's evaluation summary."""

from __future__ import annotations

from sqlalchemy import select

from portal.applications.models import Application, StatusChange
from portal.core.db import db
from tests.reviews import helpers
from tests.support.forms import post_form
from tests.support.matrix import login


def test_decision_then_the_applicant_reads_the_summary(
    app, client, ctx, call, applications, rubric, panel, personas, second_reviewer, outbox
):
    a1 = applications["a1"]
    helpers.add_review(
        helpers.assign(a1, personas["reviewer"]),
        rubric,
        ["4", "3", "5"],
        comment="Comentario de Rita",
    )
    helpers.add_review(helpers.assign(a1, second_reviewer), rubric, ["2", "4", "4"])
    helpers.add_consensus(
        a1, rubric, ["3", "4", "5"], summary="El panel valora la mediación comunitaria."
    )

    applicant = app.test_client()
    login(applicant, personas["applicant"].email)
    url = f"/applications/{a1.id}/evaluation"
    assert applicant.get(url).status_code == 404  # no decision yet

    login(client, personas["grants_manager"].email)
    page = f"/calls/{call.code}/applications/{a1.id}/reviews"
    response = post_form(
        client,
        f"/calls/{call.code}/applications/{a1.id}/decision",
        {"status": "awarded"},
        form_url=page,
    )
    assert response.status_code == 422  # not a decision of this step
    response = post_form(
        client,
        f"/calls/{call.code}/applications/{a1.id}/decision",
        {"status": "recommended", "note": "Primer lugar."},
        form_url=page,
    )
    assert response.status_code == 302
    assert helpers.reload(Application, a1.id).status == "recommended"
    last = db.session.scalars(
        select(StatusChange)
        .where(StatusChange.application_id == a1.id)
        .order_by(StatusChange.id.desc())
    ).first()
    assert (last.to_status, last.note) == ("recommended", "Primer lugar.")
    (mail,) = [m for m in outbox(personas["applicant"].email) if m.template == "evaluation_summary"]
    assert url in mail.body_text

    status_page = applicant.get(f"/applications/{a1.id}").get_data(as_text=True)
    assert f'href="{url}"' in status_page  # the box included in the status page
    body = applicant.get(url).get_data(as_text=True)
    assert "El panel valora la mediación comunitaria." in body
    # Means: C1 (4+2)/2 = 3, C2 3.5, C3 4.5; consensus total (40×3+35×4+25×5)/500 = 77.
    assert "3.5" in body and "4.5" in body and "77 out of 100" in body
    for secret in (
        personas["reviewer"].full_name,
        second_reviewer.full_name,
        "Opinión minoritaria",
        "Comentario de Rita",
    ):
        assert secret not in body
    other = app.test_client()
    login(other, personas["other_applicant"].email)
    assert other.get(url).status_code == 404


def test_consensus_is_closed_after_the_decision(
    client, ctx, call, applications, rubric, panel, personas
):
    a1 = applications["a1"]
    helpers.add_review(helpers.assign(a1, personas["reviewer"]), rubric, ["4", "3", "5"])
    login(client, personas["grants_manager"].email)
    page = f"/calls/{call.code}/applications/{a1.id}/reviews"
    post_form(
        client,
        f"/calls/{call.code}/applications/{a1.id}/decision",
        {"status": "not_recommended"},
        form_url=page,
    )
    crit = rubric.criteria
    data = {f"score_{c.id}": "3" for c in crit} | {"summary": "Tarde."}
    response = post_form(
        client, f"/calls/{call.code}/applications/{a1.id}/consensus", data, form_url=page
    )
    assert response.status_code == 422
    assert "while the application is under review" in response.get_data(as_text=True)
