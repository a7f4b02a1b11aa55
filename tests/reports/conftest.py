"""Fixtures for the report tests: the finance tests' published call (programme managed by the
``grants_manager`` persona) and active award of organisation A (2027-02-01 to 2028-01-31,
milestones due 2027-03-01 and 2028-01-15; the ``applicant`` persona owns organisation A and is
its signatory), with its reporting schedule."""

from __future__ import annotations

import pytest

from portal.core.db import db
from portal.reports.schedule import ensure_schedule, reports_of
from tests.finance.conftest import as_user, award, call, payments_today, programme  # noqa: F401


@pytest.fixture
def reports(award):  # noqa: F811
    ensure_schedule(award)
    db.session.commit()
    return reports_of(award.id)


@pytest.fixture
def first(reports):
    """The first quarter's progress report (2027-02-01 to 2027-03-31, due 2027-04-30)."""
    return next(r for r in reports if r.kind == "progress")
