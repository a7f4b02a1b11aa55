"""The IATI and 360Giving files: valid against the shipped schemas, right values (hand-computed),
no bank or personal data, access matrix, fixed statement count."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from portal.core.db import db
from portal.finance import ledger
from portal.opendata import giving360, grants, iati, validation
from portal.reporting.filters import ReportFilter
from tests.finance import helpers
from tests.opendata.conftest import PERSON_RFC, SECRETS
from tests.support import factories
from tests.support.matrix import login

D = Decimal
REPORTS = {"grants_manager", "finance_officer", "admin"}
URLS = ("/reports/open-data/", "/reports/open-data/iati.xml", "/reports/open-data/360giving.json")


def download(client, url, **args):
    response = client.get(url, query_string=args)
    assert response.status_code == 200, response.data[:500]
    return response


def as_user(app, user):
    client = app.test_client()
    login(client, user.email)
    return client


def activities(data: bytes) -> dict:
    root = etree.fromstring(data)
    return {a.findtext("iati-identifier"): a for a in root.findall("iati-activity")}


def transactions(activity, code: str) -> list[tuple[str, str, str]]:
    return [
        (
            t.find("transaction-date").get("iso-date"),
            t.find("value").text,
            t.find("value").get("currency"),
        )
        for t in activity.findall("transaction")
        if t.find("transaction-type").get("code") == code
    ]


# Access -----------------------------------------------------------------------------------
@pytest.mark.parametrize("url", URLS)
def test_access_matrix(matrix, world, url):
    matrix.check(url, REPORTS)


def test_a_manager_of_another_programme_never_gets_its_grants(app, world, personas):
    outsider = factories.make_user(name="Otra Gestora", roles=("grants_manager",))
    client = as_user(app, outsider)
    for url in URLS[1:]:
        response = client.get(url)
        # Nothing to publish: the page says so (no empty, schema-invalid file).
        assert response.status_code == 404 and response.mimetype == "text/html"
        assert b"CONV-2026-01-" not in response.data and b"iati-activity" not in response.data
        assert NOTHING in response.data


NOTHING = b"No grant in force matches this filter: there is nothing to publish."


def test_no_empty_file_when_the_filter_leaves_no_grant(app, world, personas):
    """An IATI file needs at least one activity to be valid: with no grant in scope the page
    says there is nothing to publish (and offers no download) instead of an invalid file."""
    client = as_user(app, personas["finance_officer"])
    for url in URLS[1:]:
        response = client.get(url, query_string={"state": "01"})  # Aguascalientes: no grant
        assert response.status_code == 404 and response.mimetype == "text/html"
        assert NOTHING in response.data and b"data-empty" in response.data
        assert "Content-Disposition" not in response.headers
    page = download(client, "/reports/open-data/", state="01").data
    assert NOTHING in page and b"/reports/open-data/iati.xml" not in page
    page = download(client, "/reports/open-data/", state="19").data
    assert NOTHING not in page and b"/reports/open-data/iati.xml?state=19" in page


def test_filters_narrow_the_grants(app, world, personas):
    client = as_user(app, personas["finance_officer"])
    by_call = json.loads(
        download(client, "/reports/open-data/360giving.json", call=world["usd_call"].id).data
    )
    assert [g["currency"] for g in by_call["grants"]] == ["USD"]
    by_state = activities(download(client, "/reports/open-data/iati.xml", state="19").data)
    assert [a.find("location").get("ref") for a in by_state.values()] == ["MX-NLE"]


def test_an_invalid_filter_is_refused_with_its_message(app, world, personas):
    client = as_user(app, personas["finance_officer"])
    response = client.get("/reports/open-data/iati.xml", query_string={"programme": "999999"})
    assert response.status_code == 400
    assert b"is-invalid" in response.data and b"Not a valid choice" in response.data
    assert response.mimetype == "text/html"


def test_the_period_is_not_applied(app, world, personas):
    """Open-data files describe whole grants: the dashboard's period (even a wrong one) is
    ignored, every ledger entry is published."""
    client = as_user(app, personas["finance_officer"])
    args = {"date_from": "2027-05-01", "date_to": "2027-01-01"}
    found = activities(download(client, "/reports/open-data/iati.xml", **args).data)
    assert sum(len(transactions(a, "3")) for a in found.values()) == 5


# Files: headers, validity -----------------------------------------------------------------
def test_files_are_attachments_with_their_content_type(app, world, personas):
    client = as_user(app, personas["admin"])
    xml = download(client, "/reports/open-data/iati.xml")
    assert xml.mimetype == "application/xml"
    assert xml.headers["Content-Disposition"].startswith('attachment; filename="cofinancia-iati-')
    assert xml.headers["X-Content-Type-Options"] == "nosniff"
    giving = download(client, "/reports/open-data/360giving.json")
    assert giving.mimetype == "application/json"
    assert giving.headers["Content-Disposition"].endswith('.json"')


def test_both_files_validate_against_the_published_schemas(app, world, personas):
    client = as_user(app, personas["finance_officer"])
    xml = download(client, "/reports/open-data/iati.xml").data
    giving = download(client, "/reports/open-data/360giving.json").data
    assert validation.iati_errors(xml) == []
    assert validation.giving360_errors(giving) == []
    assert len(activities(xml)) == 2
    assert len(json.loads(giving)["grants"]) == 2


def test_the_validators_can_fail():
    """The shipped schemas really constrain: element order, a missing field and a date that
    is not a date are all refused (draft-4 date-time needs the format checker)."""
    assert validation.iati_errors(
        b'<iati-activities version="2.03"><iati-activity>'
        b"<reporting-org ref='X' type='60'><narrative>x</narrative></reporting-org>"
        b"<iati-identifier>X-1</iati-identifier></iati-activity></iati-activities>"
    )
    good = {
        "id": "360G-x-1",
        "title": "t",
        "description": "d",
        "currency": "MXN",
        "amountAwarded": 1,
        "awardDate": "2027-01-15",
        "recipientOrganization": [{"id": "a", "name": "b"}],
        "fundingOrganization": [{"id": "c", "name": "d"}],
    }
    assert validation.giving360_errors(json.dumps({"grants": [good]}).encode()) == []
    assert validation.giving360_errors(json.dumps({"grants": []}).encode())
    missing = {k: v for k, v in good.items() if k != "fundingOrganization"}
    assert validation.giving360_errors(json.dumps({"grants": [missing]}).encode())
    bad_date = dict(good, dateModified="last Tuesday")
    assert validation.giving360_errors(json.dumps({"grants": [bad_date]}).encode())
    bad_currency = dict(good, currency="PESOS")
    assert validation.giving360_errors(json.dumps({"grants": [bad_currency]}).encode())


# Values -----------------------------------------------------------------------------------
def test_iati_values_are_the_ledger_and_the_agreement(app, world, personas):
    client = as_user(app, personas["finance_officer"])
    found = activities(download(client, "/reports/open-data/iati.xml").data)
    reference_a = world["a"].application.reference
    a = found[f"XM-DAC-00000-{reference_a}"]
    assert a.get("default-currency") == "MXN"
    assert a.find("reporting-org").get("ref") == "XM-DAC-00000"
    roles = {p.get("role"): p for p in a.findall("participating-org")}
    assert roles["1"].findtext("narrative") == "Fundación Ejemplo"
    assert roles["3"].get("ref") == "XM-DAC-00000"
    assert roles["4"].get("ref") == f"MX-RFC-{personas['org_a'].rfc}"
    assert roles["4"].findtext("narrative") == "Org A A.C."
    assert a.find("activity-status").get("code") == "2"
    assert {d.get("type"): d.get("iso-date") for d in a.findall("activity-date")} == {
        "1": "2027-02-01",
        "2": "2027-03-05",
        "3": "2028-01-31",
    }
    assert a.find("sector").get("code") == "15130" and a.find("sector").get("vocabulary") == "1"
    assert a.find("recipient-country").get("code") == "MX"
    assert [
        (
            b.find("period-start").get("iso-date"),
            b.find("period-end").get("iso-date"),
            b.findtext("value"),
        )
        for b in a.findall("budget")
    ] == [("2027-02-01", "2028-01-31", "300000.00")]
    assert transactions(a, "2") == [("2027-01-20", "300000.00", "MXN")]
    # Reversal: a negative disbursement on its own date; the sum is the net paid.
    assert transactions(a, "3") == [
        ("2027-03-05", "100000.00", "MXN"),
        ("2027-04-02", "50000.00", "MXN"),
        ("2027-04-09", "-50000.00", "MXN"),
    ]
    assert sum(D(v) for _, v, _ in transactions(a, "3")) == D("100000.00")

    b = found[f"XM-DAC-00000-{world['b'].application.reference}"]
    assert b.get("default-currency") == "USD"
    grantee = {p.get("role"): p for p in b.findall("participating-org")}["4"]
    assert grantee.get("ref") is None and grantee.get("type") is None
    narratives = {
        n.get("{http://www.w3.org/XML/1998/namespace}lang"): n.text
        for n in grantee.findall("narrative")
    }
    assert narratives["en"] == "Individual grantee (personal data withheld)"
    assert narratives["es"] and narratives["es"] != narratives["en"]  # translated, not copied
    assert b.find("location").get("ref") == "MX-SON"
    assert [
        (
            x.find("period-start").get("iso-date"),
            x.find("period-end").get("iso-date"),
            x.findtext("value"),
        )
        for x in b.findall("budget")
    ] == [("2027-02-01", "2028-01-31", "20000.00"), ("2028-02-01", "2028-12-31", "20000.00")]
    # 170,000.00 MXN × 0.0588 = USD 9,996.00, then USD 1,234.56.
    assert transactions(b, "3") == [
        ("2027-03-15", "9996.00", "USD"),
        ("2027-05-02", "1234.56", "USD"),
    ]


def test_360giving_values(app, world, personas):
    client = as_user(app, personas["finance_officer"])
    package = json.loads(download(client, "/reports/open-data/360giving.json").data)
    by_currency = {g["currency"]: g for g in package["grants"]}
    a, b = by_currency["MXN"], by_currency["USD"]
    assert a["id"] == f"360G-cofinancia-{world['a'].application.reference}"
    assert a["title"] == "Mediación vecinal"
    assert (a["amountAwarded"], a["amountAppliedFor"], a["amountDisbursed"]) == (
        300000,
        300000,
        100000,
    )
    assert a["plannedDates"] == [{"startDate": "2027-02-01", "endDate": "2028-01-31"}]
    assert a["recipientOrganization"] == [
        {
            "id": f"MX-RFC-{personas['org_a'].rfc}",
            "name": "Org A A.C.",
            "addressLocality": "Monterrey",
            "addressRegion": "Nuevo León",
            "addressCountry": "MX",
        }
    ]
    assert a["fundingOrganization"] == [{"id": "XM-DAC-00000", "name": "Cofinancia"}]
    assert a["beneficiaryLocation"] == [
        {"name": "Nuevo León", "countryCode": "MX", "geoCode": "MX-NLE"}
    ]
    assert a["grantProgramme"] == [
        {"code": "CONV-2026-01", "title": "Community Justice Fund: Access to justice"}
    ]
    assert (b["amountAwarded"], b["amountDisbursed"]) == (40000, 11230.56)
    assert b["recipientOrganization"] == [
        {
            "id": f"360G-cofinancia-ORG-{world['person'].id}",
            "name": "Individual grantee (personal data withheld)",
            "addressRegion": "Sonora",
            "addressCountry": "MX",
        }
    ]


def test_amounts_are_exact_json_numbers():
    assert giving360.number(D("300000.00")) == 300000
    assert isinstance(giving360.number(D("300000.00")), int)
    assert json.dumps(giving360.number(D("11230.56"))) == "11230.56"
    assert json.dumps(giving360.number(D("999999999999.99"))) == "999999999999.99"
    assert json.dumps(giving360.number(D("0.10"))) == "0.1"
    assert json.dumps(giving360.number(D("-50000.50"))) == "-50000.5"


# Redaction --------------------------------------------------------------------------------
def test_no_bank_or_personal_data_in_any_file(app, world, personas):
    client = as_user(app, personas["admin"])
    files = {
        "iati": download(client, "/reports/open-data/iati.xml").data,
        "360giving": download(client, "/reports/open-data/360giving.json").data,
    }
    people = [
        personas[p].full_name for p in ("applicant", "finance_officer", "grants_manager", "admin")
    ]
    emails = [personas[p].email for p in ("applicant", "finance_officer")] + [
        world["person_user"].email
    ]
    for name, data in files.items():
        text = data.decode("utf-8")
        for label, secret in [
            *SECRETS.items(),
            *((p, p) for p in people),
            *((e, e) for e in emails),
        ]:
            assert secret not in text, f"{label} ({secret}) leaked into the {name} file"
        assert "@" not in text, f"an e-mail address in the {name} file"
        assert "CLABE" not in text.upper()
        assert PERSON_RFC not in text and "MX-RFC-MAQR" not in text


def test_a_person_is_never_identified_even_with_an_organisation_kind(ctx):
    person = grants.Recipient(1, "cso", "Juan Pérez", "PEJJ800101AB1", "mexico", "09", "Coyoacán")
    company = grants.Recipient(2, "company", "Empresa S.A.", "EMP800101AB1", "mexico", "09", "X")
    public = grants.Recipient(3, "other", "Público", "XAXX010101000", "general_public", "09", "X")
    foreign = grants.Recipient(4, "cso", "Foreign NGO", "XEXX010101000", "foreign", "09", "X")
    assert (person.org_ref, person.public_name, person.public_municipality) == (None, None, None)
    assert (company.org_ref, company.public_name) == ("MX-RFC-EMP800101AB1", "Empresa S.A.")
    assert (public.org_ref, public.public_name) == (None, None)
    assert (foreign.org_ref, foreign.public_name) == (None, "Foreign NGO")


# Status and budget rules ------------------------------------------------------------------
def test_activity_status_follows_the_end_date_and_the_ledger(ctx, world):
    [a] = [
        g
        for g in grants.load(ReportFilter(), grants.Publisher(), db.session)
        if g.currency == "MXN"
    ]
    assert iati.activity_status(a, date(2028, 1, 31)) == "2"
    assert iati.activity_status(a, date(2028, 2, 1)) == "3"  # ended, MXN 200,000.00 unpaid
    a.payments.append(grants.Payment(0, "payment", date(2028, 1, 30), D("200000.00"), "MXN"))
    assert iati.activity_status(a, date(2028, 2, 1)) == "4"


# Statement count --------------------------------------------------------------------------
def test_a_fixed_number_of_statements_whatever_the_number_of_grants(
    app, world, personas, count_queries
):
    client = as_user(app, personas["finance_officer"])

    def measure():
        counts = []
        for url in URLS[1:]:
            with count_queries() as counter:
                download(client, url)
            counts.append(counter.count)
        return counts

    before = measure()
    extra = factories.make_organisation(
        factories.make_user(roles=("applicant",)), legal_name="Tercera A.C.", state_code="09"
    )
    for n in range(3):
        award = helpers.active_award(
            world["call"],
            extra,
            personas["applicant"],
            personas["grants_manager"],
            title=f"Extra {n}",
        )
        ledger.record(award.id, helpers.entry("1000.00", f"extra-{n}"), personas["finance_officer"])
    db.session.commit()
    # The award operations queued e-mails: the next request delivers them. Not ours to count.
    download(client, URLS[0])
    assert measure() == before
    # the user (2), the filter's choices (2), then awards, ledger, milestones, amendments (4);
    # IATI also reads the results indicators, targets and values (3)
    assert before == [11, 8]


# Command line (cron) ----------------------------------------------------------------------
def test_the_command_writes_valid_files_atomically(app, world, tmp_path):
    runner = app.test_cli_runner()
    for kind, name in (("iati", "iati.xml"), ("360giving", "360giving.json")):
        target = tmp_path / "public" / name
        target.parent.mkdir(exist_ok=True)
        result = runner.invoke(args=["opendata", kind, "--output", str(target)])
        assert result.exit_code == 0, result.output
        assert "2 grant(s)" in result.output
        data = target.read_bytes()
        errors = validation.iati_errors if kind == "iati" else validation.giving360_errors
        assert errors(data) == []
        assert helpers.CLABE.encode() not in data
    assert sorted(p.name for p in (tmp_path / "public").iterdir()) == ["360giving.json", "iati.xml"]


def test_the_command_refuses_to_write_an_empty_file(app, connection, tmp_path):
    target = tmp_path / "iati.xml"
    result = app.test_cli_runner().invoke(args=["opendata", "iati", "--output", str(target)])
    assert result.exit_code == 1
    assert "No active grant" in result.output
    assert not target.exists()
    missing = tmp_path / "no-such-dir" / "iati.xml"
    result = app.test_cli_runner().invoke(args=["opendata", "iati", "--output", str(missing)])
    assert result.exit_code == 1 and "does not exist" in result.output


def test_the_overview_page_links_the_files_with_the_filter(app, world, personas):
    client = as_user(app, personas["grants_manager"])
    call_id = world["call"].id
    page = download(client, "/reports/open-data/", call=call_id, date_from="2027-01-01")
    html = page.data.decode()
    assert f"/reports/open-data/iati.xml?call={call_id}" in html
    assert f"/reports/open-data/360giving.json?call={call_id}" in html
    links = html.split("Downloads</h2>")[1].split("</ul>")[0]
    assert links.count("/reports/open-data/") == 2 and "date_from" not in links
