"""Objects the demo data lacks, so that every form of the portal shows for some persona.

The demo has most states of the grant cycle; a few forms only appear on an object in a state
the walk-through leaves to the visitor (an award waiting for a second approval, a payment
request in draft, an assignment whose conflict of interest is not declared yet...). Each is
created here through the real operations where they exist (so the object is consistent), and
``build`` returns, per persona, the pages where its forms show: the crawl starts from them.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.accounts import tokens as account_tokens
from portal.admin import operations as admin_ops
from portal.api import operations as api_ops
from portal.applications import operations as application_ops
from portal.applications.models import Application, CofinanceSource, StatusChange
from portal.applications.references import format_reference, next_number
from portal.awards import operations as award_ops
from portal.awards.amendments import document as amendment_document
from portal.awards.amendments import operations as amendment_ops
from portal.awards.amendments.bank_accounts import GrantBankAccount
from portal.awards.amendments.models import Amendment
from portal.awards.models import Award
from portal.calls.models import Call
from portal.calls.rules import form_snapshot
from portal.core.db import db, now_utc
from portal.finance import operations as finance_ops
from portal.organisations.models import Membership
from portal.reports.models import ReportQuestion
from portal.reports.schedule import reports_of
from portal.reviews import operations as review_ops
from portal.reviews.models import Assignment, Consensus, ConsensusScore, Criterion
from portal.reviews.review_operations import specs
from portal.reviews.scoring import weighted_points
from tests.applications.helpers import upload
from tests.awards.helpers import RISK_KEYS, ready_award
from tests.organisations.helpers import make_invitation
from tests.reviews.helpers import add_review
from tests.support import factories

D = Decimal
OPEN_CALL, DRAFT_CALL = "CONV-2026-01", "CONV-2026-02"
ORG_A, ORG_B = "JCE150312LT4", "MSD180620K7A"


def build(app, demo) -> dict[str, list[str]]:
    """Create the missing objects; the pages to start each persona's crawl from."""
    users, orgs = demo.users, demo.organisations
    applicant = users["direccion@justiciacercana.example"]
    other = users["direccion@mediasonora.example"]
    reviewer = users["revisor2@cofinancia.example"]
    manager = users["gestor@cofinancia.example"]
    officer = users["finanzas@cofinancia.example"]
    admin = users["admin@cofinancia.example"]
    org_a, org_b = orgs[ORG_A], orgs[ORG_B]
    call = db.session.scalar(select(Call).filter_by(code=OPEN_CALL))
    draft_call = db.session.scalar(select(Call).filter_by(code=DRAFT_CALL))
    hints: dict[str, list[str]] = {persona: [] for persona in _PERSONAS}

    # Evaluation: one application to screen, one to ask information about, one waiting for the
    # applicant's answer, two tied in the ranking (the committee orders them), an assignment
    # with no conflict declaration yet, and an unpublished rubric with a criterion to remove.
    to_screen = _application(call, org_a, applicant, "submitted", "Fuzz: por cribar")
    asked = _application(call, org_a, applicant, "submitted", "Fuzz: con información pedida")
    application_ops.request_information(asked, manager, "Envíe las cartas, por favor.")
    tied = [
        _application(call, org_a, applicant, "under_review", f"Fuzz: empate {n}") for n in (1, 2)
    ]
    rubric = review_ops.rubric_of(call)
    chair = users["revisora1@cofinancia.example"]
    for application in tied:
        assignment = Assignment(
            call_id=call.id, application_id=application.id, reviewer_id=chair.id
        )
        db.session.add(assignment)
        db.session.flush()
        add_review(assignment, rubric, ["4", "4", "3", "3"])
        _consensus(application, rubric, ["4", "4", "3", "3"])
    db.session.add(Assignment(call_id=call.id, application_id=tied[0].id, reviewer_id=reviewer.id))
    draft_rubric = review_ops.ensure_rubric(draft_call)
    draft_rubric.criteria.append(
        Criterion(
            position=0,
            title_es="Pertinencia",
            title_en="Relevance",
            guidance_es="Guía",
            guidance_en="Guidance",
            weight=D("100"),
            max_score=D("5"),
        )
    )
    db.session.flush()
    code = call.code
    hints["grants_manager"] += [
        f"/calls/{code}/screening/{to_screen.id}",
        f"/applications/{to_screen.id}",
        f"/calls/{code}/assignments",
        f"/calls/{code}/ranking",
        f"/calls/{DRAFT_CALL}/rubric",
    ]
    hints["applicant"].append(f"/applications/{asked.id}")
    hints["reviewer"].append("/reviews/")

    # Awards: one ready to issue, one whose risk assessment proposes conditions, and one
    # above the second-approval threshold proposed by another grants manager.
    second_manager = factories.make_user(name="Segunda Gestora", roles=("grants_manager",))
    ready = ready_award(_recommended(call, org_a, applicant, "Fuzz: lista"), manager)
    risky = award_ops.decide(
        _recommended(call, org_a, applicant, "Fuzz: con riesgo"),
        manager,
        decision="award",
        justification="Segundo lugar",
        amount=D("200000.00"),
        instrument="fixed_amount",
    )
    answers = dict.fromkeys(RISK_KEYS, "satisfactory") | {"audits": "unsatisfactory"}
    award_ops.assess_risk(risky, manager, answers, "Sin auditoría externa.")
    award_ops.update_terms(
        risky,
        manager,
        instrument="fixed_amount",
        amount=D("200000.00"),
        start_date=date(2027, 2, 1),
        end_date=date(2028, 1, 31),
        special_conditions="",
    )
    pending = _pending_award(
        _recommended(call, org_a, applicant, "Fuzz: por aprobar"), second_manager
    )
    db.session.flush()
    hints["grants_manager"].append(f"/awards/{risky.id}/milestones")  # room left in its schedule
    for award in (ready, risky, pending):
        hints["grants_manager"] += [f"/awards/{award.id}", f"/awards/{award.id}/risk"]
    issued = db.session.scalar(select(Award).filter_by(status="issued"))
    if issued is not None:
        hints["applicant"].append(f"/awards/{issued.id}")

    # Payments: a draft request with an expense (the grantee adds expenses, CFDIs and submits),
    # one whose deliverable is approved (finance approves the payment) and one approved for
    # payment (finance records the disbursement), on the demo grants with unpaid milestones.
    grants = _demo_grants()
    draft = finance_ops.create_request(
        grants[901],
        applicant,
        milestone_id=grants[901].milestones[0].id,
        narrative="Plan de trabajo",
        amount=grants[901].milestones[0].amount,
    )
    finance_ops.add_expense(
        draft, applicant, category="services", description="Salones", amount=D("1000.00")
    )
    delivered = _request_through(
        grants[901], grants[901].milestones[1], applicant, manager, officer, approve=False
    )
    payable = _request_through(
        grants[902], grants[902].milestones[1], applicant, manager, officer, approve=True
    )
    hints["applicant"].append(f"/finance/requests/{draft.id}")
    hints["finance_officer"] += [
        f"/finance/requests/{delivered.id}",
        f"/finance/requests/{payable.id}",
    ]

    # Amendments: the grantee's draft extension of grant 901 (edit, submit, withdraw); the
    # demo's submitted one on grant 904 waits for the grants manager's decision.
    amendment = amendment_ops.create_draft(
        grants[901],
        applicant,
        kinds=["no_cost_extension", "scope"],
        new_end_date=grants[901].end_date + timedelta(days=90),
        scope="Dos colonias más",
        justification="Retraso por lluvias",
    )
    submitted = db.session.scalar(select(Amendment).filter_by(status="submitted"))
    hints["applicant"] += [
        f"/amendments/{amendment.id}",
        f"/amendments/{amendment.id}/edit",
        f"/awards/{grants[902].id}/amendments/new",
    ]
    hints["grants_manager"] += [f"/awards/{grants[902].id}/amendments/new"]
    if submitted is not None:
        hints["grants_manager"].append(f"/amendments/{submitted.id}")
    # A bank account change in effect on grant 901: payments held until finance verifies it.
    db.session.add(
        GrantBankAccount(
            award_id=grants[901].id,
            clabe="072580011111111118",
            holder_name="Justicia Cercana, A.C.",
            status="held",
        )
    )
    hints["finance_officer"].append(f"/finance/grants/{grants[901].id}")
    # An approved amendment of grant 903 whose document waits for the signatory (sign form).
    to_sign = amendment_ops.create_draft(
        grants[903], applicant, kinds=["scope"], scope="Una sede más", justification="Demanda"
    )
    amendment_ops.submit(to_sign, applicant)
    amendment_ops.decide(to_sign, manager, decision="approve")
    amendment_document.store_pdf(amendment_document.version_of(to_sign), manager)
    hints["applicant"] += [f"/amendments/{to_sign.id}", f"/amendments/{to_sign.id}/sign"]

    # Accounts and organisations: a password-reset link, an invitation to organisation A for
    # the reviewer's address (the reviewer accepts it, the owner can revoke it), an API token
    # to revoke, a third organisation so the applicant has one to switch to, a deactivated
    # account and an invited one (the administrator reactivates and re-invites), a document
    # the other organisation can remove from its draft.
    forgetful = factories.make_user(name="Olvido Clave", roles=("applicant",))
    hints["anonymous"].append(f"/reset-password/{account_tokens.password_reset_token(forgetful)}")
    invitation = make_invitation(org_a, applicant, reviewer.email)
    hints["reviewer"].append(f"/organisations/invitations/{invitation}")
    hints["applicant"] += [f"/organisations/{org_a.id}", "/organisations/switch"]
    api_ops.create_token(applicant, name="Contabilidad", days=30)
    hints["applicant"].append("/account/tokens")
    third = factories.make_organisation(legal_name="Tercera Organización A.C.")
    db.session.add(Membership(organisation_id=third.id, user_id=applicant.id, role="editor"))
    gone = factories.make_user(name="Cuenta Desactivada", roles=("reviewer",), active=False)
    invited = admin_ops.invite_user(
        full_name="Persona Invitada",
        email="invitada@cofinancia.example",
        roles=["reviewer"],
        locale="es",
        invited_by=admin,
    ).user
    hints["admin"] += [f"/admin/users/{gone.id}", f"/admin/users/{invited.id}"]
    # Grantee reports (issue 16): a call's own report question (to edit and delete), and the
    # pages of the demo grants' reports and schedules.
    report_call = grants[901].application.call
    db.session.add(
        ReportQuestion(
            call_id=report_call.id,
            report_kind="final_financial",
            key="auditoria",
            kind="short_text",
            label_es="Despacho que auditó",
            label_en="Audit firm",
        )
    )
    hints["grants_manager"] += [
        f"/grant-reports/calls/{report_call.code}/questions",
        f"/grant-reports/grants/{grants[901].id}/schedule",
        "/grant-reports/queue",
    ]
    for number in (901, 902, 903):
        hints["applicant"] += [f"/grant-reports/{r.id}" for r in reports_of(grants[number].id)[:4]]
        hints["grants_manager"] += [
            f"/grant-reports/{r.id}" for r in reports_of(grants[number].id)[:4]
        ]
    _closeout(hints, grants, manager, officer)
    draft_of_b = db.session.scalar(
        select(Application).filter_by(organisation_id=org_b.id, status="draft")
    )
    db.session.commit()
    if draft_of_b is not None:
        slot = draft_of_b.call.document_slots[0].key
        upload(app, draft_of_b, other, slot_key=slot)
        hints["other_applicant"].append(f"/documents/application/{draft_of_b.id}/")
    db.session.commit()
    return hints


