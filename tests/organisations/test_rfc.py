"""RFC validation: structure, check digit, generic RFCs and normalisation."""

from __future__ import annotations

import pytest

from portal.organisations.rfc import RFCError, check_rfc, normalise_rfc
from tests.organisations.helpers import company_rfc

COMPANY = company_rfc("SAT970701NN")  # SAT970701NN3
INDIVIDUAL = "GODE561231GR8"


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context("/?lang=en"):
        yield


@pytest.mark.parametrize(
    ("value", "residence", "kind", "expected"),
    [
        (COMPANY, "mexico", "company", "SAT970701NN3"),
        (company_rfc(), "mexico", "cso", company_rfc()),
        (INDIVIDUAL, "mexico", "company", INDIVIDUAL),
        (INDIVIDUAL, "mexico", "other", INDIVIDUAL),
        ("sat970701nn3", "mexico", "company", "SAT970701NN3"),
        (" SAT-970701 NN3 ", "mexico", "company", "SAT970701NN3"),
        ("gode 561231-gr8", "mexico", "other", INDIVIDUAL),
        ("XEXX010101000", "foreign", "company", "XEXX010101000"),
        ("xexx 010101 000", "foreign", "other", "XEXX010101000"),
        ("XAXX010101000", "general_public", "other", "XAXX010101000"),
    ],
)
def test_accepted(value, residence, kind, expected):
    assert check_rfc(value, residence, kind) == expected


@pytest.mark.parametrize(
    ("value", "residence", "kind", "message"),
    [
        ("SAT970701NN4", "mexico", "company", "check digit"),
        ("GODE561231GR9", "mexico", "other", "check digit"),
        ("XAXX010101000", "mexico", "company", "only for foreign residents"),
        ("XEXX010101000", "mexico", "cso", "only for foreign residents"),
        ("XAXX010101000", "foreign", "company", "generic XEXX010101000"),
        ("XEXX010101000", "general_public", "other", "generic XAXX010101000"),
        ("SAT970701NN3", "foreign", "company", "generic XEXX010101000"),
        ("SAT970701NN3", "general_public", "company", "generic XAXX010101000"),
        ("SAT97070", "mexico", "company", "12 characters"),
        ("GODE561231", "mexico", "other", "12 characters"),  # no homoclave
        ("SAT970701NN34", "mexico", "company", "not a valid RFC"),
        ("SAT971301NN3", "mexico", "company", "not a valid RFC"),  # month 13
        ("", "mexico", "company", "Enter the organisation's RFC"),
        (INDIVIDUAL, "mexico", "cso", "legal entities"),
        (INDIVIDUAL, "mexico", "academic", "legal entities"),
    ],
)
def test_refused_with_a_clear_message(value, residence, kind, message):
    with pytest.raises(RFCError) as refused:
        check_rfc(value, residence, kind)
    assert message in str(refused.value.message)


def test_stdnum_alone_would_accept_a_wrong_check_digit():
    """Why ``validate_check_digits=True`` matters (see the pitfalls notes)."""
    from stdnum.mx import rfc

    assert rfc.validate("SAT970701NN4") == "SAT970701NN4"
    with pytest.raises(RFCError):
        check_rfc("SAT970701NN4", "mexico", "company")


def test_normalise():
    assert normalise_rfc(" sat-970701 nn3") == "SAT970701NN3"
    assert normalise_rfc(None) == ""
