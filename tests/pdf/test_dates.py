"""Dates in the PDFs: long and local ("4 de enero de 2027"), in the programme's zone; the page
counter in the document's language."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from portal.pdf import dates
from portal.pdf.render import page_counter_css

# 20:30 on 4 January 2027 in Mexico City is already the 5th in UTC.
EVENING = datetime(2027, 1, 5, 2, 30, tzinfo=UTC)


def test_long_dates_in_spanish_and_english(ctx):
    day = date(2027, 1, 4)
    assert dates.long_date(day, "es_MX") == "4 de enero de 2027"
    assert dates.long_date(day, "en") == "January 4, 2027"
    assert dates.long_date("2027-01-04", "es_MX") == "4 de enero de 2027"  # stored content
    with force_locale("es_MX"):
        assert dates.long_date(day) == "4 de enero de 2027"
    assert dates.long_date(None) == dates.long_date("") == "—"


def test_an_instant_is_dated_in_the_programme_zone_not_in_utc(ctx, monkeypatch):
    assert dates.long_date(EVENING, "es_MX") == "4 de enero de 2027"
    monkeypatch.setattr(dates, "now_utc", lambda: EVENING)
    assert dates.programme_today() == date(2027, 1, 4)
    assert dates.programme_today(datetime(2027, 1, 5, 6, 0, tzinfo=UTC)) == date(2027, 1, 5)


def test_the_programme_zone_is_the_setting(ctx, monkeypatch):
    from flask import current_app

    monkeypatch.setitem(current_app.config, "BABEL_DEFAULT_TIMEZONE", "UTC")
    assert dates.programme_today(EVENING) == date(2027, 1, 5)


def test_long_datetime_names_the_time_and_zone(ctx):
    text = dates.long_datetime(EVENING, "en")
    assert text.startswith("January 4, 2027 at 20:30 (")
    assert dates.long_datetime(None) == "—"


def test_page_counter_in_the_documents_language(ctx):
    with force_locale("en"):
        rule = str(page_counter_css("top-right"))
    assert rule == (
        '@page { @top-right { content: "Page " counter(page) " of " counter(pages); '
        "white-space: nowrap; } }"
    )
    with pytest.raises(ValueError):
        page_counter_css("top-right; } body { color: red")
