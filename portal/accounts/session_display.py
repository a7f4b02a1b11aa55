"""How a session is shown to people: the device (browser and system, read from the user agent
with ``ua-parser``) and the approximate place of its address.

Loopback and private addresses are "this computer or local network"; a public address is shown
as it is, preceded by its city and country when ``GEOIP_DATABASE`` names a MaxMind-format
database (``.mmdb``, read with ``maxminddb``). Nothing here is exact: it helps a person recognise
their own sessions, nothing more.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from portal.accounts import sessions
from portal.accounts.session_models import UserSession
from portal.core.db import now_utc

log = logging.getLogger("portal.accounts.sessions")


@dataclass(frozen=True)
class Agent:
    browser: str  # "Firefox 128", "" when unknown
    system: str  # "Windows 10", "" when unknown


def _version(part, depth: int = 1) -> str:
    numbers = [n for n in (part.major, part.minor)[:depth] if n]
    return f"{part.family} {'.'.join(numbers)}".strip() if numbers else part.family


@lru_cache(maxsize=512)
def parse_agent(user_agent: str) -> Agent:
    """Browser and operating system of a user agent string (empty strings when unknown)."""
    if not user_agent:
        return Agent("", "")
    from ua_parser import parse

    result = parse(user_agent)
    browser = _version(result.user_agent) if result.user_agent else ""
    system = _version(result.os) if result.os else ""
    if browser == "Other":
        browser = ""
    if system == "Other":
        system = ""
    return Agent(browser, system)


def describe_agent(user_agent: str) -> str:
    """ "Firefox 128 on Windows 10", "Safari on iOS 17", or "Unknown browser"."""
    agent = parse_agent(user_agent or "")
    if agent.browser and agent.system:
        return _("%(browser)s on %(system)s", browser=agent.browser, system=agent.system)
    return agent.browser or agent.system or _("Unknown browser")


def is_local(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private or ip.is_link_local


def describe_place(address: str) -> str:
    """ "This computer or local network", "Guadalajara, Mexico (189.203.0.10)", or the address."""
    if not address:
        return _("Unknown address")
    if is_local(address):
        return _("This computer or local network")
    city = _city_of(address)
    return f"{city} ({address})" if city else address


def _city_of(address: str) -> str:
    path = current_app.config.get("GEOIP_DATABASE") or ""
    if not path:
        return ""
    reader = _reader(path)
    if reader is None:
        return ""
    try:
        record = reader.get(address)
    except ValueError:
        return ""
    return _place_name(record or {})


def _place_name(record: dict) -> str:
    """ "City, Country" from a GeoIP2/GeoLite2 City (or Country) record, in the page's language
    when the database has it (English otherwise)."""
    language = str(get_locale() or "es")[:2]

    def name(part: str) -> str:
        names = (record.get(part) or {}).get("names") or {}
        return names.get(language) or names.get("en") or ""

    return ", ".join(n for n in (name("city"), name("country")) if n)


@lru_cache(maxsize=4)
def _reader(path: str):
    """The opened database (once per process), or None when it cannot be read."""
    try:
        import maxminddb

        return maxminddb.open_database(path)
    except (ImportError, OSError, ValueError, RuntimeError) as exc:  # InvalidDatabaseError
        log.warning("GEOIP_DATABASE %s cannot be read: %s", path, exc)
        return None


def session_rows(user, current: UserSession | None) -> list[dict]:
    """What the page shows of each live session of ``user``, this browser's first."""
    rows = [
        {
            "session": row,
            "device": describe_agent(row.user_agent),
            "place": describe_place(row.ip_address),
            "current": current is not None and row.id == current.id,
        }
        for row in sessions.live_sessions(user, now_utc())
    ]
    return sorted(rows, key=lambda r: not r["current"])  # stable: otherwise by last seen
