"""Run by tests/foundation/test_previous_release.py as a script, with PYTHONPATH pointing at the
PREVIOUS release's tree: it imports only that release's ``portal`` (and the standard library).

It builds the old app (no migration, nothing written at start-up), signs in as demo users
through the real log-in form and follows the links of their pages breadth-first, GET only,
plus the API's read endpoints with a token. Prints one JSON object:
``{"visits": {persona: [[url, status], ...]}, "errors": {url: traceback-excerpt}}``.
"""

from __future__ import annotations

import json
import re
import sys
from collections import deque

from werkzeug.exceptions import HTTPException

from portal import create_app

PASSWORD = "Cofinancia-Demo-2026"
PERSONAS = {
    "anonymous": None,
    "applicant": "direccion@justiciacercana.example",
    "grants_manager": "gestor@cofinancia.example",
    "finance_officer": "finanzas@cofinancia.example",
}
START = {
    "anonymous": ["/", "/calls/", "/login"],
    "applicant": ["/", "/applications/", "/finance/mine", "/account"],
    "grants_manager": [
        "/",
        "/calls/CONV-2026-01/applications",
        "/calls/CONV-2026-01/screening",
        "/calls/CONV-2026-01/progress",
        "/calls/CONV-2026-01/ranking",
        "/awards/calls/CONV-2026-01",
        "/calls/CONV-2025-01/applications",
        "/awards/calls/CONV-2025-01",
        "/programmes/",
    ],
    "finance_officer": ["/", "/reports/finance", "/finance/", "/reports/open-data/"],
}
API = ["/api/v1/me", "/api/v1/calls", "/api/v1/awards", "/api/v1/disbursements"]
API += ["/api/v1/cofinance", "/api/v1/results", "/api/v1/openapi.json"]
# Not followed: signing out, files, the same page in the other language, and the account pages
# (read once from START) so that the budget goes to the grant cycle's pages.
SKIP = re.compile(
    r"logout|sign-out|/static/|/download|\.(pdf|csv|xlsx|xml|json)(\?|$)|[?&]lang=|/account/"
)
HREF = re.compile(r'href="(/[^"#]*)"')
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def log_in(client, email: str) -> list:
    """[url, status] of the log-in POST; a refused log-in ends that persona's crawl."""
    page = client.get("/login").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    answer = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    refused = answer.status_code != 302 or "/login" in answer.headers.get("Location", "")
    return ["POST /login", answer.status_code if not refused or answer.status_code >= 500 else 401]


def crawl(app, persona: str, email: str | None, limit: int) -> list:
    client = app.test_client()
    visits = []
    if email:
        visits.append(log_in(client, email))
        if visits[0][1] != 302:
            return visits
    queue, seen = deque(START[persona]), set()
    while queue and len(visits) <= limit:
        url = queue.popleft().replace("&amp;", "&")
        if url in seen or SKIP.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        visits.append([url, response.status_code])
        if response.status_code == 200 and response.mimetype == "text/html":
            queue.extend(HREF.findall(response.get_data(as_text=True)))
    return visits


def main() -> None:
    limit, token = int(sys.argv[1]), sys.argv[2]
    app = create_app()
    errors: dict[str, str] = {}

    @app.errorhandler(Exception)
    def keep(error):  # the 500 page hides the cause; the test prints it
        import traceback

        from flask import request

        if isinstance(error, HTTPException):
            return error
        errors[request.full_path] = traceback.format_exc()[-1500:]
        return "server error", 500

    visits = {p: crawl(app, p, email, limit) for p, email in PERSONAS.items()}
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    visits["api"] = [[url, api.get(url, headers=headers).status_code] for url in API]
    print(json.dumps({"visits": visits, "errors": errors}))


if __name__ == "__main__":
    main()
