"""Walk-through of a grant's life after its payments (issue 16), in Spanish, with the demo
accounts, each person starting from their home page.

- CONV-2025-01-0904 (no other walk-through touches it): its grant page lists the quarterly
  reporting schedule and the final reports. The grantee's signatory opens the progress report
  of July–September (in draft, due soon) from her "Reports due" task, answers it, enters the
  three indicators' actuals (counts broken down by sex, age group, state or type of
  institution: a breakdown that does not add up to the total is refused) and certifies it;
  the grants manager returns it with a comment on one question; the signatory reads it from
  her "Reports returned" task, fixes the answer and submits again; the manager verifies the
  values and approves it.
- The same grant's financial report for that quarter: the grantee enters expenditure far
  below the plan to date; staff see the variance flag on the report's expenditure and the
  finance dashboard lists the grant at risk for it.
- CONV-2025-01-0905 (in closeout): the finance officer records the refund of the unspent
  advance from the grant page; the grants manager approves the final financial report,
  confirms the documents and closes the grant; the closeout letter PDF names the grantee,
  gives the figures in words and the records-retention date.
- The results dashboard shows the values just approved against their targets, and the IATI
  file downloaded from the finance dashboard carries them in ``<result>`` elements.

The tests run in file order and share the live server: the last one reads what the first
ones approved.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser

REFERENCE = "CONV-2025-01-0904"
CLOSEOUT = "CONV-2025-01-0905"
GRANTEE = ("direccion@justiciacercana.example", "Lucía Garza Treviño")
ORGANISATION = "Justicia Cercana, A.C."
MANAGER = "gestor@cofinancia.example"
OFFICER = "finanzas@cofinancia.example"
QUARTER = (date(2026, 7, 1), date(2026, 9, 30))  # the report in draft of the demo grant

ANSWERS = {
    "Actividades realizadas en el periodo": "Mediación escolar en cinco secundarias de San "
    "Nicolás: 18 sesiones con estudiantes, madres, padres y docentes.",
    "Resultados alcanzados": "Más personas atendidas.",  # too vague: the manager returns it
    "Dificultades y cómo se atendieron": "Dos escuelas cambiaron de horario; se reprogramó.",
    "Plan para el siguiente periodo": "Capacitar a 20 personas servidoras públicas de la fiscalía.",
}
FIXED_RESULTS = (
    "135 personas recibieron asesoría (80 mujeres, 55 hombres); 34 casos se canalizaron a "
    "mecanismos alternativos; 72 % de los acuerdos reparatorios vencidos se cumplieron."
)
RETURN_COMMENT = "Desagregue por sexo las personas atendidas y cite los casos canalizados."

# Indicator code -> total, breakdown {dimension: {category label msgid or name: value}}.
ACTUALS = {
    "JC-01": (
        "135",
        {
            "Sex": {"Women": "80", "Men": "55"},
            "Age group": {"18 to 29": "40", "30 to 59": "95"},
            "State": {"Nuevo León": "135"},
        },
    ),
    "JC-02": (
        "34",
        {
            "State": {"Nuevo León": "34"},
            "Type of justice institution": {
                "Prosecutor's office (fiscalía or procuraduría)": "20",
                "Alternative dispute resolution centre": "14",
            },
        },
    ),
    "JC-05": ("72", {"State": {"Nuevo León": "72"}}),
}
TARGETS = {"JC-01": "120", "JC-02": "30", "JC-05": "70"}
# Spent in the quarter: the whole budget is "Servicios" (MXN 400,000); by 30 September 66.3 %
# of the term has elapsed, so MXN 265,205.48 was planned to date: 180,000 is 32.1 % below.
SPENT = {"Personnel": "0", "Equipment": "0", "Travel": "0", "Services": "180000.00",
         "Supplies": "0", "Other": "0"}  # fmt: skip
ADVANCE = Decimal("30000.00")


# Reading the database ------------------------------------------------------------------------
def _db(live_server, fn):
    from portal.core.db import db

    with live_server.app.app_context():
        try:
            return fn(db)
        finally:
            db.session.remove()


def _award_id(db, reference: str) -> int:
    from sqlalchemy import select

    from portal.applications.models import Application
    from portal.awards.models import Award

    return db.session.scalar(
        select(Award.id).join(Application).where(Application.reference == reference)
    )


def _schedule(live_server, reference: str) -> list[tuple[int, str, date, date, str, str]]:
    """The award's reports: (id, kind, period start, end, status, title as shown in Spanish)."""

    def read(db):
        from sqlalchemy import select

        from portal.reports.models import GrantReport
        from portal.reports.views_support import title

        with live_server.app.test_request_context("/?lang=es"):
            return [
                (r.id, r.kind, r.period_start, r.period_end, r.status, title(r))
                for r in db.session.scalars(
                    select(GrantReport)
                    .where(GrantReport.award_id == _award_id(db, reference))
                    .order_by(GrantReport.period_end, GrantReport.id)
                )
            ]

    return _db(live_server, read)


