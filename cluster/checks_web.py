"""Checks through the proxy as people at browsers: one session browsing both instances
(sign-in, CSRF, language), the shared sign-in throttle, and a presigned upload to S3."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

import lxml.html
import requests

from cluster.browser import Browser, csrf_token
from cluster.report import Report
from cluster.stack import Cluster

APPLICANT = "direccion@justiciacercana.example"
SKIP = re.compile(r"logout|download|/documents/\d|lang=|/export|\.(csv|xlsx|pdf|xml|json)\b")


def browse(cluster: Cluster, report: Report, browser: Browser, pages: int = 20) -> None:
    """Sign in, then follow the portal's own links breadth-first for ``pages`` pages."""
    response = browser.login(APPLICANT)
    report.expect(
        response.status_code == 302 and "/login" not in response.headers.get("Location", ""),
        f"{APPLICANT} signs in through the proxy",
        f"status {response.status_code}",
    )
    start = len(browser.served_by)
    seen: set[str] = set()
    queue = ["/", "/account"]
    failures = []
    while queue and len(seen) < pages:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        page = browser.get(path)
        if page.status_code != 200:
            failures.append(f"{path}: {page.status_code} {page.headers.get('Location', '')}")
            continue
        queue += [link for link in _links(page) if link not in seen]
    servers = Counter(browser.served_by[start:])
    report.expect(
        not failures, f"{len(seen)} pages browsed, each 200 while signed in", "; ".join(failures)
    )
    report.expect(
        set(servers) == {"a", "b"} and min(servers.values()) >= len(seen) // 3,
        f"requests alternate between the instances ({dict(servers)})",
    )
    _instance_logs_agree(cluster, report, browser)


