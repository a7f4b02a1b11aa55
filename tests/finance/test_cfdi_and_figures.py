"""CFDI parsing (hardened, duplicate UUID refused on any grant), advances and the per-grant
figures (shortfall warning, fixed number of statements)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.core.db import db
from portal.core.errors import InputError
from portal.finance import cfdi, cofinance, figures, ledger, operations
from tests.finance import helpers

D = Decimal
UUID = "6F3E2A1B-1234-4ABC-9DEF-0123456789AB"


def invoice(uuid: str = UUID, total: str = "11600.00") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4"
  xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="4.0"
  Fecha="2027-03-01T10:15:00" Total="{total}" Moneda="MXN">
  <cfdi:Emisor Rfc="AAA010101AAA" Nombre="Proveedor"/>
  <cfdi:Receptor Rfc="GODE561231GR8" Nombre="Org"/>
  <cfdi:Complemento><tfd:TimbreFiscalDigital Version="1.1" UUID="{uuid}"/></cfdi:Complemento>
</cfdi:Comprobante>""".encode()


def test_parse_reads_the_fields():
    parsed = cfdi.parse(invoice())
    assert parsed.uuid == UUID and parsed.total == D("11600.00") and parsed.currency == "MXN"
    assert parsed.issuer_rfc == "AAA010101AAA" and parsed.receiver_rfc == "GODE561231GR8"
    assert parsed.issued_dt.hour == 16  # 10:15 in Mexico City is 16:15 UTC


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        b"<not-xml",
        b"<cfdi:Comprobante xmlns:cfdi='http://www.sat.gob.mx/cfd/4' Total='1'/>",
        b"x" * (cfdi.MAX_BYTES + 1),
    ],
)
def test_parse_refuses_hostile_or_incomplete(data):
    with pytest.raises(cfdi.CfdiError):
        cfdi.parse(data)


def test_same_uuid_refused_on_any_grant(ctx, call, award, personas):
    other = helpers.active_award(
        call,
        personas["org_a"],
        personas["applicant"],
        personas["grants_manager"],
        title="Otro proyecto",
    )
    first = operations.create_request(
        award,
        personas["applicant"],
        milestone_id=award.milestones[0].id,
        narrative="x",
        amount=D("10.00"),
    )
    second = operations.create_request(
        other,
        personas["applicant"],
        milestone_id=other.milestones[0].id,
        narrative="x",
        amount=D("10.00"),
    )
    operations.attach_cfdi(first, personas["applicant"], invoice())
    with pytest.raises(InputError) as refused:
        operations.attach_cfdi(second, personas["applicant"], invoice().replace(b"11600", b"99"))
    assert "already used" in str(refused.value.errors["xml"][0])
    assert len(second.cfdis) == 0


def test_advance_is_liquidated_against_the_next_milestone(award, personas):
    officer, manager, grantee = (
        personas[k] for k in ("finance_officer", "grants_manager", "applicant")
    )
    award.advance_limit = D("300000.00")
    operations.record_advance(award, officer, helpers.entry("50000.00", "adv"))
    with pytest.raises(InputError, match=r"Over-payment|cannot exceed"):
        operations.record_advance(award, officer, helpers.entry("250000.01", "adv2"))
    request = helpers.approved_request(award, grantee, manager, officer)  # milestone 1: 150,000
    assert ledger.liquidated_on(request.milestone_id) == D("50000.00")
    assert operations.outstanding_advance(award.id) == 0
    with pytest.raises(InputError, match="Over-payment"):
        operations.pay_request(request, officer, helpers.entry("100000.01", "p1"))
    operations.pay_request(request, officer, helpers.entry("100000.00", "p2"))
    assert request.status == "paid"
    assert ledger.paid_on_award(award.id) == D("150000.00")


def test_no_advance_unless_the_terms_set_a_limit(award, personas):
    officer = personas["finance_officer"]
    assert award.advance_limit is None
    with pytest.raises(InputError, match="do not allow"):
        operations.record_advance(award, officer, helpers.entry("10.00", "x"))
    assert operations.advanced_total(award.id) == 0


def test_advances_in_all_stay_within_the_limit(award, personas):
    officer = personas["finance_officer"]
    award.advance_limit = D("60000.00")
    db.session.flush()
    first, _ = operations.record_advance(award, officer, helpers.entry("40000.00", "a1"))
    with pytest.raises(InputError, match=r"limit in the award's terms \(MXN"):
        operations.record_advance(award, officer, helpers.entry("20000.01", "a2"))
    operations.record_advance(award, officer, helpers.entry("20000.00", "a3"))
    assert operations.advanced_total(award.id) == D("60000.00")
    # A reversed advance no longer counts against the limit.
    operations.reverse(
        first,
        officer,
        paid_on=date(2027, 3, 6),
        bank_reference="SPEI dev",
        note="Cuenta equivocada",
        key="rev-a1",
    )
    assert operations.advanced_total(award.id) == D("20000.00")
    operations.record_advance(award, officer, helpers.entry("40000.00", "a4"))
    assert operations.advanced_total(award.id) == D("60000.00")


def test_figures_and_shortfall(award, personas, count_queries):
    officer = personas["finance_officer"]
    ledger.record(award.id, helpers.entry("150000.00", "half"), officer)  # half of the award
    contribution = cofinance.report(
        award,
        personas["applicant"],
        commitment_id=award.commitments[0].id,
        contributor_name="",
        nature="in_kind",
        counts_as="cost_share",
        amount=D("30000.00"),
        valuation_basis="Renta",
        contributed_on=date(2027, 3, 1),
    )
    cofinance.verify(contribution, officer, decision="verify", reason="")
    cofinance.report(
        award,
        personas["applicant"],
        commitment_id=award.commitments[1].id,
        contributor_name="",
        nature="cash",
        counts_as="leverage",
        amount=D("5000.00"),
        valuation_basis="",
        contributed_on=date(2027, 3, 1),
    )
    db.session.flush()
    with count_queries() as queries:
        f = figures.grant_figures()[award.id]
    assert queries.count <= 4
    assert (f.disbursed, f.remaining) == (D("150000.00"), D("150000.00"))
    assert (f.committed_cost_share, f.verified_cost_share) == (D("90000.00"), D("30000.00"))
    assert (f.reported_leverage, f.verified_leverage) == (D("5000.00"), 0)
    assert f.shortfall  # 30,000/90,000 = 33 % verified < 50 % disbursed
    assert round(f.cost_share_ratio, 4) == round(D("90000") / D("390000"), 4)
