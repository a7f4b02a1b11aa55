"""Locale and time-zone selection, plus CLDR formatting of money and dates for templates.

Spanish is the default; the choice comes from ``?lang=``, then the user's saved preference,
then the session. Numbers are formatted with Mexican Spanish conventions (es_MX).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.numbers import format_currency, format_decimal
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import get_locale, get_timezone, get_translations
from flask_login import current_user

from config import ROOT
from portal.core.text import single_stop
from portal.core.zones import zone_name

# Language code -> CLDR locale used for formatting and catalogue lookup.
LOCALES = {"es": "es_MX", "en": "en"}
LANGUAGE_NAMES = {"es": "Español", "en": "English"}
DEFAULT_TIMEZONE = "America/Mexico_City"
_G_TRANSLATIONS = "_portal_translations"


def init_app(app: Flask) -> None:
    from portal.extensions import babel

    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(ROOT / "portal" / "translations"),
    )
    # Templates look a text up many times per page: the catalogue is found once per request.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.filters.update(
        money=format_money,
        datetime=format_dt,
        date=format_day,
        deadline=format_deadline,
        single_stop=single_stop,
    )
    app.jinja_env.globals.update(
        current_language=current_language,
        current_zone=lambda: str(get_timezone()),
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        localized=localized,
    )


def _translations():
    """Flask-Babel's catalogue for this request's locale, kept on ``g`` while the locale stays
    the same object (``flask_babel.refresh()`` makes a new one, so a switch is seen at once)."""
    if not has_app_context():
        return get_translations()
    locale = get_locale()
    cached = g.get(_G_TRANSLATIONS)
    if cached is None or cached[0] is not locale:
        cached = (locale, get_translations())
        setattr(g, _G_TRANSLATIONS, cached)
    return cached[1]


def normalise_language(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().lower()[:2]
    return value if value in LOCALES else None


def current_language() -> str:
    """The active two-letter language ("es" or "en")."""
    locale = get_locale()
    return locale.language if locale else "es"


def select_locale() -> Locale:
    if not has_request_context():
        return _locale("es")
    lang = normalise_language(request.args.get("lang"))
    if lang:
        session["lang"] = lang
    else:
        # The session holds the latest explicit choice; logging in sets it to the user's
        # saved preference (see accounts.session_auth.start_session).
        lang = normalise_language(session.get("lang"))
    if not lang and current_user.is_authenticated:
        lang = normalise_language(current_user.locale)
    return _locale(lang or "es")


@cache
def _locale(language: str) -> Locale:
    """One parsed Locale per language and process (Flask-Babel takes it as it is)."""
    return Locale.parse(LOCALES[language])


def select_timezone() -> str:
    if has_request_context() and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE", DEFAULT_TIMEZONE)


def valid_timezone(name: str) -> bool:
    return name in _timezones()


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def locale_for(language: str) -> str:
    return LOCALES.get(normalise_language(language) or "es")


MONEY_PATTERN = "¤¤\u00a0#,##0.00"


@lru_cache(maxsize=32)
def _plain_digits(locale: str) -> bool:
    """Whether ``locale`` writes numbers like Python's ``format`` does (Latin digits, "," to
    group, "." for decimals, "-" for minus): es_MX and en do."""
    from babel import Locale

    symbols = Locale.parse(locale).number_symbols.get("latn", {})
    return (symbols.get("group"), symbols.get("decimal"), symbols.get("minusSign")) == (
        ",",
        ".",
        "-",
    )


def format_money(amount: Decimal | int | None, currency: str, locale: str | None = None) -> str:
    """'MXN 1,234.50' with the ISO code always shown ('$' is ambiguous), CLDR grouping.

    Babel's ``format_currency`` with ``MONEY_PATTERN`` costs ~0.1–0.3 ms a call (it parses the
    locale and the pattern each time) and a dashboard shows ~550 amounts (issue 18). For the
    locales whose symbols match Python's own number formatting the same characters come from
    ``format(amount, ",.2f")`` (half-even rounding, like Babel's; a negative amount that rounds
    to zero keeps its minus, like Babel's); any other locale, and NaN or infinities, go through
    Babel. ``tests/core/test_money_format.py`` checks both agree."""
    if amount is None:
        return "—"
    locale = locale or str(get_locale() or "es_MX")
    value = Decimal(amount)
    if value.is_finite() and _plain_digits(locale):
        text = format(value, ",.2f")
        if text[0] == "-":
            return f"-{currency}\u00a0{text[1:]}"
        return f"{currency}\u00a0{text}"
    return format_currency(value, currency, MONEY_PATTERN, locale=locale, currency_digits=False)


def format_number(value, locale: str | None = None) -> str:
    return format_decimal(value, locale=locale or str(get_locale() or "es_MX"))


def format_dt(value: datetime | None, tz: str | None = None, fmt: str = "medium") -> str:
    """A UTC datetime shown in ``tz`` (default: the user's zone), with the zone named."""
    if value is None:
        return "—"
    zone = ZoneInfo(tz or str(get_timezone()))
    locale = str(get_locale() or "es_MX")
    text = _babel_format_datetime(value, fmt, tzinfo=zone, locale=locale)
    return f"{text} ({zone_name(zone.key)})"


def format_deadline(value: datetime | None, call_zone: str, fmt: str = "medium") -> str:
    """An instant in the reader's own zone first, then in the call's zone when they differ."""
    if value is None:
        return "—"
    own = str(get_timezone())
    if own == call_zone:
        return format_dt(value, own, fmt)
    return f"{format_dt(value, own, fmt)} · {format_dt(value, call_zone, 'short')}"


def format_day(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):  # an instant: the calendar day in the user's zone
        value = value.astimezone(ZoneInfo(str(get_timezone()))).date()
    return _day_text(value, fmt, str(get_locale() or "es_MX"))


@lru_cache(maxsize=4096)
def _day_text(value: date, fmt: str, locale: str) -> str:
    """Babel's date formatting (~0.1 ms a call) remembered per day, format and locale: a
    dashboard's watch lists show the same due dates many times (issue 18)."""
    return _babel_format_date(value, fmt, locale=locale)


def localized(obj, field: str) -> str:
    """Pick ``<field>_es`` or ``<field>_en`` for the active language, falling back to the other."""
    lang = current_language()
    other = "en" if lang == "es" else "es"
    return getattr(obj, f"{field}_{lang}", None) or getattr(obj, f"{field}_{other}", "") or ""