def _report(live_server, reference: str, kind: str, period=QUARTER):
    return next(r for r in _schedule(live_server, reference) if r[1] == kind and r[2:4] == period)


def _actuals(live_server, report_id: int) -> dict[str, tuple[Decimal, str, dict]]:
    """Indicator code -> (value, status, {(dimension, category): value}) of the report."""

    def read(db):
        from sqlalchemy import select

        from portal.results.models import IndicatorActual

        return {
            a.award_indicator.indicator.code: (
                a.value,
                a.status,
                {(b.dimension, b.category): b.value for b in a.breakdown},
            )
            for a in db.session.scalars(
                select(IndicatorActual).where(IndicatorActual.report_id == report_id)
            )
        }

    return _db(live_server, read)


def _spanish(live_server, fn):
    """``fn()`` run in a Spanish request (formatting dates and numbers as the pages do)."""
    with live_server.app.test_request_context("/?lang=es"):
        return fn()


# Steps shared by the tests --------------------------------------------------------------------
def _open_grant_from_home(page, es, reference: str) -> None:
    """From the grantee's home page: the "My grants" shortcut, then the grant's finances."""
    page.get_by_role("main").get_by_role("link", name=es("My grants"), exact=True).click()
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        es("Finances of %(reference)s", reference=reference)
    )


def _report_row(page, title: str):
    return page.locator("#reports tbody tr").filter(
        has=page.get_by_role("cell", name=title, exact=True)
    )


def _certify_and_submit(page, es) -> None:
    from portal.reports.constants import CERTIFICATION_SOURCE

    page.get_by_label(es(CERTIFICATION_SOURCE)).check()
    page.get_by_label(es("Your full name (signature)")).fill(GRANTEE[1])
    page.get_by_role("button", name=es("Sign and submit the report")).click()
    expect(
        page.get_by_text(es("Report submitted: the grants manager will review it."))
    ).to_be_visible()
    expect(page.locator("dd[data-status]")).to_have_attribute("data-status", "submitted")


def _indicator(page, code: str):
    return page.get_by_role("region", name=re.compile(rf"^{re.escape(code)} · "))


def _by(es, dimension: str) -> str:
    return es("By %(dimension)s", dimension=es(dimension).lower())


def _fill_actual(page, es, code: str, total: str, breakdown: dict, note: str) -> None:
    section = _indicator(page, code)
    section.get_by_label(es("Total for the period")).fill(total)
    for dimension, values in breakdown.items():
        name = _by(es, dimension)
        summary = section.locator("summary", has_text=name)
        if summary.locator("xpath=..").get_attribute("open") is None:
            summary.click()
        group = section.get_by_role("group", name=name)
        for category, value in values.items():
            group.get_by_label(es(category), exact=True).fill(value)
    section.get_by_label(es("Evidence"), exact=True).fill(note)
    section.get_by_role("button", name=f"{es('Save the value')} {code}").click()


def _review_task(page, es, title: str):
    group = page.locator("#task-reports_review")
    expect(group.get_by_role("heading", name=es("Reports to review"))).to_be_visible()
    item = group.locator(".list-group-item", has_text=REFERENCE).filter(has_text=title)
    return item.get_by_role("link", name=re.compile(re.escape(es("Review the report"))))


