"""A real SMTP server on a local port (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller

from tests.support.net import free_port


class Collector:
    """aiosmtpd handler: parse and keep every message."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"


def start_server() -> tuple[Controller, Collector]:
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, handler
