"""A real SMTP server for the tests (aiosmtpd on a free loopback port) that keeps every message
it receives, and reads them back: recipient, language, subject, text and links."""

from __future__ import annotations

import re
import socket
import threading
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import default

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    to: list[str]
    subject: str
    language: str
    text: str
    headers: dict[str, str]

    @property
    def links(self) -> list[str]:
        return re.findall(r"https?://\S+", self.text)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[Received] = []
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        parsed = message_from_bytes(envelope.original_content or envelope.content, policy=default)
        body = parsed.get_body(preferencelist=("plain",))
        received = Received(
            to=list(envelope.rcpt_tos), subject=str(parsed["Subject"]).strip(), language=str(parsed["Content-Language"]),
            text=body.get_content() if body is not None else "", headers={k: str(v) for k, v in parsed.items()},
        )
        with self._lock:
            self.messages.append(received)
        return "250 Message accepted"

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def restart(self) -> None:
        """Start again on the same port after stop(), keeping the messages received."""
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def to(self, address: str) -> list[Received]:
        with self._lock:
            return [m for m in self.messages if address in m.to]

    def config(self) -> dict:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_USE_TLS": False, "MAIL_USE_SSL": False,
                "MAIL_TIMEOUT": 5}
