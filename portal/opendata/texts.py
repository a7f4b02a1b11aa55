"""The sentences written into the open-data files, in Spanish and English whatever the reader's
language (the files are the same for everyone). Source strings are English; the Spanish text
comes from the catalogue (``force_locale``)."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from portal.core.i18n import locale_for
from portal.opendata.grants import AmountChange, Grant

LANGUAGES = ("es", "en")


def description(grant: Grant, language: str) -> str:
    programme = grant.programme_es if language == "es" else grant.programme_en
    call = grant.call_title_es if language == "es" else grant.call_title_en
    with force_locale(locale_for(language)):
        return _(
            "Grant %(reference)s of the programme %(programme)s, awarded in the call "
            "%(code)s (%(call)s).",
            reference=grant.reference,
            programme=programme,
            code=grant.call_code,
            call=call,
        )


def withheld_recipient(language: str) -> str:
    with force_locale(locale_for(language)):
        return _("Individual grantee (personal data withheld)")


def reversal(language: str) -> str:
    with force_locale(locale_for(language)):
        return _("Reversal of an earlier disbursement (correction)")


def refund(language: str) -> str:
    with force_locale(locale_for(language)):
        return _("Refund of unspent funds by the grantee")


def amount_amendment(change: AmountChange, language: str) -> str:
    with force_locale(locale_for(language)):
        return _(
            "Amendment %(number)s in effect: the award amount changes from %(old)s to %(new)s.",
            number=change.number,
            old=f"{change.old:,.2f}",
            new=f"{change.new:,.2f}",
        )
