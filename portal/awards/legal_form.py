"""The agreement in Mexican legal form (issue 20): what the convenio, the amendment and the
closeout letter need besides their terms.

A *convenio* names the parties in a proemio (each thereafter in capitals: “EL PROGRAMA”,
“LA ORGANIZACIÓN BENEFICIARIA”), states each party's declarations (legal existence, RFC,
representative's powers, address for notices, donataria autorizada), numbers its clauses in
ordinal words (PRIMERA, SEGUNDA…) and closes with the place and date of signing ("lo firman en
Monterrey, Nuevo León, a 4 de enero de 2027"). The programme's side comes from the
``AGREEMENT_*`` settings (config/__init__.py), copied into each document's content when it is
issued, so a later change of setting never alters an issued document.
"""

from __future__ import annotations

from flask import current_app

from portal.pdf.ordinals import ordinal, roman

PARTY_SETTINGS = {
    "legal_name": "AGREEMENT_PROGRAMME_LEGAL_NAME",
    "rfc": "AGREEMENT_PROGRAMME_RFC",
    "representative": "AGREEMENT_PROGRAMME_REPRESENTATIVE",
    "representative_position": "AGREEMENT_PROGRAMME_REPRESENTATIVE_POSITION",
    "powers": "AGREEMENT_PROGRAMME_POWERS",
    "address": "AGREEMENT_PROGRAMME_ADDRESS",
    "signing_place": "AGREEMENT_SIGNING_PLACE",
    "jurisdiction": "AGREEMENT_JURISDICTION",
}


def programme_party() -> dict:
    """The programme's party details as settings give them today (strings, maybe empty)."""
    config = current_app.config
    return {key: str(config.get(name) or "").strip() for key, name in PARTY_SETTINGS.items()}


def signing_date(content: dict, signatures: list, signed: bool):
    """The date the closing sentence gives: the last signature's (the day the document took
    effect) on a signed PDF, the issue date before. ``long_date`` writes it in the
    programme's zone."""
    moments = [s.signed_dt for s in signatures if getattr(s, "signed_dt", None)]
    return max(moments) if signed and moments else content.get("issued_date")


def legal_context(content: dict, signatures: list, signed: bool, language: str) -> dict:
    """What a legal-form template needs in ``language``: ordinal words, Roman numerals for the
    declarations, and the date of signing."""
    return {
        "ordinal": lambda number: ordinal(number, language),
        "roman": roman,
        "signing_date": signing_date(content, signatures, signed),
    }
