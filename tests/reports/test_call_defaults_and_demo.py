"""The call's reporting defaults on its edit form, a call's own report questions in the report
form and its snapshot, the extension points on the report page, and the demo's reports at
every stage."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.calls.forms import CallForm
from portal.calls.operations import update_call
from portal.core.db import db
from portal.core.errors import InputError
from portal.reports import extensions
from portal.reports.models import GrantReport, ReportQuestion
from tests.reports import helpers
from tests.support.forms import post_form


def _call_data(app, call) -> dict:
    with app.test_request_context():
        form = CallForm(formdata=None)
        form.fill_from(call)
        return form.to_data()


def test_call_form_carries_the_reporting_defaults(ctx, app, call, personas, as_user):
    page = as_user(personas["grants_manager"]).get(f"/calls/{call.code}/edit")
    text = page.get_data(as_text=True)
    assert 'name="report_frequency"' in text and 'name="final_report_days"' in text
    assert "2 CFR 200.344" in text
    from portal.calls.models import Call

    call = db.session.get(Call, call.id)
    manager = personas["grants_manager"]
    data = _call_data(app, call)
    update_call(call, {**data, "report_frequency": "half_yearly", "final_report_days": 90}, manager)
    db.session.commit()
    assert (call.report_frequency, call.final_report_days) == ("half_yearly", 90)
    for bad in ({"final_report_days": 400}, {"report_frequency": "weekly"}):
        with pytest.raises(InputError):
            update_call(call, {**_call_data(app, call), **bad}, manager)
        db.session.rollback()
    assert call.final_report_days == 90


def test_a_calls_own_questions_are_asked_and_snapshotted(ctx, call, first, personas, as_user):
    db.session.add(
        ReportQuestion(
            call_id=call.id,
            report_kind="progress",
            key="meta",
            kind="yes_no",
            label_es="¿Se alcanzó la meta?",
            label_en="Was the target met?",
            required=True,
        )
    )
    db.session.commit()
    client = as_user(personas["applicant"])
    url = f"/grant-reports/{first.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Was the target met?" in page and "Activities carried out" not in page
    post_form(client, url, {"q_meta": "yes"}, form_url=url)
    response = post_form(
        client,
        f"{url}/submit",
        {"certified": "y", "typed_name": personas["applicant"].full_name},
        form_url=url,
    )
    assert response.status_code == 302
    db.session.expire_all()
    report = db.session.get(GrantReport, first.id)
    assert report.form_snapshot == [
        {
            "key": "meta",
            "kind": "yes_no",
            "label": {"es": "¿Se alcanzó la meta?", "en": "Was the target met?"},
            "help": {"es": "", "en": ""},
            "required": True,
            "max_chars": None,
            "options": [],
        }
    ]
    assert "Was the target met?" in as_user(personas["grants_manager"]).get(url).get_data(
        as_text=True
    )


def test_extension_sections_are_shown(ctx, first, personas, as_user):
    def indicators(report, user):
        return extensions.Section(
            title="Indicadores del periodo",
            summary="2 de 3 valores capturados",
            url="/results/x",
            link_text="Capturar valores",
            complete=False,
        )

    extensions.register_section(indicators)
    try:
        page = as_user(personas["applicant"]).get(f"/grant-reports/{first.id}")
        text = page.get_data(as_text=True)
    finally:
        extensions._SECTIONS.remove(indicators)
    assert "Indicadores del periodo" in text and 'href="/results/x"' in text


def test_demo_reports_at_every_stage(ctx, monkeypatch):
    from portal.demo.seed import seed_all
    from portal.finance import deadlines

    monkeypatch.setattr(deadlines, "today", lambda: date(2026, 12, 6))
    seed_all()
    db.session.commit()
    statuses = set(db.session.scalars(select(GrantReport.status)))
    assert statuses == {"due", "draft", "submitted", "returned", "approved"}
    today = date(2026, 12, 6)
    open_reports = db.session.scalars(
        select(GrantReport).where(GrantReport.status.in_(("due", "draft")))
    ).all()
    assert any(r.due_on < today for r in open_reports)  # overdue
    assert any(today <= r.due_on <= date(2026, 12, 20) for r in open_reports)  # due soon
    returned = db.session.scalar(select(GrantReport).where(GrantReport.status == "returned"))
    assert returned.comments and returned.form_snapshot
    assert helpers  # the builders are shared with the flow tests
    second = seed_all()
    assert second.created["grant_report"] == 0
