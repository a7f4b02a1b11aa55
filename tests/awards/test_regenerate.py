"""A render job that failed or is stuck is shown to the programme's staff on the award page,
who regenerate the PDF (POST, grants managers only, audited); nobody else sees the button."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.awards import operations, regeneration
from portal.awards.models import Agreement
from portal.core import unit_of_work
from portal.core.db import db
from tests.awards import helpers
from tests.support.forms import csrf_token

MANAGERS = {"grants_manager", "admin"}


def _issue_without_pdf(application, personas, monkeypatch, *, fail=False):
    """Issue an agreement whose render job fails (``fail``) or never runs (a lost job)."""
    if fail:

        def broken(agreement, signed=False):
            raise RuntimeError("WeasyPrint crashed")

        monkeypatch.setattr("portal.awards.agreement.render", broken)
    else:
        monkeypatch.setattr("portal.jobs.enqueue", lambda path, *args: None)
    award = helpers.ready_award(application, personas["grants_manager"])
    agreement = operations.issue_agreement(award, personas["grants_manager"])
    unit_of_work.commit()
    monkeypatch.undo()
    agreement = db.session.get(Agreement, agreement.id)
    assert agreement.document_id is None
    return award, agreement


def _age(agreement, minutes: int) -> None:
    """Move the issue back in time (as if the job had been lost ``minutes`` ago)."""
    agreement = db.session.get(Agreement, agreement.id)
    agreement.issued_dt = agreement.issued_dt - timedelta(minutes=minutes)
    db.session.commit()


def _actions(agreement) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "agreement", AuditEntry.object_id == str(agreement.id))
            .order_by(AuditEntry.id)
        )
    )


def test_a_stored_pdf_needs_nothing(ctx, application, personas):
    award = helpers.ready_award(application, personas["grants_manager"])
    agreement = operations.issue_agreement(award, personas["grants_manager"])
    unit_of_work.commit()
    assert agreement.document_id is not None
    assert regeneration.pending_render(agreement) is None


def test_a_lost_job_is_stuck_after_ten_minutes(ctx, application, personas, monkeypatch):
    _award, agreement = _issue_without_pdf(application, personas, monkeypatch)
    pending = regeneration.pending_render(agreement)
    assert pending is not None and not pending.signed
    assert not pending.failed and not pending.stuck and not pending.needs_attention
    later = agreement.issued_dt + regeneration.STUCK_AFTER
    assert regeneration.pending_render(agreement, now=later).stuck


def test_a_failed_job_is_recorded_and_shown_at_once(ctx, application, personas, monkeypatch):
    _award, agreement = _issue_without_pdf(application, personas, monkeypatch, fail=True)
    assert "agreement.render_failed" in _actions(agreement)
    pending = regeneration.pending_render(agreement)
    assert pending.failed and pending.needs_attention and not pending.stuck


def test_managers_see_the_problem_and_regenerate(ctx, application, personas, as_user, monkeypatch):
    award, agreement = _issue_without_pdf(application, personas, monkeypatch, fail=True)
    staff = as_user(personas["grants_manager"])
    page = staff.get(f"/awards/{award.id}").get_data(as_text=True)
    assert 'data-render="failed"' in page and "Regenerate agreement" in page
    grantee_page = as_user(personas["applicant"]).get(f"/awards/{award.id}").get_data(as_text=True)
    assert "Regenerate agreement" not in grantee_page and "Being generated" in grantee_page

    url = f"/agreements/{agreement.id}/regenerate"
    response = staff.post(url, data={"csrf_token": csrf_token(staff, f"/awards/{award.id}")})
    assert response.status_code == 302
    agreement = db.session.get(Agreement, agreement.id)
    db.session.refresh(agreement)
    assert agreement.document_id is not None  # rendered after the request's commit
    assert agreement.number in helpers.flat_text(helpers.stored_bytes(agreement.document_id))
    requested = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "agreement.render_requested",
            AuditEntry.object_id == str(agreement.id),
        )
    )
    assert requested.user_id == personas["grants_manager"].id
    assert requested.changes["failed"] is True and requested.changes["signed"] is False
    assert _actions(agreement)[-1] == "agreement.rendered"
    page = staff.get(f"/awards/{award.id}").get_data(as_text=True)
    assert "Regenerate agreement" not in page


def test_a_render_still_within_its_time_is_not_regenerated(
    ctx, application, personas, as_user, monkeypatch
):
    award, agreement = _issue_without_pdf(application, personas, monkeypatch)
    staff = as_user(personas["grants_manager"])
    assert "Regenerate agreement" not in staff.get(f"/awards/{award.id}").get_data(as_text=True)
    url = f"/agreements/{agreement.id}/regenerate"
    staff.post(url, data={"csrf_token": csrf_token(staff, f"/awards/{award.id}")})
    assert db.session.get(Agreement, agreement.id).document_id is None
    assert "agreement.render_requested" not in _actions(agreement)

    _age(agreement, 11)
    page = staff.get(f"/awards/{award.id}").get_data(as_text=True)
    assert 'data-render="stuck"' in page and "Regenerate agreement" in page


def test_a_missing_signed_pdf_is_regenerated_too(ctx, application, personas, monkeypatch):
    award = helpers.ready_award(application, personas["grants_manager"])
    agreement = operations.issue_agreement(award, personas["grants_manager"])
    unit_of_work.commit()
    agreement.signed_content_hash = "0" * 64  # countersigned, its signed render lost
    db.session.commit()
    pending = regeneration.pending_render(agreement)
    assert pending.signed and not pending.needs_attention
    later = pending.since + timedelta(minutes=11)
    assert regeneration.pending_render(agreement, now=later).stuck


def test_regenerate_access(ctx, matrix, application, personas, monkeypatch):
    _award, agreement = _issue_without_pdf(application, personas, monkeypatch)
    _age(agreement, 11)
    # The grants manager (asked before the admin) regenerates; the admin is then told there is
    # nothing left to regenerate (a flashed refusal, still a redirect to the award).
    matrix.check(f"/agreements/{agreement.id}/regenerate", MANAGERS, method="POST")
    assert _actions(agreement).count("agreement.render_requested") == 1
    matrix.check("/agreements/999999/regenerate", set(), method="POST")
