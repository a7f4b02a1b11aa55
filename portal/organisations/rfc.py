"""RFC (Mexican tax id) validation for organisations.

python-stdnum checks the structure (letters, YYMMDD date, homoclave) and, with
``validate_check_digits=True``, the check digit. The generic RFCs fail that check digit, so they
get their own rule: XEXX010101000 only for foreign residents, XAXX010101000 only for the general
public. Legal entities (personas morales) have 12 characters, individuals 13.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from stdnum import exceptions as stdnum_errors
from stdnum.mx import rfc as stdnum_rfc

from portal.organisations.models import OrgKind, TaxResidence

GENERIC_FOREIGN = "XEXX010101000"
GENERIC_PUBLIC = "XAXX010101000"
GENERIC_FOR_RESIDENCE = {
    TaxResidence.FOREIGN.value: GENERIC_FOREIGN,
    TaxResidence.GENERAL_PUBLIC.value: GENERIC_PUBLIC,
}
# Kinds that are always legal entities, so their RFC has 12 characters.
LEGAL_ENTITY_KINDS = frozenset({OrgKind.CSO.value, OrgKind.ACADEMIC.value})


class RFCError(ValueError):
    """An RFC that cannot be accepted; ``message`` is shown to the user."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def normalise_rfc(value: str | None) -> str:
    """Upper-case and drop spaces and dashes ("sat-970701 nn3" → "SAT970701NN3")."""
    return stdnum_rfc.compact(value or "")


def check_rfc(value: str | None, tax_residence: str, kind: str | None = None) -> str:
    """Return the normalised RFC or raise ``RFCError`` with a message for the user."""
    rfc = normalise_rfc(value)
    if not rfc:
        raise RFCError(_l("Enter the organisation's RFC."))
    generic = GENERIC_FOR_RESIDENCE.get(tax_residence)
    if generic:
        return _check_generic(rfc, generic)
    if rfc in GENERIC_FOR_RESIDENCE.values():
        raise RFCError(
            _l(
                "The generic RFC %(rfc)s is only for foreign residents or sales to the general "
                "public. Enter the organisation's own RFC or change its tax residence.",
                rfc=rfc,
            )
        )
    _check_structure(rfc)
    if kind in LEGAL_ENTITY_KINDS and len(rfc) != 12:
        raise RFCError(
            _l(
                "Civil-society organisations and academic institutions are legal entities: "
                "their RFC has 12 characters (3 letters, the date, then the homoclave)."
            )
        )
    return rfc


def _check_generic(rfc: str, generic: str) -> str:
    if rfc != generic:
        raise RFCError(
            _l(
                "For this tax residence the RFC must be the generic %(generic)s.",
                generic=generic,
            )
        )
    return rfc


def _check_structure(rfc: str) -> None:
    # stdnum also accepts 10-character individual RFCs without homoclave (no check digit).
    length_error = RFCError(
        _l("An RFC has 12 characters (legal entities) or 13 characters (individuals).")
    )
    if len(rfc) not in (12, 13):
        raise length_error
    try:
        stdnum_rfc.validate(rfc, validate_check_digits=True)
    except stdnum_errors.InvalidLength:
        raise length_error from None
    except stdnum_errors.InvalidChecksum:
        raise RFCError(
            _l(
                "The RFC's check digit (its last character) is wrong. Please copy the RFC "
                "exactly as it appears on the tax certificate (constancia de situación fiscal)."
            )
        ) from None
    except stdnum_errors.ValidationError:
        raise RFCError(
            _l(
                "This is not a valid RFC: it should be 3 or 4 letters, a date (YYMMDD) and a "
                "3-character homoclave."
            )
        ) from None
