"""Hostile input refused at the right depth (issue 12): the request guard for NUL in the address,
the portal's own field types for form values. Each refusal is a clear, translated message and
changes nothing; none is a server error. Run on PostgreSQL too, where NUL used to be a 500."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from portal.accounts.models import User
from portal.calls.models import Call
from portal.core import fields
from portal.core.db import db
from portal.core.forms import TranslatedForm
from tests.calls import helpers as call_helpers
from tests.support.forms import post_form
from tests.support.matrix import login

HUGE = "99999999999999999999"
PORTAL = Path(__file__).resolve().parents[2] / "portal"


def _field(field_class, value, **kwargs):
    class _Form(TranslatedForm):
        x = field_class(**kwargs)

    form = _Form(MultiDict({"x": value}))
    form.validate()
    return form.x


# The field types -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1,234,567.89", Decimal("1234567.89")),
        ("150000", Decimal("150000.00")),
        ("$ 1,500.5", Decimal("1500.50")),
        ("-20.00", Decimal("-20.00")),
        (".5", Decimal("0.50")),
    ],
)
def test_money_accepts_well_formed_amounts(ctx, typed, stored):
    field = _field(fields.MoneyField, typed)
    assert field.errors == [] and field.data == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1,5", "commas only between thousands"),
        ("12,34", "commas only between thousands"),
        ("1,2345.00", "commas only between thousands"),
        ("1.005", "at most two decimal places"),
        ("NaN", "such as 150000.00"),
        ("1e309", "such as 150000.00"),
        ("17_2345", "such as 150000.00"),
        ("١٢", "such as 150000.00"),
        (HUGE, "such as 150000.00"),
        ("1 500", "such as 150000.00"),
    ],
)
def test_money_refuses_what_it_would_have_misread(ctx, typed, message):
    field = _field(fields.MoneyField, typed)
    assert field.data is None
    assert message in " ".join(map(str, field.errors))


@pytest.mark.parametrize("typed", ["NaN", "Infinity", "1e309", "1E2", "17_2345", "٣", "", " "])
def test_decimal_is_finite_and_plain(ctx, typed):
    field = _field(fields.DecimalField, typed)
    assert field.data is None


def test_decimal_comma_is_read_only_where_asked(ctx):
    assert _field(fields.DecimalField, "3,5", decimal_comma=True).data == Decimal("3.5")
    assert _field(fields.DecimalField, "3,5").errors


@pytest.mark.parametrize(
    "typed", [HUGE, "9" * 10_000, str(2**31), "-" + str(2**31), "1_000", "١٢", "1.0", "²"]
)
def test_integers_fit_the_database(ctx, typed):
    field = _field(fields.IntegerField, typed)
    assert field.data is None and field.errors


@pytest.mark.parametrize(
    ("field_class", "typed", "kept"),
    [
        (fields.StringField, "A\x00B", "AB"),
        (fields.StringField, "A\tB", "AB"),
        (fields.StringField, "A\nB", "AB"),
        (fields.StringField, "A\x1b[31mB", "A[31mB"),
        (fields.TextAreaField, "one\x0btwo", "onetwo"),
        (fields.TextAreaField, "one\x85two", "onetwo"),
    ],
)
def test_text_refuses_control_characters_and_keeps_the_rest(ctx, field_class, typed, kept):
    field = _field(field_class, typed)
    assert field.data == kept
    assert "control character" in " ".join(map(str, field.errors))


def test_multiline_text_keeps_tabs_and_newlines(ctx):
    field = _field(fields.TextAreaField, "uno\r\n\tdos\rtres")
    assert field.errors == [] and field.data == "uno\n\tdos\ntres"


def test_emoji_and_marks_are_text(ctx):
    field = _field(fields.StringField, "Justicia 🙂 \u200b\u202e")
    assert field.errors == []


# Every form of the portal uses them ----------------------------------------------------------
GUARDED = {
    "DateField",
    "DateTimeLocalField",
    "StringField",
    "TextAreaField",
    "EmailField",
    "PasswordField",
    "HiddenField",
    "SearchField",
    "IntegerField",
    "DecimalField",
    "DecimalRangeField",
    "IntegerRangeField",
    "TelField",
    "URLField",
}


def test_no_module_builds_fields_from_wtforms_own_text_or_number_types():
    offenders = []
    for path in PORTAL.rglob("*.py"):
        if path.parent.name == "core" and path.name == "fields.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("wtforms"):
                offenders += [f"{path}: {a.name}" for a in node.names if a.name in GUARDED]
            if (
                isinstance(node, ast.Attribute)
                and node.attr in GUARDED
                and isinstance(node.value, ast.Name)
                and node.value.id == "wtforms"
            ):
                offenders.append(f"{path}: wtforms.{node.attr}")
    assert offenders == [], "use portal.core.fields instead: " + ", ".join(offenders)


# The request guard and the repros of the issue -----------------------------------------------
@pytest.mark.parametrize("url", ["/calls/%00", "/calls/a%00b/apply", "/verify/%00"])
def test_nul_in_the_path_names_nothing(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "cannot be stored (a null byte, U+0000)"),
        ("es", "no se puede guardar (un byte nulo, U+0000)"),
    ],
)
def test_nul_in_a_query_string_is_a_translated_bad_request(client, lang, message):
    client.get(f"/?lang={lang}")
    response = client.get("/login?next=a%00b")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_nul_in_the_login_form_is_refused_on_the_field(client, personas):
    email = personas["applicant"].email
    response = post_form(
        client, "/login", {"email": email + "\x00", "password": "x"}, form_url="/login"
    )
    assert response.status_code == 200
    assert "(U+0000)" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_nul_in_the_registration_form_creates_nobody(client, connection):
    before = db.session.scalar(select(func.count()).select_from(User))
    data = {
        "full_name": "A\x00B",
        "email": "nul@example.org",
        "password": "Una frase larga de prueba 2026",
        "confirm": "Una frase larga de prueba 2026",
        "locale": "es",
        "accept_terms": "y",
    }
    response = post_form(client, "/register", data, form_url="/register")
    assert response.status_code == 200
    assert "U+0000" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == before


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("user=%00", 400),
        ("organisation=%00", 400),
        (f"organisation={HUGE}", 200),
        (f"page={HUGE}", 200),
        ("page=" + "9" * 10_000, 200),
        ("object_id=%00", 400),
        ("date_from=2026-13-45", 200),
        ("date_to=9999-12-31", 200),
        ("date_from=0001-01-01", 200),
    ],
)
def test_audit_filters_survive_hostile_queries(app, personas, query, status):
    client = app.test_client()
    login(client, personas["admin"].email)
    assert client.get(f"/audit/?{query}").status_code == status


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("cofinance_min_pct", "NaN", "Not a valid decimal value."),
        ("cofinance_min_pct", "1e309", "Not a valid decimal value."),
        ("cofinance_min_pct", "99999999999999999999", "This number is too large."),
        ("budget", "1,5", "commas only between thousands"),
        ("min_award", "1.005", "at most two decimal places"),
        ("title_es", "Justicia\x00cotidiana", "U+0000"),
        ("description_en", "Text\x0bwith a vertical tab", "U+000B"),
    ],
)
def test_call_form_refuses_hostile_values_and_creates_nothing(app, personas, name, value, message):
    programme = call_helpers.make_programme(app, managers=[personas["grants_manager"]])
    client = app.test_client()
    login(client, personas["grants_manager"].email)
    url = f"/programmes/{programme.id}/calls/new"
    response = post_form(client, url, call_helpers.call_form(**{name: value}), form_url=url)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Call)) == 0
