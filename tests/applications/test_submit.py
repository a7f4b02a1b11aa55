"""The checklist and the submission: refused when anything is missing, late, over the award
limit or short of co-finance; on success locked, numbered, snapshotted, e-mailed and
acknowledged with a PDF."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portal.applications import operations
from portal.applications.models import StatusChange
from portal.calls.form_operations import update_question
from portal.calls.models import Call
from portal.core.db import db, now_utc
from portal.documents.models import Document
from tests.applications import helpers
from tests.support.factories import add_member, make_user
from tests.support.forms import post_form


def text(response) -> str:
    return response.get_data(as_text=True)


def submit_form(client, application):
    url = f"/applications/{application.id}/submit"
    return post_form(client, url, {"confirm": "y"}, form_url=url)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# The checklist -------------------------------------------------------------------------------
def test_checklist_lists_everything_missing_with_links(as_user, personas, draft):
    page = text(as_user(personas["applicant"]).get(f"/applications/{draft.id}/submit"))
    base = f"/applications/{draft.id}"
    for anchor, message in (
        ("/edit#title", "Give the application a title."),
        ("/edit#q_project_title", "Answer “Project title”."),
        ("/edit#q_themes", "Answer “Themes”."),
        ("/edit#slot-workplan", "Upload the document “Work plan”."),
        ("/budget#lines", "Add at least one line to the budget."),
    ):
        assert f'href="{base}{anchor}">{message}</a>' in page, message
    assert "Answer “Partners”." not in page  # hidden: has_partners is not "yes"


def test_a_complete_draft_has_an_empty_checklist(as_user, personas, ready):
    page = text(as_user(personas["applicant"]).get(f"/applications/{ready.id}/submit"))
    assert "Everything is complete" in page


# Refusals ------------------------------------------------------------------------------------
def test_late_submission_is_refused_although_the_page_was_shown_in_time(
    as_user, personas, ready, call
):
    client = as_user(personas["applicant"])
    url = f"/applications/{ready.id}/submit"
    form_page = text(client.get(url))
    assert "Submit the application" in form_page
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form_page).group(1)
    db.session.get(Call, call.id).closes_dt = now_utc() - timedelta(seconds=1)
    db.session.commit()

    response = client.post(url, data={"csrf_token": token, "confirm": "y"})
    assert response.status_code == 422
    assert "Your application was not submitted" in text(response)
    assert "The deadline of the call has passed" in text(response)
    saved = helpers.reload(ready.id)
    assert saved.status == "draft" and saved.reference is None


def test_deadline_passing_during_the_submission_is_refused(app, personas, ready, monkeypatch):
    """The clock is read again at the commit point, not only when the checks start."""
    call = db.session.get(Call, ready.call_id)
    times = iter([call.closes_dt - timedelta(seconds=1), call.closes_dt])
    monkeypatch.setattr(operations, "now_utc", lambda: next(times, call.closes_dt))
    with helpers.request_context(app):
        with pytest.raises(operations.SubmissionRefusedError) as refused:
            operations.submit(operations.load_full(ready.id), personas["applicant"])
        db.session.rollback()
    assert "deadline" in refused.value.problems[0].message
    assert helpers.reload(ready.id).reference is None


def test_a_submission_that_arrived_before_the_deadline_is_accepted_when_reached_after(
    app, personas, ready, monkeypatch
):
    """In the last-minute rush a worker or a lock may reach a submission after the deadline:
    what counts is when it arrived (``received_at``), not when its turn came."""
    call = db.session.get(Call, ready.call_id)
    monkeypatch.setattr(operations, "now_utc", lambda: call.closes_dt + timedelta(seconds=5))
    with helpers.request_context(app):
        submitted = operations.submit(
            operations.load_full(ready.id),
            personas["applicant"],
            received_at=call.closes_dt - timedelta(seconds=1),
        )
        assert submitted.reference
        assert submitted.submitted_dt == call.closes_dt + timedelta(seconds=5)  # the real time
        db.session.rollback()


@pytest.mark.parametrize("arrived", [timedelta(seconds=1), -timedelta(seconds=61)])
def test_arrival_after_the_deadline_or_too_long_ago_is_refused(
    app, personas, ready, monkeypatch, arrived
):
    """Arriving after the deadline is late; an arrival more than ``RECEIVED_AT_MAX_WAIT`` (60 s)
    before the commit is not believed (a request trickled in slowly buys no time)."""
    call = db.session.get(Call, ready.call_id)
    monkeypatch.setattr(operations, "now_utc", lambda: call.closes_dt + timedelta(seconds=2))
    with helpers.request_context(app):
        with pytest.raises(operations.SubmissionRefusedError) as refused:
            operations.submit(
                operations.load_full(ready.id),
                personas["applicant"],
                received_at=call.closes_dt + arrived,
            )
        db.session.rollback()
    assert "deadline" in refused.value.problems[0].message
    assert helpers.reload(ready.id).reference is None


def _closed_seconds_ago(ready, seconds: int) -> None:
    call = db.session.get(Call, ready.call_id)
    call.closes_dt = now_utc() - timedelta(seconds=seconds)
    db.session.commit()


def _stamp(seconds_ago: float) -> dict:
    return {"X-Request-Start": f"t={now_utc().timestamp() - seconds_ago:.3f}"}


def test_a_trusted_proxy_stamp_of_arrival_before_the_deadline_is_honoured(
    app, as_user, personas, ready
):
    """Behind a trusted proxy (PROXY_FIX_HOPS) its X-Request-Start stamp says when the request
    arrived, so time queued for a busy worker counts as before the deadline."""
    _closed_seconds_ago(ready, 3)
    client = as_user(personas["applicant"])
    url = f"/applications/{ready.id}/submit"
    app.config["PROXY_FIX_HOPS"] = 1
    try:
        response = post_form(client, url, {"confirm": "y"}, form_url=url, headers=_stamp(5))
    finally:
        app.config["PROXY_FIX_HOPS"] = 0
    assert response.status_code == 302, text(response)
    assert helpers.reload(ready.id).reference


@pytest.mark.parametrize("hops, seconds_ago", [(0, 5), (1, 90)])
def test_an_untrusted_or_too_old_stamp_is_ignored(app, as_user, personas, ready, hops, seconds_ago):
    """Without a trusted proxy the header is the client's word; and no stamp is believed more
    than RECEIVED_AT_MAX_WAIT seconds back."""
    _closed_seconds_ago(ready, 3)
    client = as_user(personas["applicant"])
    url = f"/applications/{ready.id}/submit"
    app.config["PROXY_FIX_HOPS"] = hops
    try:
        response = post_form(
            client, url, {"confirm": "y"}, form_url=url, headers=_stamp(seconds_ago)
        )
    finally:
        app.config["PROXY_FIX_HOPS"] = 0
    assert response.status_code == 422
    assert "deadline" in text(response)
    assert helpers.reload(ready.id).reference is None


def test_over_the_maximum_award_is_refused(app, as_user, personas, call):
    application = helpers.complete(app, call, personas["org_a"], personas["applicant"])
    lines = [dict(helpers.LINES[0], requested=Decimal("600000.00"))]
    helpers.fill(app, application, personas["applicant"], lines=lines)
    response = submit_form(as_user(personas["applicant"]), application)
    assert response.status_code == 422
    assert (
        "The amount requested (MXN\xa0600,000.00) is above the call&#39;s maximum award of "
        "MXN\xa0500,000.00." in text(response)
    )
    assert helpers.reload(application.id).status == "draft"


def test_cofinance_shortfall_is_refused_with_what_is_missing(app, as_user, personas, call):
    application = helpers.complete(app, call, personas["org_a"], personas["applicant"])
    lines = [dict(helpers.LINES[0], requested=Decimal("300000.00"), cofinance=Decimal("50000"))]
    sources = [dict(helpers.SOURCES[0], amount=Decimal("50000.00"))]
    helpers.fill(app, application, personas["applicant"], lines=lines, sources=sources)
    response = submit_form(as_user(personas["applicant"]), application)
    assert response.status_code == 422
    # 50,000 ÷ 350,000 = 14.28 %; 25,000 more makes 75,000 ÷ 375,000 = 20 %.
    assert (
        "Co-finance is 14.28% of the total project cost; the call requires at least 20%. "
        "Add at least MXN\xa025,000.00 of co-finance counted as cost share." in text(response)
    )
    assert helpers.reload(application.id).status == "draft"


def test_lines_and_sources_must_agree_and_letters_are_needed(app, personas, call):
    application = helpers.complete(app, call, personas["org_a"], personas["applicant"])
    sources = [dict(helpers.SOURCES[0], contributor_type="private_company", amount=Decimal(90000))]
    helpers.fill(app, application, personas["applicant"], sources=sources)
    with helpers.request_context(app), pytest.raises(operations.SubmissionRefusedError) as refused:
        operations.submit(operations.load_full(application.id), personas["applicant"])
    messages = [p.message for p in refused.value.problems]
    assert any("must equal the cost share committed" in m for m in messages)
    assert "Upload the commitment letter of La propia organización." in messages


# Success -------------------------------------------------------------------------------------
def test_submission_locks_numbers_emails_and_acknowledges(
    app, as_user, personas, ready, call, outbox
):
    client = as_user(personas["applicant"])
    response = submit_form(client, ready)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{ready.id}")

    saved = helpers.reload(ready.id)
    assert saved.status == "submitted" and saved.reference == f"{call.code}-0001"
    assert saved.form_version == 1 and saved.form_snapshot["call"] == call.code
    assert saved.submitted_by_id == personas["applicant"].id
    changes = db.session.scalars(
        select(StatusChange).filter_by(application_id=ready.id).order_by(StatusChange.id)
    ).all()
    assert [(c.from_status, c.to_status) for c in changes] == [
        (None, "draft"),
        ("draft", "submitted"),
    ]

    (mail,) = outbox(personas["applicant"].email)
    assert mail.subject == f"Application {saved.reference} received"
    assert "/acknowledgement" in mail.body_text and "In UTC:" in mail.body_text

    status_page = text(client.get(f"/applications/{ready.id}"))
    assert saved.reference in status_page and "Timeline" in status_page
    assert client.get(f"/applications/{ready.id}/edit").status_code == 302  # locked
    budget = post_form(
        client,
        f"/applications/{ready.id}/budget",
        {"version_id": "9"},
        form_url=f"/applications/{ready.id}",
    )
    assert budget.status_code == 302 and helpers.reload(ready.id).lines

    # The PDF was generated right after the submission and is stored as a document.
    stored = db.session.scalars(
        select(Document).filter_by(
            owner_type="application", owner_id=ready.id, slot="acknowledgement"
        )
    ).all()
    assert len(stored) == 1 and stored[0].content_type == "application/pdf"
    download = client.get(f"/applications/{ready.id}/acknowledgement")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    body = pdf_text(download.data)
    workplan = db.session.scalars(
        select(Document).filter_by(owner_type="application", owner_id=ready.id, slot="workplan")
    ).one()
    squashed = re.sub(r"\s+", "", body)
    assert saved.reference in body
    assert "Mediación comunitaria" in body and "Centros de mediación en colonias." in body
    assert "MXN\xa0300,000.00" in body or "MXN 300,000.00" in body
    assert "25.00 %" in body or "25 %" in body
    assert workplan.sha256 in squashed
    assert "(UTC)" in body and ("(hora del centro)" in body or "(Central Mexico time)" in body)
    # Staff can download it too.
    staff = as_user(personas["grants_manager"]).get(f"/applications/{ready.id}/acknowledgement")
    assert staff.status_code == 200


def test_only_owner_or_signatory_submits(app, as_user, personas, call, outbox):
    editor = make_user(roles=("applicant",), locale="en")
    add_member(personas["org_a"], editor, role="editor")
    application = helpers.complete(app, call, personas["org_a"], editor)
    assert submit_form(as_user(editor), application).status_code == 403
    signatory = make_user(roles=("applicant",), locale="en")
    org = personas["org_a"]
    with helpers.request_context(app):
        from portal.organisations.models import Membership

        for m in db.session.scalars(select(Membership).filter_by(organisation_id=org.id)):
            m.is_signatory = False
        db.session.flush()
        db.session.add(
            Membership(
                organisation_id=org.id, user_id=signatory.id, role="editor", is_signatory=True
            )
        )
        db.session.commit()
    assert submit_form(as_user(signatory), application).status_code == 302
    received = {m.recipient for m in outbox() if m.template == "application_submitted"}
    assert received == {signatory.email, personas["applicant"].email}  # submitter and owner


def test_hidden_answers_are_dropped_at_submission(app, personas, call):
    application = helpers.complete(app, call, personas["org_a"], personas["applicant"])
    answers = dict(helpers.COMPLETE_ANSWERS, partners="Texto de una versión anterior")
    helpers.fill(app, application, personas["applicant"], answers=answers)
    submitted = helpers.submit(app, application, personas["applicant"])
    assert "partners" not in helpers.reload(submitted.id).answers


def test_reference_numbers_are_sequential_per_call(app, personas, call, programme):
    refs = []
    for _ in range(3):
        application = helpers.complete(app, call, personas["org_a"], personas["applicant"])
        refs.append(helpers.submit(app, application, personas["applicant"]).reference)
    assert refs == [f"{call.code}-0001", f"{call.code}-0002", f"{call.code}-0003"]
    other = helpers.make_open_call(app, programme, code="CONV-2026-77")
    application = helpers.complete(app, other, personas["org_b"], personas["other_applicant"])
    assert helpers.submit(app, application, personas["other_applicant"]).reference == (
        "CONV-2026-77-0001"
    )


def test_form_edits_never_change_a_submitted_application(app, as_user, personas, ready, call):
    submitted = helpers.submit(app, ready, personas["applicant"])
    with helpers.request_context(app):
        question = next(q for q in db.session.get(Call, call.id).questions if q.key == "summary")
        data = {
            name: getattr(question, name)
            for name in (
                "key",
                "kind",
                "label_es",
                "label_en",
                "help_es",
                "help_en",
                "required",
                "max_chars",
                "options",
                "document_slot_key",
                "show_if_key",
                "show_if_value",
            )
        }
        update_question(question, dict(data, label_en="Executive summary (new)"), None)
        db.session.commit()
    assert db.session.get(Call, call.id).form_version == 2
    saved = helpers.reload(submitted.id)
    labels = [q["label"]["en"] for q in saved.form_snapshot["questions"]]
    assert "Summary" in labels and "Executive summary (new)" not in labels
    assert saved.form_version == 1
    page = text(as_user(personas["grants_manager"]).get(f"/applications/{submitted.id}"))
    assert "Summary" in page and "Executive summary (new)" not in page


def test_reference_counter_is_safe_under_concurrency(app, engine, postgres_only, personas):
    """Twenty transactions number submissions to the same call at once: 1..20, no gaps."""
    import threading

    from sqlalchemy import delete
    from sqlalchemy import text as sql
    from sqlalchemy.orm import Session

    from portal.applications.models import ApplicationCounter
    from portal.applications.references import next_number

    with engine.begin() as conn:  # a real, committed call (outside the test's transaction)
        programme_id = conn.execute(
            sql(
                "INSERT INTO programmes (name_es, name_en, donor, currency, envelope,"
                " bilingual_agreement, created_dt) VALUES ('p', 'p', 'd', 'MXN', 1, false, now())"
                " RETURNING id"
            )
        ).scalar()
        call_id = conn.execute(
            sql(
                "INSERT INTO calls (programme_id, code, status, title_es, title_en,"
                " description_es, description_en, applicant_kinds, all_states, state_codes,"
                " thematic_areas, timezone,"
                " currency, cofinance_min_pct, in_kind_counts, offers_fixed_amount,"
                " offers_cost_reimbursable, offers_in_kind, form_version, created_dt) VALUES"
                " (:p, 'RACE-2026-01', 'draft', 't', 't', '', '', '[]', true, '[]', '[]',"
                " 'America/Mexico_City', 'MXN', 0, true, false, false, false, 1, now())"
                " RETURNING id"
            ),
            {"p": programme_id},
        ).scalar()
    numbers, errors = [], []

    def worker():
        from portal.core.db import db as portal_db

        session = Session(bind=engine)
        try:
            with app.app_context():
                portal_db.session.registry.set(session)
                numbers.append(next_number(call_id))
                session.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            session.close()

    try:
        threads = [threading.Thread(target=worker) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert sorted(numbers) == list(range(1, 21))
    finally:
        with engine.begin() as conn:
            conn.execute(delete(ApplicationCounter).where(ApplicationCounter.call_id == call_id))
            conn.execute(sql("DELETE FROM calls WHERE id = :c"), {"c": call_id})
            conn.execute(sql("DELETE FROM programmes WHERE id = :p"), {"p": programme_id})