_PERSONAS = (
    "applicant",
    "other_applicant",
    "reviewer",
    "grants_manager",
    "finance_officer",
    "admin",
    "anonymous",
)


def _application(call, organisation, user, status: str, title: str) -> Application:
    now = now_utc() - timedelta(days=1)
    number = next_number(call.id)
    application = Application(
        call_id=call.id,
        organisation_id=organisation.id,
        created_by_id=user.id,
        submitted_by_id=user.id,
        number=number,
        reference=format_reference(call.code, number),
        title=title,
        status=status,
        answers={"summary": "Resumen del proyecto."},
        eligibility_answers={"legal_entity": "yes"},
        eligible=True,
        form_version=call.form_version,
        form_snapshot=form_snapshot(call),
        currency=call.currency,
        requested_total=D("300000.00"),
        cost_share_total=D("100000.00"),
        cofinance_pct=D("25.00"),
        submitted_dt=now,
        created_dt=now,
        updated_dt=now,
    )
    db.session.add(application)
    db.session.flush()
    db.session.add(
        StatusChange(application_id=application.id, to_status="submitted", by_id=user.id)
    )
    db.session.flush()
    return application


def _recommended(call, organisation, user, title: str) -> Application:
    application = _application(call, organisation, user, "recommended", title)
    db.session.add(
        CofinanceSource(
            application_id=application.id,
            contributor_name="Municipio de Monterrey",
            contributor_type="state_institution",
            nature="in_kind",
            counts_as="cost_share",
            amount=D("90000.00"),
            valuation_basis="Renta de salones",
            position=0,
        )
    )
    db.session.flush()
    return application