# 1. The schedule ------------------------------------------------------------------------------
def test_grant_page_lists_the_quarterly_schedule(live_server, page, es, shot):
    schedule = _schedule(live_server, REFERENCE)
    periodic = [r for r in schedule if r[1] in ("progress", "financial")]
    finals = [r for r in schedule if r[1] in ("final_progress", "final_financial")]
    # Quarterly: each periodic report ends at the end of a calendar quarter; two final reports.
    assert {(r[3].month, r[3].day) for r in periodic} <= {(3, 31), (6, 30), (9, 30), (12, 31)}
    assert len({r[3] for r in periodic}) == 4 and len(periodic) == 8
    assert len(finals) == 2

    log_in(page, GRANTEE[0])
    _open_grant_from_home(page, es, REFERENCE)
    reports = page.locator("#reports")
    expect(reports.get_by_role("heading", name=es("Reports"))).to_be_visible()
    expect(reports.locator("tbody tr")).to_have_count(len(schedule))
    for _id, _kind, _start, _end, status, title in schedule:
        row = _report_row(page, title)
        expect(row).to_have_count(1)
        expect(row).to_have_attribute("data-status", status)
    for kind in ("Progress report", "Financial report"):
        for end in ("31 mar 2026", "30 jun 2026", "30 sep 2026", "31 dic 2026"):
            expect(reports.get_by_text(re.compile(rf"^{es(kind)}, .* – {end}$"))).to_be_visible()
    for kind in ("Final progress report", "Final financial report"):
        expect(reports.get_by_text(re.compile(rf"^{es(kind)}, "))).to_be_visible()
    shot(page, "schedule")


