"""Access matrix: the same request made as each of the seven personas.

Personas: anonymous, applicant (owner in organisation A), other_applicant (owner in
organisation B), reviewer, grants_manager, finance_officer, admin. ``check`` asserts that the
personas in ``allowed`` get a success (2xx/3xx not to the login page) and every other one is
refused: anonymous users are sent to the login page (or get 401/403/404), others get 403/404.

``auth="token"`` (the JSON API) sends each persona's personal access token as
``Authorization: Bearer`` from a cookie-less client instead; anonymous sends no header.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.support import route_coverage
from tests.support.factories import DEFAULT_PASSWORD
from tests.support.forms import csrf_token

PERSONAS = (
    "anonymous",
    "applicant",
    "other_applicant",
    "reviewer",
    "grants_manager",
    "finance_officer",
    "admin",
)
STAFF = frozenset({"grants_manager", "finance_officer", "admin"})
LOGGED_IN = frozenset(PERSONAS) - {"anonymous"}


@dataclass
class AccessMatrix:
    app: object
    users: dict
    _clients: dict = field(default_factory=dict)
    _tokens: dict = field(default_factory=dict)

    def client(self, persona: str):
        if persona not in self._clients:
            client = self.app.test_client()
            if persona != "anonymous":
                login(client, self.users[persona].email)
            self._clients[persona] = client
        return self._clients[persona]

    def token(self, persona: str) -> str:
        """The persona's personal access token (one per persona, created on first use)."""
        if persona not in self._tokens:
            from portal.api.operations import create_token
            from portal.core.db import db

            _, self._tokens[persona] = create_token(self.users[persona], name="matrix", days=30)
            db.session.commit()
        return self._tokens[persona]

    def request(
        self, persona: str, method: str, url: str, data: dict | None = None, auth: str = "session"
    ):
        if auth == "token":
            headers = (
                {} if persona == "anonymous" else {"Authorization": f"Bearer {self.token(persona)}"}
            )
            return self.app.test_client().open(url, method=method, headers=headers)
        client = self.client(persona)
        if method == "GET":
            return client.get(url)
        payload = dict(data or {})
        payload.setdefault("csrf_token", csrf_token(client))
        return client.open(url, method=method, data=payload)

    def check(
        self,
        url: str,
        allowed,
        method: str = "GET",
        data: dict | None = None,
        data_for=None,
        auth: str = "session",
    ) -> None:
        allowed = set(allowed)
        assert allowed <= set(PERSONAS), allowed - set(PERSONAS)
        route_coverage.note(self.app, method, url)
        failures = []
        for persona in PERSONAS:
            payload = data_for(persona) if data_for else data
            response = self.request(persona, method, url, payload, auth=auth)
            ok = is_success(response)
            if persona in allowed and not ok:
                failures.append(
                    f"{persona}: expected access, got {response.status_code} "
                    f"{response.headers.get('Location', '')}"
                )
            if persona not in allowed and ok:
                failures.append(f"{persona}: expected refusal, got {response.status_code}")
            refused_badly = response.status_code not in (403, 404, 405)
            if persona not in allowed and not ok and persona != "anonymous" and refused_badly:
                failures.append(f"{persona}: refusal should be 403/404, got {response.status_code}")
        assert not failures, f"{method} {url}:\n  " + "\n  ".join(failures)


def is_success(response) -> bool:
    if response.status_code >= 400:
        return False
    location = response.headers.get("Location", "")
    return not (response.status_code in (301, 302, 303) and "/login" in location)


def login(client, email: str, password: str = DEFAULT_PASSWORD):
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(client, "/login")},
    )
    assert response.status_code == 302, f"login failed for {email}: {response.status_code}"
    return response
