"""Who may read /metrics: a bearer token (``METRICS_TOKEN``) or a listed address
(``METRICS_ALLOWED_ADDRESSES``). Anyone else, and everyone when neither is set, gets a 404: the
page is not advertised."""

from __future__ import annotations

import hmac
import ipaddress
import logging
from functools import lru_cache

from flask import current_app, request

from portal.core.requests import client_ip

log = logging.getLogger("portal.ops")


def may_read_metrics() -> bool:
    config = current_app.config
    return _has_token(config.get("METRICS_TOKEN") or "") or _from_allowed_address(
        config.get("METRICS_ALLOWED_ADDRESSES") or ""
    )


def _has_token(token: str) -> bool:
    if not token:
        return False
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def _from_allowed_address(setting: str) -> bool:
    networks = allowed_networks(setting)
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(client_ip() or "")
    except ValueError:
        return False
    return any(address in network for network in networks)


@lru_cache(maxsize=8)
def allowed_networks(setting: str) -> tuple:
    """``"127.0.0.1, 10.0.0.0/8"`` as networks; an entry that is not one is logged and skipped."""
    networks = []
    for entry in filter(None, (part.strip() for part in setting.split(","))):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            log.warning("METRICS_ALLOWED_ADDRESSES: %r is not an address or network", entry)
    return tuple(networks)
