"""Building the rubric and the panel through the real forms."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.reviews.models import Criterion, Panel, PanelMember, Rubric
from tests.reviews import helpers
from tests.support.forms import post_form
from tests.support.matrix import login

CRITERION = {
    "title_es": "Pertinencia",
    "title_en": "Relevance",
    "guidance_es": "¿Responde a una necesidad?",
    "guidance_en": "Does it meet a need?",
    "weight": "40",
    "max_score": "5",
    "min_score": "3",
    "comments_required": "y",
}


def _manager(client, personas):
    login(client, personas["grants_manager"].email)


def test_add_criteria_and_publish_them_on_the_call_page(client, app, call, personas):
    _manager(client, personas)
    url = f"/calls/{call.code}/rubric/criteria/new"
    assert post_form(client, url, CRITERION, form_url=url).status_code == 302
    second = {
        **CRITERION,
        "title_es": "Viabilidad",
        "title_en": "Feasibility",
        "weight": "35,5",
        "min_score": "",
    }
    assert post_form(client, url, second, form_url=url).status_code == 302
    rows = db.session.scalars(select(Criterion).order_by(Criterion.position)).all()
    assert [(c.title_en, c.weight, c.max_score, c.min_score, c.position) for c in rows] == [
        ("Relevance", Decimal("40.00"), Decimal("5.0"), Decimal("3.0"), 0),
        ("Feasibility", Decimal("35.50"), Decimal("5.0"), None, 1),
    ]
    assert rows[0].comments_required
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "review.criterion_added")
    )

    anonymous = app.test_client()
    page = anonymous.get(f"/calls/{call.code}?lang=en").get_data(as_text=True)
    assert "How applications are evaluated" in page
    assert "Relevance" in page and "Feasibility" in page and "35.5" in page
    assert "Open the evaluation of this call" not in page  # staff box only for managers


def test_bad_criterion_changes_nothing(client, call, personas):
    _manager(client, personas)
    url = f"/calls/{call.code}/rubric/criteria/new"
    bad = {**CRITERION, "weight": "0", "max_score": "5", "min_score": "6"}
    response = post_form(client, url, bad, form_url=url)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Enter a weight greater than 0" in body
    assert db.session.scalars(select(Criterion)).all() == []
    response = post_form(client, url, {**CRITERION, "min_score": "2.5"}, form_url=url)
    assert "Use whole points" in response.get_data(as_text=True)
    response = post_form(client, url, {**CRITERION, "weight": "abc"}, form_url=url)
    assert "Enter a number such as 3 or 3.5." in response.get_data(as_text=True)
    assert db.session.scalars(select(Criterion)).all() == []


def test_rubric_settings_and_tie_break(client, ctx, call, personas):
    rubric = helpers.make_rubric(call)
    _manager(client, personas)
    url = f"/calls/{call.code}/rubric"
    tie = rubric.criteria[1].id
    data = {
        "half_points": "y",
        "overall_threshold": "60",
        "tie_criterion_id": tie,
        "tie_use_cofinance": "y",
    }
    assert post_form(client, url, data, form_url=url).status_code == 302
    rubric = helpers.reload(Rubric, rubric.id)
    assert rubric.half_points and rubric.overall_threshold == Decimal("60.00")
    assert rubric.tie_criterion.id == tie and rubric.tie_use_cofinance
    response = post_form(client, url, {**data, "overall_threshold": "120"}, form_url=url)
    assert "between 0 and 100" in response.get_data(as_text=True)


def test_structure_locks_after_the_first_submitted_review(
    client, ctx, call, applications, personas
):
    rubric = helpers.make_rubric(call)
    assignment = helpers.assign(applications["a1"], personas["reviewer"])
    helpers.add_review(assignment, rubric, ["4", "4", "4"])
    _manager(client, personas)
    first = rubric.criteria[0]
    url = f"/calls/{call.code}/rubric/criteria/{first.id}"
    response = post_form(client, url, {**CRITERION, "weight": "50"}, form_url=url)
    assert "can no longer change" in response.get_data(as_text=True)
    assert helpers.reload(Criterion, first.id).weight == Decimal("40.00")
    # Text and thresholds may still change.
    response = post_form(
        client, url, {**CRITERION, "title_en": "Relevance (revised)", "weight": "40"}, form_url=url
    )
    assert response.status_code == 302
    assert helpers.reload(Criterion, first.id).title_en == "Relevance (revised)"
    new = f"/calls/{call.code}/rubric/criteria/new"
    assert "can no longer change" in post_form(client, new, CRITERION, form_url=new).get_data(
        as_text=True
    )


def test_panel_settings_members_and_chair(client, ctx, call, personas, second_reviewer, outbox):
    _manager(client, personas)
    url = f"/calls/{call.code}/panel"
    add = f"/calls/{call.code}/panel/members"
    assert (
        post_form(client, add, {"user_id": personas["reviewer"].id}, form_url=url).status_code
        == 302
    )
    assert post_form(client, add, {"user_id": second_reviewer.id}, form_url=url).status_code == 302
    # Someone without the reviewer role is not offered and is refused.
    response = post_form(client, add, {"user_id": personas["applicant"].id}, form_url=url)
    assert response.status_code == 422
    settings = {"reviewers_per_application": "2", "blind": "y", "chair_id": second_reviewer.id}
    assert post_form(client, url, settings, form_url=url).status_code == 302
    panel = db.session.scalars(select(Panel)).one()
    assert panel.member_ids() == [personas["reviewer"].id, second_reviewer.id]
    assert (panel.reviewers_per_application, panel.blind, panel.show_scores_after_submit) == (
        2,
        True,
        False,
    )
    assert panel.chair_id == second_reviewer.id
    assert {m.template for m in outbox(second_reviewer.email)} == {"review_panel_added"}
    # The chair must be on the panel.
    response = post_form(client, url, {**settings, "chair_id": personas["admin"].id}, form_url=url)
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_invite_an_external_expert(client, ctx, call, personas, outbox):
    _manager(client, personas)
    url = f"/calls/{call.code}/panel"
    data = {"full_name": "Experta Externa", "email": "Experta@Example.org", "locale": "en"}
    assert post_form(client, f"{url}/invite", data, form_url=url).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "experta@example.org"))
    assert user.roles == {Role.REVIEWER} and user.password_hash is None
    assert db.session.scalar(select(PanelMember).where(PanelMember.user_id == user.id))
    assert [m.template for m in outbox(user.email)] == ["staff_invitation", "review_panel_added"]
    response = post_form(client, f"{url}/invite", {**data, "email": "not-an-email"}, form_url=url)
    assert response.status_code == 422


def test_member_with_assignments_cannot_be_removed(
    client, ctx, call, applications, personas, second_reviewer
):
    panel = helpers.make_panel(call, [personas["reviewer"], second_reviewer], chair=second_reviewer)
    helpers.assign(applications["a1"], second_reviewer)
    _manager(client, personas)
    member = next(m for m in panel.members if m.user_id == second_reviewer.id)
    url = f"/calls/{call.code}/panel"
    response = post_form(
        client, f"{url}/members/{member.id}/remove", {}, form_url=url, follow_redirects=True
    )
    assert "remove them first" in response.get_data(as_text=True)
    other = next(m for m in panel.members if m.user_id == personas["reviewer"].id)
    post_form(client, f"{url}/members/{other.id}/remove", {}, form_url=url)
    assert helpers.reload(Panel, panel.id).member_ids() == [second_reviewer.id]


def test_reviews_due_date_is_set_and_checked(client, ctx, call, personas):
    """The grants manager sets the day reviews are due; it may not fall before the call
    closes (the reviewers' home pages show it: tests/dashboard)."""
    from datetime import timedelta

    from portal.reviews.operations import call_closing_day

    _manager(client, personas)
    url = f"/calls/{call.code}/panel"
    add = f"/calls/{call.code}/panel/members"
    post_form(client, add, {"user_id": personas["reviewer"].id}, form_url=url)
    closes = call_closing_day(call)
    settings = {"reviewers_per_application": "1", "blind": "y", "chair_id": "0"}

    early = (closes - timedelta(days=1)).isoformat()
    response = post_form(client, url, {**settings, "reviews_due": early}, form_url=url)
    assert response.status_code != 302
    assert "Reviews cannot be due before the call closes" in response.get_data(as_text=True)
    assert db.session.scalars(select(Panel)).one().reviews_due is None

    due = closes + timedelta(days=14)
    response = post_form(client, url, {**settings, "reviews_due": due.isoformat()}, form_url=url)
    assert response.status_code == 302
    assert db.session.scalars(select(Panel)).one().reviews_due == due
    entry = db.session.scalars(
        select(AuditEntry).filter_by(action="review.panel_updated").order_by(AuditEntry.id.desc())
    ).first()
    assert "reviews_due" in entry.changes
