"""Dates as a legal document writes them, in the programme's time zone.

The programme works in one zone, the ``BABEL_DEFAULT_TIMEZONE`` setting (America/Mexico_City
unless configured): an agreement issued at 20:00 in Mexico City on 4 January is dated
4 January, although it is already the 5th in UTC. Dates are written in the document's language
in CLDR's long form: "4 de enero de 2027", "January 4, 2027".
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from portal.core.db import now_utc
from portal.core.i18n import DEFAULT_TIMEZONE
from portal.core.zones import zone_name


def programme_zone() -> ZoneInfo:
    """The zone the programme works in (the ``BABEL_DEFAULT_TIMEZONE`` setting)."""
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or DEFAULT_TIMEZONE)


def programme_today(moment: datetime | None = None) -> date:
    """The calendar day of ``moment`` (default: now) where the programme works."""
    return (moment or now_utc()).astimezone(programme_zone()).date()


def _locale(locale: str | None) -> str:
    return locale or str(get_locale() or "es_MX")


def _as_date(value: date | datetime | str) -> date:
    if isinstance(value, str):  # the agreement's stored content keeps ISO dates
        value = date.fromisoformat(value)
    if isinstance(value, datetime):  # an instant: its calendar day in the programme's zone
        return value.astimezone(programme_zone()).date()
    return value


def long_date(value: date | datetime | str | None, locale: str | None = None) -> str:
    """ "4 de enero de 2027" / "January 4, 2027" in the active (or given) locale."""
    if value is None or value == "":
        return "—"
    return format_date(_as_date(value), "long", locale=_locale(locale))


def long_datetime(value: datetime | None, locale: str | None = None) -> str:
    """ "4 de enero de 2027 a las 20:30 (hora del centro de México)": the long date and the
    24-hour time in the programme's zone, with the zone named."""
    if value is None:
        return "—"
    zone = programme_zone()
    return _(
        "%(date)s at %(time)s (%(zone)s)",
        date=long_date(value, locale),
        time=format_time(value, "HH:mm", tzinfo=zone, locale=_locale(locale)),
        zone=zone_name(zone.key),
    )
