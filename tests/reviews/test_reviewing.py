"""A reviewer's path: declaration, reading (blind), scoring, submitting; staff reopening."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.reviews.models import Assignment, Panel, Review
from tests.documents.samples import pdf
from tests.reviews import helpers
from tests.support.field_errors import field_errors
from tests.support.forms import post_form
from tests.support.matrix import login


def upload(application, user, name="Plan de trabajo Org A A.C. RFC.pdf"):
    from portal.applications.documents import application_owner
    from portal.documents.operations import receive_upload, start_upload

    owner = application_owner(application)
    slot = owner.document_slot("workplan")
    document = start_upload(owner, slot, user, filename=name)
    outcome = receive_upload(document, slot, io.BytesIO(pdf()))
    assert outcome.ok, outcome.message
    db.session.commit()
    return document


@pytest.fixture
def setup(ctx, call, applications, rubric, panel, personas):
    a1 = applications["a1"]
    document = upload(a1, personas["applicant"])
    assignment = helpers.assign(a1, personas["reviewer"])
    return {"application": a1, "assignment": assignment, "document": document}


@pytest.fixture
def reviewer(client, personas):
    login(client, personas["reviewer"].email)
    return client


def _declare(client, assignment, data):
    page = f"/reviews/assignments/{assignment.id}"
    return post_form(client, f"{page}/declare", data, form_url=page)


def _scores(rubric, values, comments=("Sólido.", "", "")):
    data = {}
    for criterion, value, comment in zip(rubric.criteria, values, comments, strict=True):
        data[f"score_{criterion.id}"] = value
        data[f"comment_{criterion.id}"] = comment
    return data


def test_nothing_is_readable_before_the_declaration(reviewer, setup):
    assignment, document = setup["assignment"], setup["document"]
    page = reviewer.get(f"/reviews/assignments/{assignment.id}").get_data(as_text=True)
    assert "Record my declaration" in page
    assert "Resumen del proyecto" not in page  # answers hidden
    assert "Org A A.C." not in page
    assert (
        reviewer.get(f"/reviews/assignments/{assignment.id}/documents/{document.id}").status_code
        == 404
    )
    response = post_form(
        reviewer,
        f"/reviews/assignments/{assignment.id}/review",
        {},
        form_url=f"/reviews/assignments/{assignment.id}",
    )
    assert response.status_code == 403


def test_declare_no_conflict_then_read_blind(reviewer, setup, personas):
    assignment, document = setup["assignment"], setup["document"]
    assert _declare(reviewer, assignment, {"conflict": "no"}).status_code == 302
    row = helpers.reload(Assignment, assignment.id)
    assert row.conflict is False and row.declared_dt is not None
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "review.no_conflict_declared")
    )
    page = reviewer.get(f"/reviews/assignments/{assignment.id}").get_data(as_text=True)
    assert "Resumen del proyecto" in page
    for hidden in ("Org A A.C.", personas["org_a"].rfc, "Plan de trabajo Org A", "Ana Aplicante"):
        assert hidden not in page, hidden
    assert "Document 1.pdf" in page
    response = reviewer.get(f"/reviews/assignments/{assignment.id}/documents/{document.id}")
    assert response.status_code == 200
    assert "Document 1.pdf" in response.headers["Content-Disposition"]
    assert "Org" not in response.headers["Content-Disposition"]
    assert response.data.startswith(b"%PDF")
    # A second declaration is refused.
    assert _declare(reviewer, assignment, {"conflict": "yes", "note": "x"}).status_code == 422


def test_not_blind_shows_the_applicant(reviewer, setup, personas):
    panel = db.session.scalars(select(Panel)).one()
    panel.blind = False
    db.session.commit()
    _declare(reviewer, setup["assignment"], {"conflict": "no"})
    page = reviewer.get(f"/reviews/assignments/{setup['assignment'].id}").get_data(as_text=True)
    assert "Org A A.C." in page and "Plan de trabajo Org A A.C. RFC.pdf" in page


def test_conflict_recuses_and_flags_the_gap(reviewer, setup, personas, outbox):
    assignment = setup["assignment"]
    response = _declare(reviewer, assignment, {"conflict": "yes", "note": ""})
    assert response.status_code == 422
    assert "Describe the conflict of interest." in response.get_data(as_text=True)
    assert helpers.reload(Assignment, assignment.id).conflict is None
    response = _declare(
        reviewer, assignment, {"conflict": "yes", "note": "Trabajé con la organización."}
    )
    assert response.status_code == 302
    assert helpers.reload(Assignment, assignment.id).conflict is True
    mails = outbox(personas["grants_manager"].email)
    assert [m.template for m in mails] == ["review_conflict"]
    assert "Trabajé con la organización." in mails[0].body_text
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "review.conflict_declared")
    )
    assert entry.changes["note"] == "Trabajé con la organización."
    # The application stays closed to them.
    page = reviewer.get(f"/reviews/assignments/{assignment.id}").get_data(as_text=True)
    assert "recused" in page and "Resumen del proyecto" not in page


def test_save_draft_validate_and_submit(reviewer, setup, rubric, personas):
    assignment = setup["assignment"]
    _declare(reviewer, assignment, {"conflict": "no"})
    url, page = (
        f"/reviews/assignments/{assignment.id}/review",
        f"/reviews/assignments/{assignment.id}",
    )
    # Half points are not allowed in this rubric; out of range refused.
    response = post_form(
        reviewer, url, {**_scores(rubric, ["4.5", "6", ""]), "action": "save"}, form_url=page
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    # The rule is stated in full on the refused fields; the inputs carry it for the browser.
    first, second, third = (f"score_{c.id}" for c in rubric.criteria)
    assert field_errors(body, first) == ["Enter a whole number from 0 to 5."]
    assert field_errors(body, second) == ["Enter a whole number from 0 to 5."]
    assert field_errors(body, third) == []
    tag = re.search(rf'<input[^>]*id="{first}"[^>]*>', body).group(0)
    assert 'min="0"' in tag and 'max="5"' in tag and 'step="1"' in tag
    assert 'aria-invalid="true"' in tag and f"{first}-error-1" in tag
    assert db.session.scalars(select(Review)).all() == []
    # A partial draft saves (Spanish decimal comma accepted).
    response = post_form(
        reviewer, url, {**_scores(rubric, ["4", "3,0", ""]), "action": "save"}, form_url=page
    )
    assert response.status_code == 302
    review = db.session.scalars(select(Review)).one()
    assert review.status == "draft" and review.points is None
    # Submitting needs every score and the required comment (criterion 1 here).
    helpers_rubric = rubric.criteria[0]
    from portal.reviews.models import Criterion

    db.session.get(Criterion, helpers_rubric.id).comments_required = True
    db.session.commit()
    response = post_form(
        reviewer,
        url,
        {**_scores(rubric, ["4", "3", ""], ("", "", "")), "action": "submit"},
        form_url=page,
    )
    body = response.get_data(as_text=True)
    assert "Score this criterion before submitting." in body
    assert "A comment is required for this criterion." in body
    assert helpers.reload(Review, review.id).status == "draft"
    response = post_form(
        reviewer,
        url,
        {**_scores(rubric, ["4", "3", "5"]), "action": "submit", "overall_comment": "Bien."},
        form_url=page,
    )
    assert response.status_code == 302
    review = helpers.reload(Review, review.id)
    # 40×4 + 35×3 + 25×5 = 390
    assert review.status == "submitted" and review.points == Decimal("390.000")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "review.submitted"))
    assert entry.changes["total"] == "78.00"
    # Immutable once submitted.
    response = post_form(
        reviewer, url, {**_scores(rubric, ["1", "1", "1"]), "action": "submit"}, form_url=page
    )
    assert response.status_code == 422
    assert "can no longer be changed" in response.get_data(as_text=True)
    assert helpers.reload(Review, review.id).points == Decimal("390.000")


def test_half_point_scale_is_stated_and_enforced(reviewer, setup, rubric, personas):
    """Scores such as 7 or 2.3 are refused with the whole rule; the input states the scale."""
    rubric.half_points = True
    db.session.commit()
    assignment = setup["assignment"]
    _declare(reviewer, assignment, {"conflict": "no"})
    url, page = (
        f"/reviews/assignments/{assignment.id}/review",
        f"/reviews/assignments/{assignment.id}",
    )
    form_page = reviewer.get(page).get_data(as_text=True)
    first, second, third = (f"score_{c.id}" for c in rubric.criteria)
    tag = re.search(rf'<input[^>]*id="{first}"[^>]*>', form_page).group(0)
    assert 'type="number"' in tag and 'min="0"' in tag and 'max="5"' in tag
    assert 'step="0.5"' in tag and f'aria-describedby="{first}-help"' in tag
    rule = "Enter a score from 0 to 5 in whole or half points, such as 3 or 3.5."
    response = post_form(
        reviewer, url, {**_scores(rubric, ["7", "2.3", "3,5"]), "action": "save"}, form_url=page
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(body, first) == [rule] and field_errors(body, second) == [rule]
    assert field_errors(body, third) == []
    assert db.session.scalars(select(Review)).all() == []
    response = post_form(
        reviewer, url, {**_scores(rubric, ["4.5", "0", "3,5"]), "action": "save"}, form_url=page
    )
    assert response.status_code == 302
    assert db.session.scalars(select(Review)).one().status == "draft"


def test_staff_reopen_with_a_logged_reason(client, app, setup, rubric, call, personas, outbox):
    review = helpers.add_review(setup["assignment"], rubric, ["4", "3", "5"])
    login(client, personas["grants_manager"].email)
    page = f"/calls/{call.code}/applications/{setup['application'].id}/reviews"
    url = f"/calls/{call.code}/reviews/{review.id}/reopen"
    response = post_form(client, url, {"reason": ""}, form_url=page, follow_redirects=True)
    assert "Give the reason" in response.get_data(as_text=True)
    assert helpers.reload(Review, review.id).is_submitted
    post_form(client, url, {"reason": "Puntuación de C3 fuera de escala."}, form_url=page)
    row = helpers.reload(Review, review.id)
    assert (row.status, row.points, row.reopen_reason) == (
        "draft",
        None,
        "Puntuación de C3 fuera de escala.",
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "review.reopened"))
    assert entry.changes["reason"] == "Puntuación de C3 fuera de escala."
    assert [m.template for m in outbox(personas["reviewer"].email)] == ["review_reopened"]


def test_other_scores_only_after_submitting_and_never_drafts(
    ctx, reviewer, setup, rubric, personas, second_reviewer
):
    panel = db.session.scalars(select(Panel)).one()
    panel.show_scores_after_submit = True
    db.session.commit()
    other = helpers.assign(setup["application"], second_reviewer)
    helpers.add_review(other, rubric, ["1", "2", "2"])
    third = helpers.assign(setup["application"], personas["admin"])  # a draft by someone else
    helpers.add_review(third, rubric, ["5", "5", "5"], submitted=False)
    mine = helpers.add_review(setup["assignment"], rubric, ["4", "3", "5"], submitted=False)
    url = f"/reviews/assignments/{setup['assignment'].id}"
    assert "The other reviews" not in reviewer.get(url).get_data(as_text=True)
    mine = helpers.reload(Review, mine.id)
    mine.status, mine.points = "submitted", Decimal(390)
    from portal.core.db import now_utc

    mine.submitted_dt = now_utc()
    db.session.commit()
    page = reviewer.get(url).get_data(as_text=True)
    assert "The other reviews" in page and "Reviewer 1" in page
    assert "Reviewer 2" not in page  # the draft is never shown
    assert second_reviewer.full_name not in page


def test_blind_applicant_contribution_is_not_labelled_twice(app):
    """Blind: "The applicant", not "The applicant (The applicant itself)"; named otherwise."""
    from types import SimpleNamespace

    from portal.reviews.presenter import _source

    source = SimpleNamespace(
        contributor_name="Org A A.C.",
        contributor_type="applicant",
        contributor_label="The applicant itself",
        nature_label="Cash",
        counts_as_label="Cost share",
        amount=Decimal("1000.00"),
        valuation_basis=None,
    )
    with app.test_request_context("/?lang=en"):
        blind = _source(source, blind=True)
        named = _source(source, blind=False)
        html = app.jinja_env.get_template("reviews/_application.html").render(
            organisation=None,
            questions=[],
            files=[],
            lines=[],
            sources=[blind],
            totals=SimpleNamespace(
                requested=Decimal(0),
                cost_share=Decimal(0),
                total_project_cost=Decimal(0),
                leverage=Decimal(0),
                cofinance_pct=Decimal(0),
            ),
            categories=[],
            application=SimpleNamespace(currency="MXN"),
            assignment=None,
        )
    assert (str(blind.contributor), blind.contributor_label) == ("The applicant", "")
    assert (named.contributor, named.contributor_label) == ("Org A A.C.", "The applicant itself")
    assert "The applicant ·" in html and "The applicant itself" not in html
