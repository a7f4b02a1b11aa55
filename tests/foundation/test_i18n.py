"""Spanish and English: a complete catalogue, money with its ISO code, dates in the user's zone.

The catalogue test extracts the messages from the source exactly as ``make extract-messages``
does, so a string wrapped in ``_()`` but never translated fails here, listed with its location.
"""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask_login import login_user

from config import ROOT
from portal.accounts.models import User
from portal.core.i18n import format_day, format_dt, format_money
from portal.core.zones import zone_name

CATALOGUE = ROOT / "portal" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
KEYWORDS = ("_l", "lazy_gettext")  # in addition to Babel's defaults (_, gettext, ngettext...)


# Catalogue ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Catalog:
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    keywords = [arg for k in KEYWORDS for arg in ("-k", k)]
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", "extract"]
    command += ["-F", "config/babel.cfg", *keywords, "-o", str(pot), "."]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    with pot.open("rb") as fh:
        return read_po(fh)


@pytest.fixture(scope="module")
def spanish() -> Catalog:
    with CATALOGUE.open("rb") as fh:
        return read_po(fh, locale="es")


def _where(message) -> str:
    return ", ".join(f"{path}:{line}" for path, line in message.locations[:3])


def _problem(message, translation) -> str | None:
    if translation is None:
        return "not in messages.po"
    if translation.fuzzy:
        return "fuzzy"
    strings = translation.string if isinstance(translation.string, tuple) else (translation.string,)
    if not all(s.strip() for s in strings):
        return "empty msgstr"
    return None


def test_extraction_finds_the_portal_strings(extracted):
    ids = {m.id for m in extracted if m.id}
    assert "Page not found" in ids  # a template string
    assert "Administrator" in ids  # a lazy_gettext (_l) string
    assert len(ids) > 20


def test_every_message_has_a_spanish_translation(extracted, spanish):
    problems = []
    for message in extracted:
        if not message.id:
            continue
        problem = _problem(message, spanish.get(message.id, context=message.context))
        if problem:
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            problems.append(f"  [{problem}] {msgid!r}  ({_where(message)})")
    assert not problems, (
        f"{len(problems)} message(s) without a Spanish translation — run "
        "`make extract-messages` and translate them in "
        "portal/translations/es/LC_MESSAGES/messages.po:\n" + "\n".join(problems)
    )


def test_spanish_translations_keep_their_placeholders(spanish):
    """A translation that drops or renames %(name)s would crash the page at run time."""
    errors = [
        f"  {message.id!r}: {'; '.join(str(e) for e in errs)}" for message, errs in spanish.check()
    ]
    assert not errors, "broken translations:\n" + "\n".join(errors)


# Money --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("1234.5"), "MXN", "MXN 1,234.50"),
        (Decimal("1234.50"), "USD", "USD 1,234.50"),
        (Decimal("0"), "MXN", "MXN 0.00"),
        (Decimal("150000"), "MXN", "MXN 150,000.00"),
        (Decimal("123456789012.34"), "MXN", "MXN 123,456,789,012.34"),
    ],
)
def test_money_always_shows_the_iso_code(app, lang, amount, currency, expected):
    with app.test_request_context(f"/?lang={lang}"):
        shown = format_money(amount, currency)
    assert shown.replace("\u00a0", " ") == expected
    assert "$" not in shown
    assert "\u00a0" in shown, "code and amount never split across lines"


def test_missing_amount_is_a_dash(app):
    with app.test_request_context("/"):
        assert format_money(None, "MXN") == "—"


def test_money_filter_in_templates(app):
    with app.test_request_context("/?lang=es"):
        template = app.jinja_env.from_string("{{ amount|money('MXN') }}")
        assert template.render(amount=Decimal("1234.5")) == "MXN\u00a01,234.50"


# Dates and times ----------------------------------------------------------------------------

# 18:30 UTC = 12:30 in Mexico City (UTC-6, no DST since 2022) = 11:30 in Hermosillo (UTC-7).
AFTERNOON = datetime(2026, 7, 1, 18, 30, tzinfo=UTC)
# 05:30 UTC on 1 March is still 28 February in Mexico.
EARLY = datetime(2026, 3, 1, 5, 30, tzinfo=UTC)


@contextmanager
def logged_in(app, timezone: str, lang: str = "es"):
    """A request by a (transient) user living in ``timezone``."""
    user = User(
        id=999_999,
        email="zone@example.org",
        full_name="Zone Tester",
        locale=lang,
        timezone=timezone,
        is_active=True,
    )
    with app.test_request_context(f"/?lang={lang}"):
        login_user(user, force=True)
        yield user


@pytest.mark.parametrize(
    ("zone", "hour"),
    [("America/Mexico_City", "12:30"), ("America/Hermosillo", "11:30")],
)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_times_are_shown_in_the_users_zone(app, zone, hour, lang):
    with logged_in(app, zone, lang):
        shown = format_dt(AFTERNOON)
        name = zone_name(zone)
    assert hour in shown
    assert f"({name})" in shown, "the zone is named next to the time"
    assert "/" not in name, "by a name people use, not the IANA key"


def test_anonymous_visitors_see_mexico_city_time(app):
    with app.test_request_context("/"):
        shown = format_dt(AFTERNOON)
    assert "12:30" in shown
    assert "(hora del centro)" in shown  # Spanish by default


def test_explicit_zone_wins(app):
    with logged_in(app, "America/Mexico_City"):
        assert "11:30" in format_dt(AFTERNOON, tz="America/Hermosillo")


@pytest.mark.parametrize("zone", ["America/Mexico_City", "America/Hermosillo"])
def test_dates_of_instants_are_the_users_calendar_day(app, zone):
    with logged_in(app, zone, "es"):
        shown = format_day(EARLY)
    assert shown == format_date(date(2026, 2, 28), "medium", locale="es_MX")


def test_plain_dates_are_not_shifted(app):
    with logged_in(app, "America/Hermosillo", "en"):
        assert format_day(date(2026, 3, 1)) == "Mar 1, 2026"