def _links(page: requests.Response) -> list[str]:
    document = lxml.html.fromstring(page.text)
    own = urlsplit(page.url).netloc
    links = []
    for href in document.xpath("//a/@href"):
        parts = urlsplit(href)
        if (parts.netloc and parts.netloc != own) or parts.scheme not in ("", "http"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not SKIP.search(path):
            links.append(path)
    return links


def _instance_logs_agree(cluster: Cluster, report: Report, browser: Browser) -> None:
    """Each instance's JSON request log holds the request ids HAProxy says it served."""
    logs = {n: cluster.processes.log(f"web-{n}").read_text(errors="replace") for n in "ab"}
    if '"request_id"' not in logs["a"] + logs["b"]:
        report.fail("the instances' logs carry no JSON request lines with a request_id")
        return
    wrong = [
        rid
        for rid, server in browser.request_ids.items()
        if server in logs
        and (rid not in logs[server] or rid in logs["b" if server == "a" else "a"])
    ]
    report.expect(
        not wrong,
        f"each instance's JSON log holds exactly the {len(browser.request_ids)} request ids "
        "HAProxy routed to it",
        f"{len(wrong)} misplaced, e.g. {wrong[:3]}",
    )


def csrf_and_language(cluster: Cluster, report: Report, browser: Browser) -> None:
    """A form whose token came from one instance is accepted by the other, both ways; the
    language chosen on one instance holds on both."""
    pairs = set()
    for name in ("Lucía Cluster Uno", "Lucía Cluster Dos"):
        action, values = browser.form("/account", "/account")
        form_server = browser.served_by[-1]
        response = browser.post(action, {**values, "full_name": name})
        pairs.add((form_server, browser.served_by[-1]))
        if response.status_code != 302:
            report.fail(f"profile form posted to {browser.served_by[-1]}: {response.status_code}")
        browser.get("/healthz")  # shift the round robin: the next pair goes the other way
    report.expect(
        pairs == {("a", "b"), ("b", "a")},
        "a form served by one instance is accepted by the other, both ways (CSRF token and "
        f"session shared): {sorted(pairs)}",
    )
    stored = cluster.sql("SELECT full_name FROM users WHERE email = %s", (APPLICANT,))
    report.expect(stored == [("Lucía Cluster Dos",)], "the posted name is stored", str(stored))

    switched = browser.get("/?lang=en")
    langs = {}
    for _ in range(6):
        page = browser.get("/account")
        langs.setdefault(browser.served_by[-1], set()).add(_html_lang(page))
    report.expect(
        switched.status_code in (200, 302) and langs == {"a": {"en"}, "b": {"en"}},
        f"English chosen on instance {browser.served_by[-7]} is English on both ({langs})",
    )
    browser.get("/?lang=es")


def _html_lang(page: requests.Response) -> str:
    match = re.search(r'<html[^>]*\blang="([a-z]{2})', page.text)
    return match.group(1) if match else "?"


def login_throttle(cluster: Cluster, report: Report, limit: int) -> None:
    """``limit`` failed sign-ins per account and address are counted across both instances:
    the next attempt is refused with 429, wherever it lands."""
    browser = Browser(cluster.proxy_url)
    email = "nadie.cluster@cofinancia.example"
    served = []
    for number in range(1, limit + 2):
        action, values = browser.form("/login", "/login")
        if served and browser.served_by[-1] != served[-1]:
            browser.get("/healthz")  # so that the POST lands on the other instance
        response = browser.post(action, {**values, "email": email, "password": "wrong-password"})
        served.append(browser.served_by[-1])
        expected = 200 if number <= limit else 429
        if response.status_code != expected:
            report.fail(
                f"failed sign-in {number} on instance {served[-1]}: {response.status_code}, "
                f"expected {expected}"
            )
            return
    report.expect(
        set(served) == {"a", "b"},
        f"{limit} failed sign-ins spread over instances {''.join(served[:-1])} are counted "
        f"once: attempt {limit + 1} (instance {served[-1]}) is refused with 429",
    )


def presigned_upload(cluster: Cluster, report: Report, browser: Browser, pdf: bytes) -> None:
    """Intent on one instance, the file straight to S3, finalize on the other."""
    [(org_id,)] = cluster.sql(
        "SELECT id FROM organisations WHERE legal_name LIKE %s", ("Justicia Cercana%",)
    )
    [(before,)] = cluster.sql("SELECT coalesce(max(id), 0) FROM documents")
    upload_page = f"/documents/organisation/{org_id}/other/upload"
    page = browser.get(upload_page)
    token = csrf_token(page)
    headers = {"Accept": "application/json", "X-CSRFToken": token}
    intent = browser.post(
        f"/documents/organisation/{org_id}/other/intent",
        data=None,
        json={"filename": "carta-cluster.pdf", "size": len(pdf), "content_type": "application/pdf"},
        headers=headers,
    )
    intent_server = browser.served_by[-1]
    if intent.status_code != 200:
        report.fail(f"upload intent: {intent.status_code} {intent.text[:300]}")
        return
    body = intent.json()
    report.expect(body["url"].startswith(cluster.s3_url), "the intent presigns a POST to S3")
    sent = requests.post(
        body["url"], data=body["fields"], files={"file": ("carta.pdf", pdf)}, timeout=30
    )
    report.expect(sent.status_code in (200, 201, 204), f"S3 accepts the file ({sent.status_code})")
    done = browser.post(body["finalize_url"], {"csrf_token": token}, headers=headers)
    finalize_server = browser.served_by[-1]
    rows = cluster.sql(
        "SELECT status, storage_key FROM documents WHERE id > %s AND owner_id = %s",
        (before, org_id),
    )
    report.expect(
        done.status_code == 200
        and len(rows) == 1
        and rows[0][0] == "clean"
        and intent_server != finalize_server,
        f"finalized on instance {finalize_server} (intent on {intent_server}): the document "
        f"is clean and recorded once ({done.status_code}, {len(rows)} row)",
        done.text[:300],
    )
    if rows:
        from cluster.stack import BUCKET, s3_client

        head = s3_client(cluster.s3_url).head_object(Bucket=BUCKET, Key=rows[0][1])
        report.expect(head["ContentLength"] == len(pdf), f"the object is in S3 at {rows[0][1]}")


def minimal_pdf(text: str = "Carta compromiso del cluster") -> bytes:
    """A one-page PDF with a correct cross-reference table (what the upload checks accept)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    return out + b"startxref\n%d\n%%%%EOF\n" % xref
