"""Issue 8's "Done when", second half, in the browser with the demo data (Spanish):

- the demo finance officer filters the dashboard by a state, downloads the disbursement and
  co-finance ledgers as CSV and XLSX through the page's links and finds in each file the same
  totals as on the screen; the IATI and 360Giving files validate against the shipped schemas and
  hold no bank or personal data of the demo;
- the grantee creates a personal access token in the account menu; a script (urllib over real
  HTTP) reads its awards and disbursements with it; the same request without a token, for
  another organisation's grant, and after the token is revoked in the browser, is refused.

Other walk-throughs share the live server and pay grants of CONV-2025-01, so totals are read
from the screen and compared with the files rather than hard-coded.
"""

from __future__ import annotations

import csv
import json
import re
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser

OFFICER = "finanzas@cofinancia.example"
GRANTEE = "direccion@justiciacercana.example"  # Justicia Cercana, Nuevo León
SONORA = "26"


def _amount(text: str) -> Decimal:
    """ "USD 40,000.00" (CLDR, es-MX) → Decimal("40000.00")."""
    return Decimal(re.sub(r"[^\d.\-]", "", text))


def _download(page, label: str, folder: Path) -> Path:
    """Click the link and save the file under the name the portal suggests."""
    with page.expect_download() as info:
        page.get_by_role("link", name=label, exact=True).click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def _csv_totals(path: Path, amount_col: str, *key_cols: str) -> dict:
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    header, blank = rows[0], rows.index([])
    index = [header.index(k) for k in key_cols]
    return {
        tuple(r[i] for i in index): Decimal(r[header.index(amount_col)]) for r in rows[blank + 1 :]
    }


def _xlsx_totals(path: Path, amount_col: str, *key_cols: str) -> dict:
    values = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    header = list(values[0])
    blank = next(n for n, r in enumerate(values) if all(v is None for v in r))
    index = [header.index(k) for k in key_cols]
    return {
        tuple(r[i] for i in index): Decimal(str(r[header.index(amount_col)]))
        for r in values[blank + 1 :]
    }


def _demo_secrets(live_server) -> list[str]:
    """Bank data and people's names/e-mails of the demo that must never be published."""
    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.core.db import db
    from portal.finance.models import Disbursement
    from portal.organisations.models import Organisation

    with live_server.app.app_context():
        values = set(db.session.scalars(select(Disbursement.clabe)))
        values |= set(db.session.scalars(select(Disbursement.bank_reference)))
        values |= set(db.session.scalars(select(User.email)))
        values |= set(db.session.scalars(select(User.full_name)))
        values |= set(db.session.scalars(select(Organisation.legal_rep_name)))
        values |= set(db.session.scalars(select(Organisation.address)))
        db.session.remove()
    return sorted(v for v in values if v)


def test_ledgers_and_open_data_match_the_screen(live_server, page, es, shot, tmp_path):
    log_in(page, OFFICER)
    page.goto("/reports/finance")
    form = page.get_by_role("search")
    form.get_by_label(es("State")).select_option(SONORA)
    form.get_by_role("button", name=es("Filter")).click()
    shot(page, "filtered")
    disbursed = _amount(page.locator("tr[data-row=total-USD] [data-figure=disbursed]").inner_text())
    assert disbursed > 0

    amount, currency = es("Amount in award currency"), es("Award currency")
    for label, read in (
        (es("Disbursement ledger (CSV)"), _csv_totals),
        (es("Disbursement ledger (XLSX)"), _xlsx_totals),
    ):
        totals = read(_download(page, label, tmp_path), amount, currency)
        assert totals == {("USD",): disbursed}, (label, totals)

    row = page.locator("tr[data-row=cofinance-USD]")
    screen = {
        es("Verified"): _amount(row.locator("[data-figure=verified]").inner_text()),
        es("Reported, not verified yet"): _amount(
            row.locator("[data-figure=reported]").inner_text()
        ),
    }
    keys = (es("Amount"), es("Currency"), es("Status"))
    csv_cofinance = _csv_totals(_download(page, es("Co-finance ledger (CSV)"), tmp_path), *keys)
    xlsx_cofinance = _xlsx_totals(_download(page, es("Co-finance ledger (XLSX)"), tmp_path), *keys)
    assert csv_cofinance == xlsx_cofinance
    for status, figure in screen.items():
        assert csv_cofinance.get(("USD", status), Decimal("0.00")) == figure, status
    assert screen[es("Verified")] > 0

    from portal.opendata.validation import giving360_errors, iati_errors

    secrets = _demo_secrets(live_server)
    iati = _download(
        page, es("IATI 2.03 file (XML; whole grants, the period does not apply)"), tmp_path
    )
    giving = _download(
        page, es("360Giving file (JSON; whole grants, the period does not apply)"), tmp_path
    )
    for path, errors in ((iati, iati_errors), (giving, giving360_errors)):
        data = path.read_bytes()
        assert errors(data) == [], path
        text = data.decode("utf-8")
        leaked = [s for s in secrets if s in text]
        assert not leaked, leaked
        assert "Sonora" in text or "MX-SON" in text
    assert json.loads(giving.read_bytes())["grants"]
    assert not live_server.errors


