"""The demo data behind `make run`: idempotent, complete, and documented in the README."""

from __future__ import annotations

import pytest
from email_validator import validate_email
from sqlalchemy import func, select
from stdnum.mx import rfc as rfc_mod

from config import ROOT
from portal import create_app
from portal.accounts.models import User, UserRole
from portal.accounts.passwords import password_problems, verify_password
from portal.accounts.roles import Role
from portal.core.db import db
from portal.demo.data import ACCOUNTS, DEMO_PASSWORD, ORGANISATIONS
from portal.demo.seed import seed_all
from portal.organisations.models import Membership, Organisation

COUNTED = (User, UserRole, Organisation, Membership)


def _counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in COUNTED}


def test_first_seed_creates_the_whole_cast(ctx):
    before = _counts()
    if db.session.scalar(select(User).filter_by(email=ACCOUNTS[0].email)):
        pytest.skip("demo data left behind by another test")
    world = seed_all()
    db.session.commit()
    members = sum(len(o.members) for o in ORGANISATIONS)
    assert world.created == {
        "user": len(ACCOUNTS),
        "organisation": len(ORGANISATIONS),
        "membership": members,
        "programme": 1,
        "call": 3,
        "application": 2 + 1,  # the reviews stage adds one, fully reviewed
        "rubric": 1,
        "panel": 1,
        "review": 4,
        "consensus": 1,
        "award": 1,
        "agreement": 1,
        "finance_grant": 4,  # no payment, partly paid, fully paid, co-finance shortfall
        "disbursement": 4,
        "cofinance_contribution": 4,
        "amendment": 1,  # a no-cost extension waiting for the grants manager
        "amendment_in_effect": 1,  # a scope change signed by both, before the extension
        # finance dashboard: a USD programme and call, two USD grants (Sonora, Nuevo León)
        "usd_programme": 1,
        "usd_call": 1,
        "reporting_grant": 2,
        "reporting_contribution": 4,
        "exchange_rate": 1,
        # results: the demo programme's catalogue, three indicators on each of its active grants
        "indicator": 5,
        "award_indicator": 5 * 3,  # the four active grants and the one in closeout
        # the eight grants' agreements (six active, one in closeout, one closed): real content,
        # signatures and both PDFs
        "agreement_pdf": 4 + 2 + 2,
        # grantee reports: the six active grants' schedules from their calls' defaults
        # (quarterly: a progress and a financial report per quarter, then the two finals)
        "grant_report": 68,
        # closeout: a grant in closeout (an advance to refund) and a closed one with its letter
        "closeout_grant": 2,
        "closeout_letter": 1,
    }
    after = _counts()
    assert after["User"] == before["User"] + len(ACCOUNTS)
    assert after["Membership"] == before["Membership"] + members


def test_seed_twice_changes_nothing(ctx):
    first = seed_all()
    db.session.commit()
    after_first = _counts()
    second = seed_all()
    db.session.commit()

    assert set(first.users) == {a.email for a in ACCOUNTS}
    assert set(first.organisations) == {o.rfc for o in ORGANISATIONS}
    assert _counts() == after_first
    assert sum(second.created.values()) == 0
    assert {u.id for u in second.users.values()} == {u.id for u in first.users.values()}


def test_seed_leaves_accounts_edited_in_the_ui_alone(ctx):
    seed_all()
    db.session.commit()
    user = db.session.scalar(select(User).filter_by(email=ACCOUNTS[0].email))
    user.full_name = "Renamed in the UI"
    db.session.commit()

    seed_all()
    db.session.commit()
    assert db.session.get(User, user.id).full_name == "Renamed in the UI"


def test_every_demo_account_can_log_in(ctx):
    seed_all()
    db.session.commit()
    for spec in ACCOUNTS:
        user = db.session.scalar(select(User).filter_by(email=spec.email))
        assert user.is_active and user.is_verified, spec.email
        assert verify_password(user.password_hash, DEMO_PASSWORD), spec.email
        assert user.roles == {Role(r) for r in spec.roles}
        assert (user.locale, user.timezone) == (spec.locale, spec.timezone)


def test_demo_password_passes_the_policy(ctx):
    assert password_problems(DEMO_PASSWORD) == []
    for spec in ACCOUNTS:
        assert password_problems(DEMO_PASSWORD, spec.email) == []


def test_demo_addresses_pass_email_validation():
    """Forms validate e-mails with email-validator, which refuses special-use domains (.test)."""
    for spec in ACCOUNTS:
        assert validate_email(spec.email, check_deliverability=False).normalized == spec.email


def test_cast_covers_every_role_and_two_separate_organisations():
    roles = [r for spec in ACCOUNTS for r in spec.roles]
    assert {Role(r) for r in roles} == set(Role)
    assert roles.count(Role.REVIEWER) >= 2
    assert len(ORGANISATIONS) >= 2
    member_sets = [{m.email for m in org.members} for org in ORGANISATIONS]
    assert not set.intersection(*member_sets), "each organisation has its own users"
    for org in ORGANISATIONS:
        assert sum(m.is_signatory for m in org.members) == 1
    assert {a.locale for a in ACCOUNTS} == {"es", "en"}
    assert "America/Hermosillo" in {a.timezone for a in ACCOUNTS}


def test_demo_rfcs_have_correct_check_digits():
    for org in ORGANISATIONS:
        assert rfc_mod.validate(org.rfc, validate_check_digits=True) == org.rfc
        assert org.rfc[-1] == rfc_mod.calc_check_digit(org.rfc[:-1])


def test_seed_builds_the_memberships(ctx):
    world = seed_all()
    db.session.commit()
    for spec in ORGANISATIONS:
        org = world.organisations[spec.rfc]
        rows = db.session.scalars(select(Membership).filter_by(organisation_id=org.id)).all()
        got = {(db.session.get(User, m.user_id).email, m.role, m.is_signatory) for m in rows}
        assert got == {(m.email, m.role, m.is_signatory) for m in spec.members}


def test_cli_seed_is_idempotent(app, connection):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0, second.output
    assert "nothing new" in second.output


def test_seed_refuses_to_run_in_production(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'prod.sqlite3'}"
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", url)
    app = create_app("production")
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code != 0
    assert "production" in result.output
    assert not (tmp_path / "prod.sqlite3").exists(), "nothing may be written"


@pytest.mark.parametrize("spec", ACCOUNTS, ids=lambda s: s.email)
def test_readme_lists_every_demo_account(spec):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if f"`{spec.email}`" in line]
    assert rows, f"{spec.email} missing from the README's demo accounts table"
    assert DEMO_PASSWORD in readme
