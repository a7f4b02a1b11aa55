"""Demo data for ``make run``: idempotent, one function per stage of the grant cycle.

Each stage takes the :class:`DemoWorld` built so far, creates only what is missing (users are
looked up by e-mail, organisations by RFC), records what it found in the world for the stages
after it, and flushes. Running the seed twice changes nothing. Later issues add their stages
(calls, applications, reviews, grants...) to :data:`STAGES`.

The seed is system set-up, not a user action: it writes no audit entries and never commits;
the CLI commits once. It refuses to run in production.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from portal.accounts.builders import build_user
from portal.accounts.models import User
from portal.accounts.passwords import hash_password, password_problems
from portal.applications.demo import seed_applications
from portal.awards.amendments.demo import seed_amendments
from portal.awards.amendments.demo_signed import seed_signed_amendment
from portal.awards.demo import seed_awards
from portal.awards.demo_agreements import seed_agreement_pdfs
from portal.calls.demo import seed_calls
from portal.closeout.demo import seed_closeout
from portal.core.db import db, now_utc
from portal.demo.data import ACCOUNTS, DEMO_PASSWORD, ORGANISATIONS, DemoOrganisation
from portal.finance.demo import seed_finance
from portal.organisations.builders import add_membership, build_organisation
from portal.organisations.models import Membership, Organisation
from portal.reporting.demo import seed_reporting
from portal.reports.demo import seed_reports
from portal.results.demo import seed_results
from portal.reviews.demo import seed_reviews


class SeedRefusedError(RuntimeError):
    """The demo data must never be loaded into a production database."""


@dataclass
class DemoWorld:
    """What the seed created or found, keyed for later stages."""

    users: dict[str, User] = field(default_factory=dict)  # by e-mail
    organisations: dict[str, Organisation] = field(default_factory=dict)  # by RFC
    created: Counter = field(default_factory=Counter)  # object kind -> rows created

    def user(self, email: str) -> User:
        return self.users[email]


def seed_accounts(world: DemoWorld) -> None:
    """Staff, reviewers and applicant users, all verified, sharing the demo password."""
    problems = password_problems(DEMO_PASSWORD)
    if problems:  # the policy changed: the README's password would no longer work
        raise RuntimeError(f"demo password refused by the policy: {[str(p) for p in problems]}")
    password_hash = None
    for spec in ACCOUNTS:
        user = db.session.scalar(select(User).filter_by(email=spec.email))
        if user is None:
            password_hash = password_hash or hash_password(DEMO_PASSWORD)
            user = build_user(
                spec.email,
                spec.full_name,
                password_hash=password_hash,
                roles=spec.roles,
                locale=spec.locale,
                timezone=spec.timezone,
                password_changed_dt=now_utc(),
            )
            world.created["user"] += 1
        world.users[spec.email] = user


def seed_organisations(world: DemoWorld) -> None:
    """Two applicant organisations, each with its own members and one signatory."""
    for spec in ORGANISATIONS:
        org = db.session.scalar(select(Organisation).filter_by(rfc=spec.rfc))
        if org is None:
            org = build_organisation(
                **_columns(spec),
                created_by=world.user(spec.members[0].email),
            )
            world.created["organisation"] += 1
        world.organisations[spec.rfc] = org
        _ensure_members(world, org, spec)
    db.session.flush()


def _columns(spec: DemoOrganisation) -> dict:
    """The organisation's columns (everything in the spec but its members)."""
    columns = spec._asdict()
    del columns["members"]
    return columns


def _ensure_members(world: DemoWorld, org: Organisation, spec: DemoOrganisation) -> None:
    """Add missing memberships; existing ones (possibly edited in the UI) are left alone."""
    existing = db.session.scalars(select(Membership).filter_by(organisation_id=org.id)).all()
    by_user = {m.user_id: m for m in existing}
    has_signatory = any(m.is_signatory for m in existing)
    for member in spec.members:
        user = world.user(member.email)
        if user.id in by_user:
            continue
        signs = member.is_signatory and not has_signatory
        add_membership(org, user, member.role, is_signatory=signs)
        has_signatory = has_signatory or signs
        world.created["membership"] += 1


# The stages, in order. Later issues append theirs (e.g. seed_calls, seed_applications).
STAGES: list[Callable[[DemoWorld], None]] = [
    seed_accounts,
    seed_organisations,
    seed_calls,
    seed_applications,
    seed_reviews,
    seed_awards,
    seed_finance,
    seed_amendments,  # after the finance stage's active grants
    seed_reporting,
    seed_closeout,  # a grant in closeout and a closed one (before the agreements' PDFs)
    seed_reports,  # after every stage that builds active grants
    seed_results,  # after the reports stage (targets and values per progress report)
    seed_agreement_pdfs,  # after every stage that builds agreements
    seed_signed_amendment,  # after the agreements' PDFs (its chain starts from them)
]


def refuse_in_production() -> None:
    if current_app.config.get("ENV_NAME") == "production":
        raise SeedRefusedError("Refusing to load demo data: PORTAL_ENV is production.")


def seed_all() -> DemoWorld:
    """Run every stage; the caller commits."""
    refuse_in_production()
    world = DemoWorld()
    for stage in STAGES:
        stage(world)
    return world