def _api(live_server, path: str, token: str | None):
    request = urllib.request.Request(live_server.url + path)  # noqa: S310 - the live server
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def _other_organisations_award(live_server) -> int:
    from sqlalchemy import select

    from portal.awards.models import Award
    from portal.core.db import db
    from portal.organisations.models import Organisation

    with live_server.app.app_context():
        award_id = db.session.scalar(
            select(Award.id)
            .join(Organisation, Organisation.id == Award.organisation_id)
            .where(Organisation.state_code == SONORA, Award.status == "active")
        )
        db.session.remove()
    return award_id


def test_a_token_lets_a_script_read_awards_and_disbursements(live_server, page, es, shot):
    log_in(page, GRANTEE)
    nav = page.get_by_role("navigation")
    nav.locator(".dropdown-toggle").click()  # the account menu
    nav.get_by_role("link", name=es("API tokens"), exact=True).click()
    page.get_by_label(es("Name")).fill("Sistema contable")
    page.get_by_label(es("Expires after")).select_option(label=es("30 days"))
    page.get_by_role("button", name=es("Create the token")).click()
    secret = page.get_by_label(es("Token"), exact=True).input_value()
    assert secret.startswith("cfp_")
    shot(page, "token-created")

    status, awards = _api(live_server, "/api/v1/awards", secret)
    assert status == 200 and awards["data"]
    names = {a["organisation"]["name"] for a in awards["data"]}
    assert names == {"Justicia Cercana, A.C."}, names
    active = next(a for a in awards["data"] if a["status"] == "active")
    status, ledger = _api(live_server, f"/api/v1/awards/{active['id']}/disbursements", secret)
    assert status == 200
    for entry in ledger["data"]:
        assert Decimal(entry["award_amount"]) != 0 and entry["award_currency"] in ("MXN", "USD")
        assert "clabe" not in entry  # only the last four digits ever leave
    status, _ = _api(live_server, "/api/v1/disbursements", secret)
    assert status == 200

    assert _api(live_server, "/api/v1/awards", None)[0] == 401
    other = _other_organisations_award(live_server)
    assert _api(live_server, f"/api/v1/awards/{other}", secret)[0] == 404
    assert _api(live_server, f"/api/v1/awards/{other}/disbursements", secret)[0] == 404

    page.get_by_role("row", name=re.compile("Sistema contable")).get_by_role(
        "button", name=es("Revoke")
    ).click()
    row = page.get_by_role("row", name=re.compile("Sistema contable"))
    expect(row.locator(".badge.text-bg-danger")).to_be_visible()  # revoked
    expect(row.get_by_role("button", name=es("Revoke"))).to_have_count(0)
    shot(page, "token-revoked")
    status, body = _api(live_server, "/api/v1/awards", secret)
    assert status == 401 and body["error"]["code"] == "token_revoked"
    assert not live_server.errors
