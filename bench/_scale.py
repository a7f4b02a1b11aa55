"""Bulk seeding shared by the benchmarks: the evaluation of one big call (``ranking``), the
money of thousands of grants (``finance_dashboard``) and the whole issue-18 world that
``pages`` serves (both of them, plus an open call with drafts, thousands of users, sign-in
accounts for every role and an API token).

Everything is SQLAlchemy Core ``insert`` of lists of dicts with explicit ids taken after the
current maximum, so a seed can run inside a transaction on a development database; after a
committed seed on PostgreSQL call ``reset_sequences`` so the portal's own inserts do not
collide with the explicit ids.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from decimal import Decimal

from bench._harness import _next_ids

EVALUATION_CODE = "BENCH-2026-99"
OPEN_CODE = "BENCH-2026-01"
CRITERIA = 6
REVIEWS = 3
REVIEWERS = 30
EVALUATION_ORGANISATIONS = 40
FINANCE_ORGANISATIONS = 200
STATES = ("19", "26", "09", "14", "15", "21", "05", "08", "02", "31")
CALLS = 10
CLABE = "032180000118359719"
PASSWORD = "Cofinancia-Bench-2026"

# The scale: 2,000 evaluated + 5,007 awarded + 3,002 others = 10,009 applications.
SCALES = {
    "full": {
        "evaluated": 2000,
        "grants": 5007,
        "disbursements": 20005,
        "contributions": 10008,
        "others": 3002,
        "users": 2500,
    },
    "small": {
        "evaluated": 200,
        "grants": 501,
        "disbursements": 2001,
        "contributions": 1001,
        "others": 300,
        "users": 250,
    },
    "tiny": {  # the smoke test's world
        "evaluated": 12,
        "grants": 20,
        "disbursements": 60,
        "contributions": 30,
        "others": 10,
        "users": 5,
    },
}
ACCOUNTS = {  # role -> e-mail of the sign-in account seeded for it
    "admin": "admin@bench.cofinancia.example",
    "grants_manager": "gestor@bench.cofinancia.example",
    "finance_officer": "finanzas@bench.cofinancia.example",
    "applicant": "direccion@bench.cofinancia.example",
}


def seed_evaluation(
    conn,
    applications: int,
    *,
    code: str = EVALUATION_CODE,
    manager: int | None = None,
    programme_id: int | None = None,
    org_ids: list[int] | None = None,
    created_by: int | None = None,
    reviewer_password_hash: str | None = None,
) -> dict:
    """Bulk-insert a closed call with ``applications`` under review, each with ``REVIEWS``
    submitted reviews of ``CRITERIA`` criteria by ``REVIEWERS`` reviewers and a consensus on
    every tenth; returns the ids the measurement needs. Without ``manager``, ``programme_id``
    and ``org_ids`` it creates its own grants manager, programme and organisations."""
    from sqlalchemy import insert

    from portal.accounts.models import User, UserRole
    from portal.applications.models import Application
    from portal.calls.models import Call, Programme, programme_managers
    from portal.core.db import now_utc
    from portal.organisations.models import Organisation
    from portal.reviews import scoring
    from portal.reviews.models import (
        Assignment,
        Consensus,
        ConsensusScore,
        Criterion,
        Panel,
        PanelMember,
        Review,
        ReviewScore,
        Rubric,
    )

    t = {
        m.__tablename__: m.__table__
        for m in (
            User,
            UserRole,
            Organisation,
            Programme,
            Call,
            Rubric,
            Criterion,
            Panel,
            PanelMember,
            Application,
            Assignment,
            Review,
            ReviewScore,
            Consensus,
            ConsensusScore,
        )
    }
    ids = _next_ids(conn, *t.values())
    now = now_utc()
    rng = random.Random(2026)

    def rows(table, items):
        conn.execute(insert(t[table]), items)

    uid = ids["users"]
    users = [
        {
            "id": uid + i,
            "email": f"bench-{uid + i}@example.org",
            "full_name": f"Bench {i}",
            "password_hash": reviewer_password_hash if i else None,
            "locale": "es",
            "email_verified_dt": now,
        }
        for i in range(REVIEWERS + 1)
    ]
    if manager is not None:
        users = users[1:]  # no manager of its own; the reviewers keep their ids
    rows("users", users)
    rows(
        "user_roles",
        [
            {"user_id": u["id"], "role": "reviewer" if u["id"] != uid else "grants_manager"}
            for u in users
        ],
    )
    manager = uid if manager is None else manager
    reviewers = [u["id"] for u in users if u["id"] != uid]
    if org_ids is None:
        oid = ids["organisations"]
        rows(
            "organisations",
            [
                {
                    "id": oid + i,
                    "kind": "cso",
                    "legal_name": f"Organización {i} A.C.",
                    "tax_residence": "mexico",
                    "rfc": f"BZQ{oid + i:06d}A1"[:12],
                    "state_code": "19",
                    "municipality": "Monterrey",
                    "address": "Centro",
                    "legal_rep_name": "Ana",
                }
                for i in range(EVALUATION_ORGANISATIONS)
            ],
        )
        org_ids = [oid + i for i in range(EVALUATION_ORGANISATIONS)]
    cid = ids["calls"]
    if programme_id is None:
        programme_id = ids["programmes"]
        rows(
            "programmes",
            [
                {
                    "id": programme_id,
                    "name_es": "Banco",
                    "name_en": "Bench",
                    "donor": "Bench",
                    "currency": "MXN",
                    "envelope": Decimal("1000000000"),
                }
            ],
        )
        conn.execute(
            insert(programme_managers), [{"programme_id": programme_id, "user_id": manager}]
        )
    pid = programme_id
    rows(
        "calls",
        [
            {
                "id": cid,
                "programme_id": pid,
                "code": code,
                "status": "published",
                "title_es": "Banco de pruebas",
                "title_en": "Bench",
                "currency": "MXN",
                "opens_dt": now - timedelta(days=60),
                "closes_dt": now - timedelta(days=1),
                "budget": Decimal("100000000"),
                "min_award": Decimal("1"),
                "max_award": Decimal("1000000"),
                "offers_fixed_amount": True,
                "published_dt": now - timedelta(days=60),
                "applicant_kinds": ["cso"],
                "state_codes": [],
                "thematic_areas": [],
            }
        ],
    )
    rid = ids["review_rubrics"]
    rows(
        "review_rubrics",
        [
            {
                "id": rid,
                "call_id": cid,
                "half_points": True,
                "overall_threshold": Decimal("55"),
                "tie_use_cofinance": True,
            }
        ],
    )
    crit_ids = [ids["review_criteria"] + i for i in range(CRITERIA)]
    weights = [Decimal(w) for w in ("25", "20", "20", "15", "10", "10")]
    rows(
        "review_criteria",
        [
            {
                "id": c,
                "rubric_id": rid,
                "position": i,
                "title_es": f"Criterio {i + 1}",
                "title_en": f"Criterion {i + 1}",
                "weight": weights[i],
                "max_score": Decimal(5),
                "min_score": Decimal(2) if i == 0 else None,
                "is_tie_breaker": i == 0,
            }
            for i, c in enumerate(crit_ids)
        ],
    )
    panel = ids["review_panels"]
    rows("review_panels", [{"id": panel, "call_id": cid, "reviewers_per_application": REVIEWS}])
    rows("review_panel_members", [{"panel_id": panel, "user_id": r} for r in reviewers])
    specs = [
        scoring.CriterionSpec(c, w, Decimal(5)) for c, w in zip(crit_ids, weights, strict=True)
    ]

    aid, asg, rev = ids["applications"], ids["review_assignments"], ids["reviews"]
    apps, assignments, reviews, scores, consensus, agreed = [], [], [], [], [], []
    for n in range(applications):
        app_id = aid + n
        apps.append(
            {
                "id": app_id,
                "call_id": cid,
                "organisation_id": org_ids[n % len(org_ids)],
                "created_by_id": created_by or manager,
                "number": n + 1,
                "reference": f"{code}-{n + 1:04d}",
                "title": f"Proyecto {n + 1}",
                "status": "under_review",
                "answers": {},
                "eligibility_answers": {},
                "form_version": 1,
                "form_snapshot": {"schema": 1},
                "currency": "MXN",
                "cofinance_pct": Decimal(rng.randrange(10, 60)),
                "submitted_dt": now - timedelta(days=2),
            }
        )
        for k in range(REVIEWS):
            a_id, r_id = asg + n * REVIEWS + k, rev + n * REVIEWS + k
            reviewer = reviewers[(n * REVIEWS + k) % REVIEWERS]
            values = {c: Decimal(rng.randrange(0, 11)) / 2 for c in crit_ids}
            assignments.append(
                {
                    "id": a_id,
                    "call_id": cid,
                    "application_id": app_id,
                    "reviewer_id": reviewer,
                    "automatic": True,
                    "conflict": False,
                    "declared_dt": now,
                }
            )
            reviews.append(
                {
                    "id": r_id,
                    "assignment_id": a_id,
                    "call_id": cid,
                    "application_id": app_id,
                    "reviewer_id": reviewer,
                    "status": "submitted",
                    "submitted_dt": now,
                    "points": scoring.weighted_points(specs, values),
                }
            )
            scores += [
                {"review_id": r_id, "criterion_id": c, "score": v, "comment": ""}
                for c, v in values.items()
            ]
        if n % 10 == 0:
            values = {c: Decimal(rng.randrange(4, 11)) / 2 for c in crit_ids}
            consensus.append(
                {
                    "id": ids["review_consensus"] + len(consensus),
                    "application_id": app_id,
                    "call_id": cid,
                    "points": scoring.weighted_points(specs, values),
                    "summary": "Consenso.",
                }
            )
            agreed += [
                {"consensus_id": consensus[-1]["id"], "criterion_id": c, "score": v}
                for c, v in values.items()
            ]
    for table, items in (
        ("applications", apps),
        ("review_assignments", assignments),
        ("reviews", reviews),
        ("review_scores", scores),
        ("review_consensus", consensus),
        ("review_consensus_scores", agreed),
    ):
        for start in range(0, len(items), 5000):
            rows(table, items[start : start + 5000])
    return {
        "manager": {"id": manager},
        "reviewers": reviewers,
        "refresh_seconds": _refresh_summaries(conn, cid),
        "call_id": cid,
        "code": code,
        "applications": len(apps),
        "scores": len(scores),
        "reviews": len(reviews),
    }


def _refresh_summaries(conn, call_id: int) -> float:
    """Write the call's score summaries, which Core bulk inserts bypass (what migration 0026's
    backfill runs; also the cost of a rubric change on such a call); returns the seconds."""
    from portal.reviews.summaries import refresh_call

    started = time.perf_counter()
    refresh_call(conn, call_id)
    return time.perf_counter() - started


def seed_finance(
    conn,
    grants: int,
    disbursements: int,
    contributions: int,
    *,
    users: tuple[int, int, int] | None = None,
) -> dict:
    """Bulk-insert two programmes (MXN, USD), ten closed calls, ``FINANCE_ORGANISATIONS`` grantee
    organisations and ``grants`` active grants with milestones, co-finance commitments, the
    ledger, co-finance contributions, waiting payment requests and a USD/MXN rate. ``users``
    is (finance officer, grants manager, grantee); without it three are created."""
    from sqlalchemy import insert

    from portal.accounts.models import User, UserRole
    from portal.applications.models import Application
    from portal.awards.models import Award, CofinanceCommitment, Milestone
    from portal.calls.models import Call, Programme, programme_managers
    from portal.core.db import now_utc
    from portal.finance.models import CofinanceContribution, Disbursement, PaymentRequest
    from portal.organisations.models import Organisation
    from portal.reporting.models import ExchangeRate

    t = {
        m.__tablename__: m.__table__
        for m in (
            User,
            UserRole,
            Organisation,
            Programme,
            Call,
            Application,
            Award,
            Milestone,
            CofinanceCommitment,
            Disbursement,
            CofinanceContribution,
            PaymentRequest,
            ExchangeRate,
        )
    }
    ids = _next_ids(conn, *t.values())
    now = now_utc()
    today = now.date()
    rng = random.Random(2026)

    def rows(table, items):
        for start in range(0, len(items), 5000):
            conn.execute(insert(t[table]), items[start : start + 5000])

    if users is None:
        uid = ids["users"]
        rows(
            "users",
            [
                {
                    "id": uid + i,
                    "email": f"bench-fin-{uid + i}@example.org",
                    "full_name": f"Bench {i}",
                    "password_hash": None,
                    "locale": "en",
                }
                for i in range(3)
            ],
        )
        roles = ("finance_officer", "grants_manager", "applicant")
        rows("user_roles", [{"user_id": uid + i, "role": r} for i, r in enumerate(roles)])
        users = (uid, uid + 1, uid + 2)
    officer, manager, grantee = users

    oid = ids["organisations"]
    rows(
        "organisations",
        [
            {
                "id": oid + i,
                "kind": "cso",
                "legal_name": f"Organización {i} A.C.",
                "tax_residence": "mexico",
                "rfc": f"BZF{oid + i:06d}A1"[:12],
                "state_code": STATES[i % len(STATES)],
                "municipality": "Centro",
                "address": "Centro",
                "legal_rep_name": "Ana",
            }
            for i in range(FINANCE_ORGANISATIONS)
        ],
    )
    pid = ids["programmes"]
    rows(
        "programmes",
        [
            {
                "id": pid + i,
                "name_es": f"Banco {currency}",
                "name_en": f"Bench {currency}",
                "donor": "Bench",
                "currency": currency,
                "envelope": Decimal("10000000000"),
            }
            for i, currency in enumerate(("MXN", "USD"))
        ],
    )
    conn.execute(
        insert(programme_managers),
        [{"programme_id": pid + i, "user_id": manager} for i in range(2)],
    )
    cid = ids["calls"]
    calls = [
        {
            "id": cid + i,
            "programme_id": pid + (1 if i == CALLS - 1 else 0),
            "code": f"BENCH-FIN-{i:02d}",
            "status": "closed",
            "title_es": f"Banco {i}",
            "title_en": f"Bench {i}",
            "currency": "USD" if i == CALLS - 1 else "MXN",
            "opens_dt": now - timedelta(days=400),
            "closes_dt": now - timedelta(days=300),
            "budget": Decimal("1000000000"),
            "min_award": Decimal("1"),
            "max_award": Decimal("100000000"),
            "offers_fixed_amount": True,
            "published_dt": now - timedelta(days=400),
            "closed_dt": now - timedelta(days=300),
            "applicant_kinds": ["cso"],
            "state_codes": [],
            "thematic_areas": [],
        }
        for i in range(CALLS)
    ]
    rows("calls", calls)

    aid, wid, mid, kid = (
        ids["applications"],
        ids["awards"],
        ids["award_milestones"],
        ids["award_cofinance_commitments"],
    )
    applications, awards, milestones, commitments = [], [], [], []
    for n in range(grants):
        call = calls[n % CALLS]
        amount = Decimal(rng.randrange(100, 1000) * 1000)
        applications.append(
            {
                "id": aid + n,
                "call_id": call["id"],
                "organisation_id": oid + n % FINANCE_ORGANISATIONS,
                "created_by_id": grantee,
                "number": n + 1,
                "reference": f"BENCH-FIN-{n + 1:05d}",
                "title": f"Proyecto {n + 1}",
                "status": "awarded",
                "form_version": 1,
                "form_snapshot": {"schema": 1},
                "currency": call["currency"],
                "submitted_dt": now - timedelta(days=350),
            }
        )
        awards.append(
            {
                "id": wid + n,
                "application_id": aid + n,
                "call_id": call["id"],
                "programme_id": call["programme_id"],
                "organisation_id": oid + n % FINANCE_ORGANISATIONS,
                "status": "active",
                "instrument": "fixed_amount",
                "amount": amount,
                "currency": call["currency"],
                "justification": "Bench",
                "proposed_by_id": manager,
            }
        )
        half = amount / 2
        for k, due in enumerate(
            (today + timedelta(days=rng.randrange(-120, 60)), today + timedelta(days=200))
        ):
            milestones.append(
                {
                    "id": mid + 2 * n + k,
                    "award_id": wid + n,
                    "position": k,
                    "deliverable": f"Entregable {k + 1}",
                    "verification": "Informe",
                    "due_date": due,
                    "amount": half,
                    "currency": call["currency"],
                    "status": "planned" if n % 3 else "paid",
                }
            )
        for k, (kind, counts_as) in enumerate(
            (
                ("state_institution", "cost_share"),
                (("private_company", "other_donor")[n % 2], "leverage"),
            )
        ):
            commitments.append(
                {
                    "id": kid + 2 * n + k,
                    "award_id": wid + n,
                    "contributor_name": f"Cofinanciador {k}",
                    "contributor_type": kind,
                    "nature": "cash",
                    "counts_as": counts_as,
                    "amount": amount * Decimal("0.2") if k == 0 else amount * Decimal("0.1"),
                    "position": k,
                }
            )
    rows("applications", applications)
    rows("awards", awards)
    rows("award_milestones", milestones)
    rows("award_cofinance_commitments", commitments)

    did = ids["disbursements"]
    entries = []
    for n in range(disbursements):
        award = awards[n % grants]
        paid_on = today - timedelta(days=rng.randrange(0, 700))
        value = (award["amount"] / 20).quantize(Decimal("0.01"))
        if n % 50 == 49:  # a reversal of the previous entry
            previous = entries[-1]
            entries.append(
                {
                    **previous,
                    "id": did + n,
                    "kind": "reversal",
                    "reverses_id": previous["id"],
                    "amount": -previous["amount"],
                    "award_amount": -previous["award_amount"],
                    "idempotency_key": f"bench-fin-{did + n}",
                }
            )
            continue
        entries.append(
            {
                "id": did + n,
                "award_id": award["id"],
                "kind": "payment",
                "reverses_id": None,
                "paid_on": paid_on,
                "amount": value,
                "currency": award["currency"],
                "award_amount": value,
                "award_currency": award["currency"],
                "bank_reference": f"SPEI {n}",
                "clabe": CLABE,
                "note": "",
                "idempotency_key": f"bench-fin-{did + n}",
                "recorded_by_id": officer,
            }
        )
    rows("disbursements", entries)

    xid = ids["cofinance_contributions"]
    statuses = ("verified", "verified", "reported", "rejected")
    rows(
        "cofinance_contributions",
        [
            {
                "id": xid + n,
                "award_id": awards[n % grants]["id"],
                "commitment_id": None if n % 10 == 9 else kid + 2 * (n % grants) + n % 2,
                "contributor_name": "Cofinanciador",
                "nature": "cash",
                "counts_as": "cost_share" if n % 2 == 0 else "leverage",
                "amount": Decimal(rng.randrange(1, 50) * 1000),
                "currency": awards[n % grants]["currency"],
                "contributed_on": today - timedelta(days=rng.randrange(0, 700)),
                "status": statuses[n % 4],
                "reason": "Sin evidencia" if statuses[n % 4] == "rejected" else None,
                "reported_by_id": grantee,
            }
            for n in range(contributions)
        ],
    )
    qid = ids["payment_requests"]
    waiting = ("submitted", "deliverable_approved", "payment_approved")
    requests = []
    for n in range(min(500, grants)):
        status = waiting[n % 3]
        since = now - timedelta(days=rng.randrange(0, 30))
        requests.append(
            {
                "id": qid + n,
                "award_id": awards[n]["id"],
                "milestone_id": mid + 2 * n + 1,
                "status": status,
                "narrative": "Bench",
                "amount": milestones[2 * n + 1]["amount"],
                "currency": awards[n]["currency"],
                "created_by_id": grantee,
                "certified_name": "Ana",
                "certified_by_id": grantee,
                "certified_dt": since,
                "deliverable_by_id": manager if status != "submitted" else None,
                "deliverable_dt": since if status != "submitted" else None,
                "approved_amount": milestones[2 * n + 1]["amount"]
                if status == "payment_approved"
                else None,
                "payment_dt": since if status == "payment_approved" else None,
            }
        )
    rows("payment_requests", requests)
    rows(
        "exchange_rates",
        [
            {
                "id": ids["exchange_rates"],
                "base": "USD",
                "quote": "MXN",
                "rate_on": date(2000, 1, 3),  # old enough not to clash with a stored one
                "rate": Decimal("9.5"),
                "source": "banxico_fix",
                "recorded_by_id": officer,
            }
        ],
    )
    # Core bulk inserts bypass the ORM events that keep the per-award summaries: rebuild them
    # (what migration 0027 does for an existing database).
    from portal.finance import summaries

    summaries.rebuild(conn)
    return {
        "officer": {"id": officer},
        "org_ids": [oid + i for i in range(FINANCE_ORGANISATIONS)],
        "programme_ids": [pid, pid + 1],
        "calls": calls,
        "award_ids": [a["id"] for a in awards],
        "grants": grants,
        "disbursements": len(entries),
        "contributions": contributions,
    }


def password_hash(password: str = PASSWORD) -> str:
    """An argon2id hash with the production parameters (config.BaseConfig)."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1).hash(password)