# 2. The grantee submits a progress report with its indicators ---------------------------------
def test_grantee_submits_progress_report_with_indicator_actuals(live_server, page, es, shot):
    report_id, _kind, _s, _e, status, title = _report(live_server, REFERENCE, "progress")
    assert status == "draft"

    log_in(page, GRANTEE[0])
    group = page.locator("#task-reports_due")
    expect(group.get_by_role("heading", name=es("Reports due"))).to_be_visible()
    shot(page, "home")
    item = group.locator(".list-group-item", has_text=REFERENCE).filter(has_text=title)
    if item.count():
        item.get_by_role("link", name=re.compile(re.escape(es("Prepare the report")))).click()
    else:
        # The group shows the five oldest (the overdue reports of CONV-2025-01-0901): "see all"
        # leads to the grants, whose page lists each report with its next step.
        see_all = re.escape(es("See all %(num)s", num="§")).replace("§", r"\d+")
        group.get_by_role("link", name=re.compile(see_all)).click()
        page.get_by_role("link", name=REFERENCE, exact=True).click()
        _report_row(page, title).get_by_role(
            "link", name=re.compile(re.escape(es("Continue the report")))
        ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    for label, text in ANSWERS.items():
        page.get_by_label(label).fill(text)
    page.get_by_role("button", name=es("Save"), exact=True).click()
    expect(page.get_by_text(es("Your answers are saved."))).to_be_visible()

    results = page.get_by_role("region", name=es("Results indicators"))
    expect(results).to_contain_text(
        es("Results indicators: %(entered)d of %(num)d entered", entered=0, num=3)
    )
    results.get_by_role("link", name=es("Enter the values")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(es("Results indicators"))
    for code, target in TARGETS.items():
        expect(_indicator(page, code)).to_contain_text(target)

    # A breakdown by sex that does not add up to the total is refused, with the reason.
    total, breakdown = ACTUALS["JC-01"]
    wrong = {**breakdown, "Sex": {"Women": "80", "Men": "50"}}
    _fill_actual(page, es, "JC-01", total, wrong, "Registro de atención de la organización.")
    refusal = _spanish(
        live_server,
        lambda: es(
            "The values by %(dimension)s add up to %(sum)s, not to the total of %(total)s: "
            'correct them (put what is not known under "Not stated").',
            dimension=es("Sex").lower(),
            sum=_number(130),
            total=_number(135),
        ),
    )
    expect(_indicator(page, "JC-01").get_by_text(refusal)).to_be_visible()
    shot(page, "breakdown-refused")
    assert _actuals(live_server, report_id) == {}

    for code, (total, breakdown) in ACTUALS.items():
        _fill_actual(page, es, code, total, breakdown, f"Registros de {code} en la oficina.")
        expect(page.get_by_text(es("Value saved."))).to_be_visible()
        expect(_indicator(page, code)).to_contain_text(es("Reported"))
    shot(page, "indicators-entered")

    # Back to the report: the breadcrumb leads to the grant, whose schedule links the report.
    page.get_by_role("link", name=es("Finances of %(reference)s", reference=REFERENCE)).click()
    _report_row(page, title).get_by_role(
        "link", name=re.compile(re.escape(es("Continue the report")))
    ).click()
    expect(page.get_by_role("region", name=es("Results indicators"))).to_contain_text(
        es("Results indicators: %(entered)d of %(num)d entered", entered=3, num=3)
    )
    _certify_and_submit(page, es)
    shot(page, "submitted")

    actuals = _actuals(live_server, report_id)
    assert set(actuals) == set(ACTUALS)
    value, state, parts = actuals["JC-01"]
    assert (value, state) == (Decimal("135.00"), "reported")
    for dimension in ("sex", "age_group", "state"):
        assert sum(v for (d, _c), v in parts.items() if d == dimension) == value
    assert parts[("sex", "women")] == Decimal("80.00")
    assert parts[("state", "19")] == Decimal("135.00")  # Nuevo León


def _number(value) -> str:
    from portal.core.i18n import format_number

    return format_number(Decimal(value))


# 3. Returned with a comment, fixed, approved ---------------------------------------------------
def test_manager_returns_grantee_fixes_manager_approves(live_server, page, es, shot):
    report_id, _kind, _s, _e, status, title = _report(live_server, REFERENCE, "progress")
    assert status == "submitted"
    question = "Resultados alcanzados"

    log_in(page, MANAGER)
    shot(page, "manager-home")
    _review_task(page, es, title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator('[data-answer="results"]')).to_contain_text(ANSWERS[question])
    page.get_by_label(es("Comment on: %(question)s", question=question)).fill(RETURN_COMMENT)
    page.get_by_role("button", name=es("Return the report")).click()
    expect(
        page.get_by_text(es("Report returned to the grantee with your comments."))
    ).to_be_visible()
    expect(page.locator("dd[data-status]")).to_have_attribute("data-status", "returned")

    log_in(page, GRANTEE[0])
    group = page.locator("#task-reports_returned")
    expect(group.get_by_role("heading", name=es("Reports returned for changes"))).to_be_visible()
    item = group.locator(".list-group-item", has_text=REFERENCE).filter(has_text=title)
    item.get_by_role("link", name=re.compile(re.escape(es("Correct and submit again")))).click()
    expect(
        page.get_by_text(
            es(
                "The grants manager returned this report: read the comments next to each "
                "answer, correct it and submit it again."
            )
        )
    ).to_be_visible()
    answer = page.get_by_label(question)
    comment = page.locator("[data-comment]", has_text=RETURN_COMMENT)
    expect(comment).to_be_visible()
    # The comment sits next to the answer it is about (just after it in the form).
    assert comment.evaluate(
        "(c, id) => document.getElementById(id).compareDocumentPosition(c) & 4",
        answer.get_attribute("id"),
    )
    shot(page, "returned-comment")
    answer.fill(FIXED_RESULTS)
    page.get_by_role("button", name=es("Save"), exact=True).click()
    expect(page.get_by_text(es("Your answers are saved."))).to_be_visible()
    _certify_and_submit(page, es)

    log_in(page, MANAGER)
    _review_task(page, es, title).click()
    expect(page.locator('[data-answer="results"]')).to_contain_text(FIXED_RESULTS)
    page.get_by_role("region", name=es("Results indicators")).get_by_role(
        "link", name=es("See the values")
    ).click()
    for code in ACTUALS:
        section = _indicator(page, code)
        expect(section).to_contain_text(f"{ACTUALS[code][0]} · {es('Reported')}")
        section.get_by_role("button", name=f"{es('Verify')} {code}").click()
        expect(page.get_by_text(es("Value verified."))).to_be_visible()
        expect(_indicator(page, code)).to_contain_text(f"{ACTUALS[code][0]} · {es('Verified')}")
    jc01 = _indicator(page, "JC-01")
    expect(jc01).to_contain_text(f"{es('Sex')}: {es('Women')} 80; {es('Men')} 55")
    expect(jc01).to_contain_text(f"{es('State')}: Nuevo León 135")
    shot(page, "values-verified")

    page.get_by_role("link", name=es("Finances of %(reference)s", reference=REFERENCE)).click()
    _report_row(page, title).get_by_role("link", name=re.compile(f"^{es('Review')}")).click()
    page.get_by_role("button", name=es("Approve the report")).click()
    expect(page.get_by_text(es("Report approved."))).to_be_visible()
    expect(page.locator("dd[data-status]")).to_have_attribute("data-status", "approved")
    shot(page, "approved")

    assert _report(live_server, REFERENCE, "progress")[4] == "approved"
    assert {code: a[:2] for code, a in _actuals(live_server, report_id).items()} == {
        code: (Decimal(total).quantize(Decimal("0.01")), "verified")
        for code, (total, _b) in ACTUALS.items()
    }


# 4. The financial report's variance flag -------------------------------------------------------
def test_financial_report_shows_variance_flag(live_server, page, es, shot):
    _id, _kind, _s, _e, status, title = _report(live_server, REFERENCE, "financial")
    assert status == "due"
    flag = es("Variance above the threshold")

    log_in(page, GRANTEE[0])
    _open_grant_from_home(page, es, REFERENCE)
    _report_row(page, title).get_by_role(
        "link", name=re.compile(re.escape(es("Start the report")))
    ).click()
    page.get_by_label("Explicación del gasto del periodo").fill(
        "Honorarios de la empresa de mediación escolar; el resto se ejercerá en el cuarto "
        "trimestre."
    )
    page.get_by_label("Variaciones respecto al presupuesto aprobado").fill(
        "Servicios por debajo de lo previsto: dos escuelas pospusieron las sesiones."
    )
    page.get_by_role("button", name=es("Save"), exact=True).click()
    expect(page.get_by_text(es("Your answers are saved."))).to_be_visible()
    page.get_by_role("region", name=es("Expenditure by budget category")).get_by_role(
        "link", name=es("Enter the expenditure")
    ).click()
    for category, amount in SPENT.items():
        # The label ends with the required mark (" *"); the note's label is "Nota sobre ...".
        page.get_by_label(re.compile(rf"^{re.escape(es(category))}( \*)?$")).fill(amount)
    page.get_by_role("button", name=es("Save the expenditure")).click()
    expect(page.get_by_text(es("Expenditure saved."))).to_be_visible()
    services = page.locator("#expenditure tr[data-category=services]")
    expect(services).to_contain_text("-32.1 %")
    expect(page.get_by_text(flag)).to_have_count(0)  # flags are for staff
    shot(page, "expenditure-grantee")
    page.get_by_role("link", name=REFERENCE, exact=True).click()
    _report_row(page, title).get_by_role(
        "link", name=re.compile(re.escape(es("Continue the report")))
    ).click()
    _certify_and_submit(page, es)

    log_in(page, OFFICER)
    page.get_by_role("navigation").get_by_role(
        "link", name=es("Finance dashboard"), exact=True
    ).click()
    row = page.locator("#at-risk tbody tr", has_text=REFERENCE)
    variance = row.locator("[data-reason=variance]")
    expect(variance).to_contain_text("30 sep 2026")
    expect(variance).to_contain_text(f"{es('Services')} (-32.1 %)")
    shot(page, "at-risk")
    row.get_by_role("link", name=REFERENCE, exact=True).click()
    # Only the grants manager decides: for the finance officer the report "waits for review".
    _report_row(page, title).get_by_role(
        "link", name=re.compile(f"^{re.escape(es('Waiting for review'))}")
    ).click()
    page.get_by_role("region", name=es("Expenditure by budget category")).get_by_role(
        "link", name=es("See the expenditure")
    ).click()
    services = page.locator("#expenditure tr[data-category=services]")
    expect(services).to_have_attribute("data-flagged", "yes")
    expect(services.get_by_text(flag)).to_be_visible()
    expect(page.locator("#expenditure tr[data-flagged]")).to_have_count(1)
    shot(page, "expenditure-staff")


# 5. Closeout -----------------------------------------------------------------------------------
def _closeout_state(live_server):
    def read(db):
        from sqlalchemy import select

        from portal.awards.models import Award
        from portal.closeout.models import Closeout
        from portal.finance.models import Disbursement

        award_id = _award_id(db, CLOSEOUT)
        refunds = db.session.scalars(
            select(Disbursement.award_amount).where(
                Disbursement.award_id == award_id, Disbursement.kind == "refund"
            )
        ).all()
        closeout = db.session.scalar(select(Closeout).where(Closeout.award_id == award_id))
        return (
            db.session.get(Award, award_id).status,
            refunds,
            closeout.records_retention_until,
            closeout.letter_document_id,
        )

    return _db(live_server, read)


def test_closeout_refund_checklist_close_and_letter(live_server, page, es, shot):
    from tests.awards.helpers import pdf_text

    status, refunds, retention, letter = _closeout_state(live_server)
    assert (status, refunds, retention, letter) == ("active", [], None, None)
    financial = next(r for r in _schedule(live_server, CLOSEOUT) if r[1] == "final_financial")

    # The finance officer records the refund of the advance the grantee did not spend.
    log_in(page, OFFICER)
    page.get_by_role("main").get_by_role("link", name=es("Finance"), exact=True).click()
    page.get_by_role("link", name=CLOSEOUT, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        es("Finances of %(reference)s", reference=CLOSEOUT)
    )
    expect(page.get_by_text(es("Advance not yet liquidated:"))).to_contain_text("30,000.00")
    page.get_by_text(es("Record a refund of unspent funds")).click()
    form = page.locator("form[action$='/refund']")
    form.get_by_label(es("Date the refund was received")).fill("2026-12-01")
    form.get_by_label(es("Amount refunded")).fill("30000.00")
    form.get_by_label(es("Bank reference of the refund")).fill("SPEI REEMBOLSO 0905")
    form.get_by_label(es("CLABE of the account the refund came from")).fill("072580011111111118")
    form.get_by_label(es("Settles an outstanding advance")).select_option(index=1)
    form.get_by_role("button", name=es("Record the refund")).click()
    expect(page.get_by_text(es("Refund recorded."))).to_be_visible()
    expect(page.get_by_text(es("Refunded by the grantee:"))).to_contain_text("30,000.00")
    expect(page.get_by_text(es("Advance not yet liquidated:"))).to_have_count(0)
    shot(page, "refund-recorded")

    # The grants manager completes the checklist from his home page task and closes the grant.
    log_in(page, MANAGER)
    group = page.locator("#task-closeout")
    expect(group.get_by_role("heading", name=es("Grants in closeout"))).to_be_visible()
    item = group.locator(".list-group-item", has_text=CLOSEOUT)
    item.get_by_role("link", name=re.compile(re.escape(es("Complete the closeout")))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        es("Closeout of %(reference)s", reference=CLOSEOUT)
    )
    checklist = page.locator("#checklist")
    for key in ("final_progress", "cofinance", "advances", "refunds"):
        expect(checklist.locator(f"[data-item={key}]")).to_have_attribute("data-done", "yes")
    for key in ("final_financial", "documents"):
        expect(checklist.locator(f"[data-item={key}]")).to_have_attribute("data-done", "no")
    shot(page, "checklist-before")

    # The final financial report waits for approval: through the grant's reports.
    page.get_by_role("link", name=es("Grant finances")).click()
    _report_row(page, financial[5]).get_by_role("link", name=re.compile(f"^{es('Review')}")).click()
    page.get_by_role("button", name=es("Approve the report")).click()
    expect(page.get_by_text(es("Report approved."))).to_be_visible()
    page.get_by_role("link", name=re.compile(f"^{CLOSEOUT} — ")).click()
    page.locator("#closeout").get_by_role("link", name=es("Closeout checklist")).click()

    page.get_by_role("button", name=es("Confirm the documents are complete")).click()
    expect(page.get_by_text(es("Documents confirmed complete."))).to_be_visible()
    expect(page.locator("#checklist [data-done=no]")).to_have_count(0)
    shot(page, "checklist-complete")
    page.get_by_role("button", name=es("Close the grant")).click()
    expect(
        page.get_by_text(es("The grant is closed: its records are read-only.")).first
    ).to_be_visible()
    status, refunds, retention, letter = _closeout_state(live_server)
    assert status == "closed" and refunds == [-ADVANCE] and letter is not None
    assert retention is not None
    retention_text = _spanish(live_server, lambda: _long_date(retention))
    shot(page, "closed")

    with page.expect_download() as download:
        page.get_by_role("link", name=es("Closeout letter (PDF)")).click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF-")
    text = " ".join(pdf_text(pdf).split())
    assert ORGANISATION in text
    assert CLOSEOUT in text
    assert "cierre" in text.lower()
    for figures in (
        "MXN 200,000.00 (doscientos mil pesos 00/100 M.N.)",  # the award
        "MXN 100,000.00 (cien mil pesos 00/100 M.N.)",  # disbursed net of the refund
        "MXN 30,000.00 (treinta mil pesos 00/100 M.N.)",  # refunded
        "MXN 40,000.00 (cuarenta mil pesos 00/100 M.N.)",  # co-finance verified
    ):
        assert figures in text, (figures, text)
    assert retention_text in text, (retention_text, text)


def _long_date(day) -> str:
    from portal.pdf.dates import long_date

    return long_date(day, "es")


# 6. The results dashboard and the IATI file ---------------------------------------------------
def test_results_dashboard_and_iati_file_show_targets_and_actuals(live_server, page, es, shot):
    from lxml import etree

    log_in(page, MANAGER)
    page.get_by_role("main").get_by_role("link", name=es("Results dashboard"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(es("Results dashboard"))
    for code in TARGETS:
        board = page.locator(f"section[data-indicator={code}]")
        expect(board.locator("[data-figure=target]").first).not_to_have_text("—")
        expect(board.locator("[data-figure=actual]").first).not_to_have_text("—")
    form = page.get_by_role("search")
    form.get_by_label(es("From")).fill(QUARTER[0].isoformat())
    form.get_by_label(es("To")).fill(QUARTER[1].isoformat())
    form.get_by_label(es("Grantee organisation")).select_option(label=ORGANISATION)
    form.get_by_role("button", name=es("Filter")).click()
    for code, (total, _b) in ACTUALS.items():
        board = page.locator(f"section[data-indicator={code}]")
        board.get_by_text(es("Per grant"), exact=True).click()
        grant = board.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=f"{REFERENCE} · {ORGANISATION}")
        )
        expect(grant.get_by_role("cell").nth(0)).to_have_text(TARGETS[code])
        expect(grant.get_by_role("cell").nth(1)).to_have_text(total)
    shot(page, "results-dashboard")

    log_in(page, OFFICER)
    page.get_by_role("navigation").get_by_role(
        "link", name=es("Finance dashboard"), exact=True
    ).click()
    with page.expect_download() as download:
        page.get_by_role(
            "link", name=es("IATI 2.03 file (XML; whole grants, the period does not apply)")
        ).click()
    with open(download.value.path(), "rb") as handle:
        root = etree.parse(io.BytesIO(handle.read())).getroot()
    activity = next(
        a for a in root.iter("iati-activity")
        if a.findtext("iati-identifier").endswith(f"-{REFERENCE}")
    )  # fmt: skip
    results = activity.findall("result")
    assert len(results) == len(TARGETS)
    names = _db(live_server, lambda db: _indicator_names(db))
    for code, (total, _breakdown) in ACTUALS.items():
        result = next(r for r in results if r.findtext("title/narrative") == names[code])
        indicator = result.find("indicator")
        assert indicator.find("baseline") is not None
        period = next(
            p for p in indicator.findall("period")
            if p.find("period-start").get("iso-date") == QUARTER[0].isoformat()
        )  # fmt: skip
        assert Decimal(period.find("target").get("value")) == Decimal(TARGETS[code])
        actuals = period.findall("actual")
        assert Decimal(actuals[0].get("value")) == Decimal(total)
        assert actuals[0].find("dimension") is None
        parts = {
            (a.find("dimension").get("name"), a.find("dimension").get("value")): a.get("value")
            for a in actuals[1:]
        }
        assert Decimal(parts[("state", "Nuevo León")]) == Decimal(total)
        if code == "JC-01":
            assert Decimal(parts[("sex", "female")]) == Decimal("80")
            assert Decimal(parts[("sex", "male")]) == Decimal("55")


def _indicator_names(db) -> dict[str, str]:
    from sqlalchemy import select

    from portal.results.models import Indicator

    return dict(db.session.execute(select(Indicator.code, Indicator.name_es)).all())
