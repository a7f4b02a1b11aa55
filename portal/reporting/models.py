"""Stored exchange rates: the dashboard converts USD to MXN at the latest rate recorded on or
before the end of the period shown, and says which one it used.

One rate per currency pair and day (UNIQUE). A rate is positive and comes from one of the
sources the ledger already knows (``portal.finance.constants.RATE_SOURCES``); both rules are
named CHECK constraints as well as checks in ``portal.reporting.operations``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Base, Currency, now_utc
from portal.finance.constants import RATE_SOURCES

RATE_PRECISION = 14
RATE_SCALE = 6
_SOURCES_SQL = ", ".join(repr(s) for s in RATE_SOURCES)


class ExchangeRate(Base):
    """``1 base = rate quote`` on ``rate_on`` (the portal records USD → MXN)."""

    __tablename__ = "exchange_rates"
    __table_args__ = (
        CheckConstraint("rate > 0", name="rate_positive"),
        CheckConstraint(
            "base IN ('MXN', 'USD') AND quote IN ('MXN', 'USD') AND base != quote",
            name="pair_known",
        ),
        CheckConstraint(f"source IN ({_SOURCES_SQL})", name="source_known"),
        UniqueConstraint("base", "quote", "rate_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    base: Mapped[str] = mapped_column(Currency(), default="USD")
    quote: Mapped[str] = mapped_column(Currency(), default="MXN")
    rate_on: Mapped[date]
    rate: Mapped[Decimal] = mapped_column(Numeric(RATE_PRECISION, RATE_SCALE, asdecimal=True))
    source: Mapped[str] = mapped_column(String(40))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)

    recorded_by: Mapped[User] = relationship(lazy="joined")

    audit_type = "exchange_rate"

    def __repr__(self) -> str:
        return f"<ExchangeRate {self.base}/{self.quote} {self.rate} {self.rate_on}>"

    @property
    def source_label(self):
        return RATE_SOURCES.get(self.source, self.source)