def seed_world(conn, scale: str = "full") -> dict:
    """The issue-18 world (see ``SCALES``): the finance seed and the evaluation seed over the
    same organisations and programmes, an open call with drafts and submissions, ``users``
    more applicants, one sign-in account per role (``ACCOUNTS`` and a reviewer with
    assignments, all with ``PASSWORD``) and an API token of the grants manager. Returns the
    accounts, the codes and ids the pages need, the token's secret and the row counts."""
    from sqlalchemy import func, insert, select, update

    from portal.accounts.models import User, UserRole
    from portal.api import tokens
    from portal.api.models import ApiToken
    from portal.applications.models import Application
    from portal.calls.models import Call
    from portal.core.db import now_utc
    from portal.finance.models import Disbursement
    from portal.organisations.models import Membership

    size = SCALES[scale]
    now = now_utc()
    hashed = password_hash()
    ids = _next_ids(conn, User.__table__, Membership.__table__, ApiToken.__table__)
    uid = ids["users"]
    accounts = {role: uid + i for i, role in enumerate(ACCOUNTS)}
    people = [
        {
            "id": uid + i,
            "email": email,
            "full_name": f"Cuenta {role}",
            "password_hash": hashed,
            "locale": "es",
            "email_verified_dt": now,
        }
        for i, (role, email) in enumerate(ACCOUNTS.items())
    ]
    people += [
        {
            "id": uid + len(ACCOUNTS) + i,
            "email": f"solicitante-{i}@bench.cofinancia.example",
            "full_name": f"Solicitante {i}",
            "password_hash": None,
            "locale": "es",
            "email_verified_dt": now,
        }
        for i in range(size["users"])
    ]
    for start in range(0, len(people), 5000):
        conn.execute(insert(User.__table__), people[start : start + 5000])
    conn.execute(
        insert(UserRole.__table__),
        [{"user_id": accounts[role], "role": role} for role in ACCOUNTS]
        + [{"user_id": p["id"], "role": "applicant"} for p in people[len(ACCOUNTS) :]],
    )
    applicant, manager = accounts["applicant"], accounts["grants_manager"]
    finance = seed_finance(
        conn,
        size["grants"],
        size["disbursements"],
        size["contributions"],
        users=(accounts["finance_officer"], manager, applicant),
    )
    org_ids = finance["org_ids"]
    conn.execute(
        insert(Membership.__table__),
        [
            {
                "id": ids["memberships"],
                "organisation_id": org_ids[0],
                "user_id": applicant,
                "role": "owner",
                "is_signatory": True,
                "created_dt": now,
            }
        ],
    )
    evaluation = seed_evaluation(
        conn,
        size["evaluated"],
        manager=manager,
        programme_id=finance["programme_ids"][0],
        org_ids=org_ids,
        created_by=applicant,
        reviewer_password_hash=hashed,
    )
    reviewer = evaluation["reviewers"][0]
    conn.execute(
        update(User.__table__)
        .where(User.__table__.c.id == reviewer)
        .values(email="revisora@bench.cofinancia.example")
    )
    accounts["reviewer"] = reviewer
    others = _seed_open_call(
        conn, size["others"], finance["programme_ids"][0], org_ids, [p["id"] for p in people]
    )
    secret = tokens.generate()
    conn.execute(
        insert(ApiToken.__table__),
        [
            {
                "id": ids["api_tokens"],
                "user_id": manager,
                "name": "bench",
                "token_hash": tokens.hash_secret(secret),
                "prefix": tokens.display_prefix(secret),
                "created_dt": now,
                "expires_dt": now + timedelta(days=30),
            }
        ],
    )
    busiest = conn.execute(
        select(Disbursement.award_id)
        .group_by(Disbursement.award_id)
        .order_by(func.count().desc(), Disbursement.award_id)
        .limit(1)
    ).scalar_one()
    total = conn.scalar(select(func.count()).select_from(Application))
    return {
        "accounts": accounts,
        "emails": {**ACCOUNTS, "reviewer": "revisora@bench.cofinancia.example"},
        "password": PASSWORD,
        "token": secret,
        "evaluation_code": evaluation["code"],
        "open_code": others["code"],
        "finance_code": finance["calls"][0]["code"],
        "busiest_award": busiest,
        "call_ids": {
            c["code"]: c["id"]
            for c in [*finance["calls"], {"code": evaluation["code"], "id": evaluation["call_id"]}]
        }
        | {others["code"]: others["call_id"]},
        "counts": {
            "applications": total,
            "evaluated": evaluation["applications"],
            "reviews": evaluation["reviews"],
            "scores": evaluation["scores"],
            "awards": finance["grants"],
            "disbursements": finance["disbursements"],
            "contributions": finance["contributions"],
            "organisations": len(org_ids),
            "users": conn.scalar(select(func.count()).select_from(User)),
            "calls": conn.scalar(select(func.count()).select_from(Call)),
        },
    }


