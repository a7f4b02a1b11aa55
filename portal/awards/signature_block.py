"""The agreement's signature block: one two-column table (the grantee, the programme) at the
end of the agreement, kept on one page, with each party's name, position, organisation, date
and signature line. In a bilingual agreement every label and date is given in both languages
("Nombre / Name"), so the block is printed once."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale
from markupsafe import Markup

from portal.core.i18n import locale_for


@dataclass
class Party:
    """One column of the signature block."""

    role: str  # "grantee" or "programme"
    organisation: str
    name: str
    position: str  # empty: the template names the usual position
    signature: object = None  # the Signature, once this party signed


def parties_of(content: dict, signatures: list, signed: bool, languages=("es",)) -> list[Party]:
    """The grantee's legal representative and the programme, with their signatures when the
    PDF is the signed one (the signer's own name: the designated signatory may not be the
    legal representative)."""
    by_role = {s.role: s for s in signatures} if signed else {}
    grantee, programme = content["grantee"], content["programme"]
    grantee_signature = by_role.get("grantee")
    signer = grantee_signature.user.full_name if grantee_signature else grantee["legal_rep_name"]
    is_rep = folded_name(signer) == folded_name(grantee["legal_rep_name"])
    manager_signature = by_role.get("programme")
    names = dict.fromkeys(programme.get(f"name_{c}") or programme["name_es"] for c in languages)
    legal_name = programme.get("legal_name")  # the programme as a party (issue 20)
    return [
        Party(
            "grantee",
            grantee["legal_name"],
            signer,
            grantee.get("legal_rep_position", "") if is_rep else "",
            grantee_signature,
        ),
        Party(
            "programme",
            legal_name or f"{' / '.join(names)} — {programme['donor']}",
            manager_signature.user.full_name if manager_signature else "",
            "",
            manager_signature,
        ),
    ]


def folded_name(name: str) -> str:
    from portal.awards.signing import folded

    return folded(name)


def _in_each(languages: list[str], produce) -> str:
    """``produce()`` in each language, joined "es / en" (once when both read the same)."""
    parts = []
    for language in languages:
        with force_locale(locale_for(language)):
            parts.append(str(produce()))
    return " / ".join(dict.fromkeys(parts))


def signature_block(content: dict, signatures: list, *, signed: bool, languages) -> Markup:
    """The signature table, once for the whole agreement, its labels in every language of the
    agreement. ``_`` is given to the template so its strings are still extracted for
    translation."""
    from flask_babel import gettext

    from portal.pdf.dates import long_datetime
    from portal.pdf.render import render_html

    html = render_html(
        "agreement_signatures.html",
        _=lambda message, **kw: _in_each(languages, lambda: gettext(message, **kw)),
        when=lambda moment: _in_each(languages, lambda: long_datetime(moment)),
        parties=parties_of(content, signatures, signed, languages),
        signed=signed,
        # A document in legal form ends with its own place-and-date sentence (issue 20).
        closing=bool(content.get("form")),
    )
    return Markup(html)  # noqa: S704 (an autoescaping template: applicant text is escaped)