def _consensus(application, rubric, scores) -> None:
    values = {c.id: D(s) for c, s in zip(rubric.criteria, scores, strict=True)}
    consensus = Consensus(
        application_id=application.id,
        call_id=application.call_id,
        points=weighted_points(specs(rubric), values),
        summary="Consenso del panel.",
        minority_views="",
    )
    consensus.scores = [ConsensusScore(criterion_id=k, score=v) for k, v in values.items()]
    db.session.add(consensus)
    db.session.flush()


def _pending_award(application, proposer) -> Award:
    """Proposed above the second-approval threshold: built directly, as the call's maximum
    award is below the threshold and the operation would refuse the amount."""
    call = application.call
    award = Award(
        application_id=application.id,
        call_id=call.id,
        programme_id=call.programme_id,
        organisation_id=application.organisation_id,
        status="pending_approval",
        instrument="fixed_amount",
        amount=D("1500000.00"),
        currency=call.programme.currency,
        justification="Propuesta de la segunda gestora.",
        proposed_by_id=proposer.id,
        proposed_dt=now_utc(),
        needs_second_approval=True,
    )
    db.session.add(award)
    db.session.flush()
    return award


def _closeout(hints, grants, manager, officer) -> None:
    """Closeout (issue 16): the demo's grant in closeout made ready to close (its final
    financial report approved, its unspent advance refunded, the documents confirmed), so the
    grants manager's close button shows; the administrator's reopen form on the closed grant;
    an editable financial report of grant 902 for the expenditure form."""
    from portal.closeout import operations as closeout_ops
    from portal.finance import ledger
    from portal.reports.constants import EDITABLE_REPORT, ReportKind
    from portal.reports.models import GrantReport

    closing, closed = (_award_of(f"CONV-2025-01-{n:04d}") for n in (905, 906))
    if closing is None or closed is None:
        return
    final = db.session.scalar(
        select(GrantReport).filter_by(award_id=closing.id, kind=ReportKind.FINAL_FINANCIAL.value)
    )
    final.status = "approved"  # seeded in its state (the reports' flow is tested elsewhere)
    final.decided_by_id, final.decided_dt = manager.id, now_utc()
    for advance, balance in finance_ops.refundable_advances(closing):
        finance_ops.record_refund(
            closing,
            officer,
            ledger.Entry(
                paid_on=finance_ops.today(),
                amount=balance,
                currency=closing.currency,
                bank_reference="SPEI FUZZ-REEMBOLSO",
                clabe="072580011111111118",
                idempotency_key=f"fuzz-refund-{advance.id:08d}",
            ),
            advance_id=advance.id,
        )
    closeout_ops.confirm_documents(closing, manager)
    grant = grants[902]
    report = db.session.scalar(
        select(GrantReport).where(
            GrantReport.award_id == grant.id,
            GrantReport.kind == ReportKind.FINANCIAL.value,
            GrantReport.status.in_(EDITABLE_REPORT),
        )
    )
    if report is None:
        report = GrantReport(
            award_id=grant.id,
            kind=ReportKind.FINANCIAL.value,
            period_start=grant.start_date,
            period_end=date(2026, 5, 15),
            due_on=date(2026, 6, 15),
        )
        db.session.add(report)
    db.session.flush()
    hints["grants_manager"].append(f"/closeout/grants/{closing.id}")
    hints["admin"].append(f"/closeout/grants/{closed.id}")
    hints["applicant"].append(f"/closeout/reports/{report.id}/expenditure")


def _award_of(reference: str) -> Award | None:
    application = db.session.scalar(select(Application).filter_by(reference=reference))
    if application is None:
        return None
    return db.session.scalar(select(Award).filter_by(application_id=application.id))


def _demo_grants() -> dict[int, Award]:
    grants = {}
    for number in (901, 902, 903):
        application = db.session.scalar(
            select(Application).filter_by(reference=f"CONV-2025-01-{number:04d}")
        )
        grants[number] = db.session.scalar(select(Award).filter_by(application_id=application.id))
    return grants


def _request_through(award, milestone, applicant, manager, officer, *, approve: bool):
    request = finance_ops.create_request(
        award,
        applicant,
        milestone_id=milestone.id,
        narrative="Informe final",
        amount=milestone.amount,
    )
    finance_ops.submit_request(request, applicant, certified=True, typed_name=applicant.full_name)
    finance_ops.decide_deliverable(request, manager, decision="approve", comment="Completo")
    if approve:
        finance_ops.approve_payment(request, officer, amount=request.amount, comment="")
    db.session.flush()
    return request
