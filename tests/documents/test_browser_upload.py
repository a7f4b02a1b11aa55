"""Browser walk-throughs of uploads: the progress bar (local), the direct-to-S3 upload with
JavaScript and the plain-form S3 upload without it. Run with ``make test-browser``."""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from portal.demo.data import DEMO_PASSWORD
from tests.documents import samples
from tests.documents.conftest import BUCKET
from tests.support.browser import TIMEOUT_MS, _prepare_database

pytestmark = pytest.mark.browser

OWNER = "direccion@justiciacercana.example"
RFC = "JCE150312LT4"


def _org_id(app) -> int:
    from portal.core.db import db
    from portal.organisations.models import Organisation

    with app.app_context():
        org_id = db.session.scalar(select(Organisation.id).filter_by(rfc=RFC))
        db.session.remove()
    return org_id


def _documents(app, org_id: int):
    from portal.core.db import db
    from portal.documents.models import Document

    with app.app_context():
        rows = db.session.scalars(
            select(Document).filter_by(owner_type="organisation", owner_id=org_id)
        ).all()
        db.session.remove()
    return rows


def _log_in(page) -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(OWNER)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def _saved(es, name: str, version: int) -> str:
    return es(
        "“%(name)s” was checked and saved as version %(version)s.", name=name, version=version
    )


def test_upload_shows_progress_then_saves(page, live_server, shot, es, tmp_path):
    org_id = _org_id(live_server.app)
    _log_in(page)
    page.goto(f"/documents/organisation/{org_id}/other/upload")
    big = tmp_path / "Carta compromiso.pdf"
    big.write_bytes(samples.pdf(padding=1024 * 1024))
    # Slow the upload down so the progress bar has something to show.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 512 * 1024},
    )
    page.set_input_files("input[type=file]", str(big))
    page.locator("form.js-upload button[type=submit]").click()
    page.wait_for_function(
        "() => { const p = document.querySelector('#upload-progress');"
        " return p && !p.closest('[hidden]') && p.value > 0 && p.value < 100; }"
    )
    shot(page, "progress")
    expect(page.get_by_role("alert")).to_contain_text(_saved(es, big.name, 1), timeout=20_000)
    shot(page, "saved")
    [document] = [d for d in _documents(live_server.app, org_id) if d.original_name == big.name]
    assert document.status == "clean" and document.storage_backend == "local"


def test_refused_file_message_stays_on_the_page(page, live_server, shot, es, tmp_path):
    org_id = _org_id(live_server.app)
    _log_in(page)
    page.goto(f"/documents/organisation/{org_id}/articles_of_incorporation/upload")
    fake = tmp_path / "acta.pdf"
    fake.write_bytes(samples.html_as_pdf())
    page.set_input_files("input[type=file]", str(fake))
    page.locator("form.js-upload button[type=submit]").click()
    status = page.locator(".js-upload-status")
    expect(status).to_contain_text(es("The file was not accepted: %(reason)s", reason=""))
    expect(page).to_have_url(re.compile(r"/upload$"))
    shot(page, "refused")


# Direct to S3 -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def s3_live(tmp_path_factory, s3_endpoint):
    """A second live portal on the S3 backend (moto), with the demo data."""
    from portal import create_app

    tmp = tmp_path_factory.mktemp("live-s3")
    app = create_app(
        "testing",
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'live.sqlite3'}",
            "SERVER_NAME": None,
            "STORAGE_BACKEND": "s3",
            "S3_BUCKET": BUCKET,
            "S3_ENDPOINT_URL": s3_endpoint,
            "RATELIMIT_ENABLED": False,
            "MAIL_SERVER": "",
            "REDIS_URL": "",
            "PROPAGATE_EXCEPTIONS": False,
        },
    )
    _prepare_database(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, url
    finally:
        server.shutdown()
        thread.join(timeout=5)


def _s3_page(browser, url: str, javascript: bool):
    context = browser.new_context(locale="es-MX", base_url=url, java_script_enabled=javascript)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if msg.type == "error" else None,
    )
    return context, page, problems


def test_direct_upload_to_s3_with_javascript(browser, s3_live, shot, es, tmp_path):
    app, url = s3_live
    context, page, problems = _s3_page(browser, url, javascript=True)
    try:
        org_id = _org_id(app)
        _log_in(page)
        page.goto(f"/documents/organisation/{org_id}/cluni_certificate/upload")
        expect(page.locator(".js-upload-fallback")).to_be_hidden()
        image = tmp_path / "cluni.png"
        image.write_bytes(samples.png())
        page.set_input_files("#direct-file", str(image))
        page.locator(".js-upload-start").click()
        expect(page.get_by_role("alert")).to_contain_text(_saved(es, "cluni.png", 1))
        shot(page, "saved")
    finally:
        context.close()
    assert not problems, problems
    [document] = _documents(app, org_id)
    assert document.status == "clean" and document.storage_backend == "s3"


def test_direct_upload_to_s3_without_javascript(browser, s3_live, shot, es, tmp_path):
    app, url = s3_live
    context, page, problems = _s3_page(browser, url, javascript=False)
    try:
        org_id = _org_id(app)
        _log_in(page)
        page.goto(f"/documents/organisation/{org_id}/tax_status_certificate/upload")
        page.locator(".js-upload-fallback button[type=submit]").click()
        page.set_input_files("#s3-file", str(_write(tmp_path / "constancia.pdf", samples.pdf())))
        page.locator("#s3-upload button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/finish\?"))
        shot(page, "finish")
        page.locator("main form button[type=submit]").click()
        expect(page.get_by_role("alert")).to_contain_text(
            _saved(es, "tax_status_certificate.pdf", 1)
        )
    finally:
        context.close()
    assert not problems, problems


def _write(path, data: bytes):
    path.write_bytes(data)
    return path