def _seed_open_call(conn, applications: int, programme_id: int, org_ids, users) -> dict:
    """An open call with ``applications``: two in three drafts, the rest submitted."""
    from sqlalchemy import insert

    from portal.applications.models import Application
    from portal.calls.models import Call
    from portal.core.db import now_utc

    ids = _next_ids(conn, Call.__table__, Application.__table__)
    now = now_utc()
    cid = ids["calls"]
    conn.execute(
        insert(Call.__table__),
        [
            {
                "id": cid,
                "programme_id": programme_id,
                "code": OPEN_CODE,
                "status": "published",
                "title_es": "Convocatoria abierta de banco",
                "title_en": "Open bench call",
                "currency": "MXN",
                "opens_dt": now - timedelta(days=10),
                "closes_dt": now + timedelta(days=30),
                "budget": Decimal("100000000"),
                "min_award": Decimal("1"),
                "max_award": Decimal("1000000"),
                "offers_fixed_amount": True,
                "published_dt": now - timedelta(days=10),
                "applicant_kinds": ["cso"],
                "state_codes": [],
                "thematic_areas": [],
            }
        ],
    )
    rows, number = [], 0
    for n in range(applications):
        submitted = n % 3 == 2
        number += submitted
        rows.append(
            {
                "id": ids["applications"] + n,
                "call_id": cid,
                "organisation_id": org_ids[n % len(org_ids)],
                "created_by_id": users[n % len(users)],
                "number": number if submitted else None,
                "reference": f"{OPEN_CODE}-{number:04d}" if submitted else None,
                "title": f"Propuesta {n + 1}",
                "status": "submitted" if submitted else "draft",
                "answers": {},
                "eligibility_answers": {},
                "form_version": 1,
                "form_snapshot": {"schema": 1},
                "currency": "MXN",
                "cofinance_pct": Decimal(20),
                "submitted_dt": now - timedelta(days=1) if submitted else None,
            }
        )
    for start in range(0, len(rows), 5000):
        conn.execute(insert(Application.__table__), rows[start : start + 5000])
    return {"code": OPEN_CODE, "call_id": cid}


def reset_sequences(conn) -> None:
    """PostgreSQL: move every ``id`` sequence past the explicit ids the seeds inserted."""
    from sqlalchemy import text

    import portal.models  # noqa: F401  (every table on the metadata)
    from portal.core.db import Base

    if conn.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if "id" in table.c:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                    f" (SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"
                )
            )
