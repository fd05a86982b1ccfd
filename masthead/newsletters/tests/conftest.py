"""Real parts for newsletter tests: an SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it
receives, and the mailers pointed at it."""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import threading
import time
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)

    def part(self, content_type: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                return part.get_content()
        raise AssertionError(f"no {content_type} part")


@dataclass
class SmtpSink:
    """What the server received, and how it should answer particular recipients."""

    host: str
    port: int
    messages: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # recipient -> "550 …" / "451 …"
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [m for m in self.messages if address in m.recipients]

    def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.02)
        raise AssertionError(f"expected {count} messages, got {len(self.messages)}")

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.sink.refuse.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.sink.lock:
            self.sink.messages.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
            )
        return "250 Message accepted for delivery"


# aiosmtpd logs every command at INFO: far too much for a test run.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_smtp_sink() -> tuple[SmtpSink, Controller]:
    sink = SmtpSink(host="127.0.0.1", port=free_port())
    controller = Controller(
        _Handler(sink),
        hostname=sink.host,
        port=sink.port,
        data_size_limit=10_000_000,
        # Keep the bytes exactly as sent: DKIM signatures are checked on them.
        decode_data=False,
        server_hostname="sink.test",
    )
    controller.start()
    return sink, controller


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on 127.0.0.1; every mailer sends to it."""
    sink, controller = start_smtp_sink()
    mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": sink.host, "port": sink.port, "timeout": 10},
    }
    settings.MAILERS = {"default": dict(mailer), "newsletters": dict(mailer)}
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def newsletter_settings(settings):
    """Tasks run at once (where the test commits), public forms come from the test origin."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.NEWSLETTER_RETRY_DELAYS = [60, 300]
    cache.clear()
    yield
    cache.clear()


def pytest_configure(config):
    # The demo publication server and the browser (shared with other apps' browser tests).
    config.pluginmanager.import_plugin("masthead.project.tests.demo_server")
