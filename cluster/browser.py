"""A person at a browser, scripted with ``requests``: pages through the proxy, forms posted
with the values the page shows (CSRF token included), and which instance answered each time
(HAProxy's ``X-Served-By``)."""

from __future__ import annotations

import uuid
from urllib.parse import urljoin

import lxml.html
import requests

PASSWORD = "Cofinancia-Demo-2026"  # every demo account's (README)


class Browser:
    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.session = requests.Session()
        self.served_by: list[str] = []
        self.request_ids: dict[str, str] = {}  # request id -> instance
        self.last_request_id = ""

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        request_id = self.last_request_id = uuid.uuid4().hex
        headers = {"X-Request-ID": request_id, **kwargs.pop("headers", {})}
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        response = self.session.request(method, urljoin(self.base, path), headers=headers, **kwargs)
        server = response.headers.get("X-Served-By", "?")
        self.served_by.append(server)
        self.request_ids[request_id] = server
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> requests.Response:
        return self.request("POST", path, data=data, **kwargs)

    def form(self, path: str, action_contains: str = "") -> tuple[str, dict[str, str]]:
        """The first form on ``path`` whose action contains ``action_contains``: its absolute
        action and the values a browser would send untouched (hidden fields, selected options,
        checked boxes)."""
        page = self.get(path)
        if page.status_code != 200:
            raise AssertionError(f"GET {path} answered {page.status_code}")
        return page_form(page, action_contains)

    def submit(self, path: str, changes: dict[str, str], action_contains: str = ""):
        action, values = self.form(path, action_contains)
        return self.post(action, {**values, **changes})

    def login(self, email: str, password: str = PASSWORD) -> requests.Response:
        return self.submit("/login", {"email": email, "password": password}, "/login")


def page_form(page: requests.Response, action_contains: str = "") -> tuple[str, dict[str, str]]:
    document = lxml.html.fromstring(page.text, base_url=page.url)
    for form in document.forms:
        action = form.action or page.url
        if action_contains in action:
            values = {k: v for k, v in form.form_values()}
            return urljoin(page.url, action), values
    raise AssertionError(f"no form with action containing {action_contains!r} on {page.url}")


def csrf_token(page: requests.Response) -> str:
    document = lxml.html.fromstring(page.text)
    tokens = document.xpath('//input[@name="csrf_token"]/@value')
    if not tokens:
        raise AssertionError(f"no csrf_token on {page.url}")
    return tokens[0]
