"""Getting filled messages to the mail service, through Django's email backends.

Two transports, chosen by the configured backend:

``SmtpTransport``
    For Django's SMTP backend (or a subclass). The backend opens and authenticates each
    connection (host, port, TLS, credentials from ``MAILERS``); this module then drives the
    SMTP dialogue itself, over ``concurrency`` connections in lockstep from one thread, so
    that it can record "handed over" in the ledger *between* sending the message body and
    the final ``.`` that makes the server accept it. See ``services.sending`` for why.
``BackendTransport``
    Any other backend (django-anymail ESPs, console, file, locmem): one
    ``EmailMultiAlternatives`` per recipient over the backend's reused connection.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

logger = logging.getLogger(__name__)


class Ledger(Protocol):
    """What a transport needs from the send ledger (``services.sending.Ledger``)."""

    def handed_over(self, delivery_ids: list[int]) -> set[int]: ...

    def after_hand_over(self) -> None: ...


# Outcome kinds.
SENT = "sent"  # the server accepted the message
TEMPORARY = "temporary"  # a 4xx answer: not delivered, try again later
PERMANENT = "permanent"  # a 5xx answer: not delivered, do not try again
NOT_HANDED = "not_handed"  # the connection failed before the message was complete
UNKNOWN = "unknown"  # the message was complete but the server's answer was lost
LOST_CLAIM = "lost_claim"  # another worker owns the row now; this one did not send


@dataclass(frozen=True)
class Job:
    delivery_id: int
    recipient: str
    message: bytes | None = None  # SMTP: the complete message
    build: Callable[[], EmailMultiAlternatives] | None = None  # other backends


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    kind: str
    detail: str = ""
    suppress: bool = False  # the address itself was refused


def _reply_text(code: int, message: bytes | str) -> str:
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    return f"{code} {message}".strip()[:300]


class _Session:
    def __init__(self, alias: str):
        self.alias = alias
        self.backend: SmtpBackend | None = None

    @property
    def conn(self) -> smtplib.SMTP:
        if self.backend is None or self.backend.connection is None:
            self.backend = mail.mailers[self.alias]
            self.backend.open()
            connection = self.backend.connection
            connection.ehlo_or_helo_if_needed()
            # Commands and the final dot are small writes that must leave at once: without
            # this, Nagle's algorithm holds each behind the previous write's ACK (~40 ms).
            if isinstance(connection.sock, socket.socket):
                connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.backend.connection

    def drop(self) -> None:
        """Close without QUIT: a transaction in progress must be abandoned, not completed."""
        if self.backend is not None and self.backend.connection is not None:
            with contextlib.suppress(OSError):
                self.backend.connection.close()
            self.backend.connection = None
        self.backend = None

    def close(self) -> None:
        if self.backend is not None:
            try:
                self.backend.close()
            except (OSError, smtplib.SMTPException):
                self.drop()
            self.backend = None


class SmtpTransport:
    """``size`` SMTP connections driven in lockstep; see the module docstring."""

    def __init__(self, *, alias: str, size: int, envelope_sender: str):
        self.sessions = [_Session(alias) for _ in range(max(1, size))]
        self.envelope_sender = envelope_sender
        self.size = len(self.sessions)

    def close(self) -> None:
        for session in self.sessions:
            session.close()

    def _reset(self, session: _Session) -> None:
        try:
            session.conn.putcmd("rset")
            session.conn.getreply()
        except (OSError, smtplib.SMTPException):
            session.drop()

    def _step(self, pairs, outcomes, command, args, expect, stage):
        """Send one command on every connection, then read every answer."""
        sent = []
        for session, job in pairs:
            try:
                session.conn.putcmd(command, args(job))
                sent.append((session, job))
            except (OSError, smtplib.SMTPException) as exc:
                session.drop()
                outcomes.append(Outcome(job.delivery_id, NOT_HANDED, f"{stage}: {exc}"[:300]))
        still = []
        for session, job in sent:
            try:
                code, message = session.conn.getreply()
            except (OSError, smtplib.SMTPException) as exc:
                session.drop()
                outcomes.append(Outcome(job.delivery_id, NOT_HANDED, f"{stage}: {exc}"[:300]))
                continue
            if code in expect:
                still.append((session, job))
                continue
            text = f"{stage}: {_reply_text(code, message)}"
            if 500 <= code < 600 and stage != "MAIL":
                # Refused at RCPT: the address is bad. At DATA: this message, not the address.
                outcomes.append(Outcome(job.delivery_id, PERMANENT, text, suppress=stage == "RCPT"))
            else:
                outcomes.append(Outcome(job.delivery_id, TEMPORARY, text))
            self._reset(session)
        return still

    def _envelope(self, pairs, outcomes):
        """MAIL, RCPT and DATA on every connection: in one write each where the server
        allows pipelining (RFC 2920), else one command at a time."""
        pipelined, stepwise = [], []
        for session, job in pairs:
            try:
                (pipelined if session.conn.has_extn("pipelining") else stepwise).append(
                    (session, job)
                )
            except (OSError, smtplib.SMTPException) as exc:
                session.drop()
                outcomes.append(Outcome(job.delivery_id, NOT_HANDED, f"connect: {exc}"[:300]))
        sent = []
        for session, job in pipelined:
            commands = (
                f"MAIL FROM:<{self.envelope_sender}>\r\nRCPT TO:<{job.recipient}>\r\nDATA\r\n"
            )
            try:
                session.conn.send(commands.encode("ascii"))
                sent.append((session, job))
            except (OSError, smtplib.SMTPException) as exc:
                session.drop()
                outcomes.append(Outcome(job.delivery_id, NOT_HANDED, f"MAIL: {exc}"[:300]))
        ready = []
        for session, job in sent:
            try:
                replies = [session.conn.getreply() for _ in range(3)]
            except (OSError, smtplib.SMTPException) as exc:
                session.drop()
                outcomes.append(Outcome(job.delivery_id, NOT_HANDED, f"MAIL: {exc}"[:300]))
                continue
            failed = self._first_failure(job, replies, ("MAIL", "RCPT", "DATA"))
            if failed is None:
                ready.append((session, job))
                continue
            outcomes.append(failed)
            if replies[2][0] == 354:
                # The server accepted DATA after all: end it empty, nothing is delivered
                # because the recipient was refused.
                session.drop()
            else:
                self._reset(session)
        if stepwise:
            stepwise = self._step(
                stepwise,
                outcomes,
                "mail",
                lambda j: f"FROM:<{self.envelope_sender}>",
                (250,),
                "MAIL",
            )
            stepwise = self._step(
                stepwise, outcomes, "rcpt", lambda j: f"TO:<{j.recipient}>", (250, 251), "RCPT"
            )
            stepwise = self._step(stepwise, outcomes, "data", lambda j: "", (354,), "DATA")
        return ready + stepwise

    @staticmethod
    def _first_failure(job, replies, stages) -> Outcome | None:
        expected = ((250,), (250, 251), (354,))
        for (code, message), stage, ok in zip(replies, stages, expected, strict=True):
            if code in ok:
                continue
            text = f"{stage}: {_reply_text(code, message)}"
            if 500 <= code < 600 and stage != "MAIL":
                return Outcome(job.delivery_id, PERMANENT, text, suppress=stage == "RCPT")
            return Outcome(job.delivery_id, TEMPORARY, text)
        return None

    def send(self, jobs: list[Job], ledger: Ledger) -> list[Outcome]:
        """Send up to ``size`` messages, one per connection.

        ``ledger.handed_over(delivery_ids)`` is called once the bodies are on the wire and
        before the final dots; it records the hand-over and returns the ids this worker may
        finish. For any other id the connection is dropped (the server discards an
        unfinished message) instead of finishing it. ``ledger.after_hand_over()`` follows
        the dots.
        """
        assert len(jobs) <= self.size
        outcomes: list[Outcome] = []
        pairs = self._envelope(list(zip(self.sessions, jobs, strict=False)), outcomes)
        complete = []
        for session, job in pairs:
            try:
                session.conn.send(job.message)
                complete.append((session, job))
            except (OSError, smtplib.SMTPException) as exc:
                session.drop()
                outcomes.append(Outcome(job.delivery_id, NOT_HANDED, f"DATA: {exc}"[:300]))
        if not complete:
            return outcomes
        # The commit point. Everything before it is undone by a dropped connection; from here
        # to the last dot is the window described in services.sending.
        owned = ledger.handed_over([job.delivery_id for _, job in complete])
        handed = []
        for session, job in complete:
            if job.delivery_id not in owned:
                session.drop()
                outcomes.append(Outcome(job.delivery_id, LOST_CLAIM))
                continue
            try:
                session.conn.send(b".\r\n")
                handed.append((session, job))
            except (OSError, smtplib.SMTPException) as exc:
                session.drop()
                outcomes.append(Outcome(job.delivery_id, UNKNOWN, f"end of data: {exc}"[:300]))
        ledger.after_hand_over()
        for session, job in handed:
            try:
                code, message = session.conn.getreply()
            except (OSError, smtplib.SMTPException) as exc:
                session.drop()
                outcomes.append(Outcome(job.delivery_id, UNKNOWN, f"end of data: {exc}"[:300]))
                continue
            if code == 250:
                outcomes.append(Outcome(job.delivery_id, SENT))
            elif 400 <= code < 500:
                outcomes.append(Outcome(job.delivery_id, TEMPORARY, _reply_text(code, message)))
            else:
                outcomes.append(Outcome(job.delivery_id, PERMANENT, _reply_text(code, message)))
        return outcomes


class BackendTransport:
    """Any Django email backend: one message per recipient over a reused connection."""

    def __init__(self, *, alias: str, size: int = 1):
        self.alias = alias
        self.backend = mail.mailers[alias]
        self.size = 1
        self._open = False

    def close(self) -> None:
        if self._open:
            try:
                self.backend.close()
            finally:
                self._open = False

    def send(self, jobs: list[Job], ledger: Ledger) -> list[Outcome]:
        outcomes = []
        if not self._open:
            self.backend.open()
            self._open = True
        for job in jobs:
            message = job.build()
            # An API call has no separate "end of data": record before it, collect at once.
            owned = job.delivery_id in ledger.handed_over([job.delivery_id])
            ledger.after_hand_over()
            if not owned:
                outcomes.append(Outcome(job.delivery_id, LOST_CLAIM))
                continue
            try:
                count = self.backend.send_messages([message])
            except Exception as exc:  # noqa: BLE001 - each ESP raises its own errors
                outcomes.append(self._classify(job, exc))
                continue
            status = getattr(message, "anymail_status", None)
            statuses = set(getattr(status, "status", None) or [])
            if statuses & {"rejected", "invalid"}:
                outcomes.append(Outcome(job.delivery_id, PERMANENT, ",".join(statuses), True))
            elif count or statuses & {"sent", "queued"}:
                outcomes.append(Outcome(job.delivery_id, SENT))
            else:
                outcomes.append(Outcome(job.delivery_id, TEMPORARY, "the backend sent nothing"))
        return outcomes

    @staticmethod
    def _classify(job: Job, exc: Exception) -> Outcome:
        name = type(exc).__name__
        detail = f"{name}: {exc}"[:300]
        if name == "AnymailRecipientsRefused":
            return Outcome(job.delivery_id, PERMANENT, detail, suppress=True)
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            return Outcome(job.delivery_id, PERMANENT, detail, suppress=True)
        # An API error came back: the service answered, so it did not take the message.
        return Outcome(job.delivery_id, TEMPORARY, detail)


def transport_for(*, alias: str, concurrency: int, envelope_sender: str):
    backend = mail.mailers[alias]
    if isinstance(backend, SmtpBackend):
        return SmtpTransport(alias=alias, size=concurrency, envelope_sender=envelope_sender)
    return BackendTransport(alias=alias)
