"""Getting filled messages to the mail service: one small interface, two implementations.

The send engine (``services.sending``) talks to a ``Transport`` only; ``transport_for``
chooses one, once, from the configured mailer:

``SmtpTransport``
    For Django's SMTP backend (or a subclass). The backend opens and authenticates each
    connection (host, port, TLS, credentials from ``MAILERS``); this module then drives the
    SMTP dialogue itself, over ``concurrency`` pipelined connections in lockstep from one
    thread, so that it can record "handed over" for each message *between* writing its body
    and writing the final ``.`` that makes the server accept it.
``BackendTransport``
    Any other backend (django-anymail ESPs, console, file, locmem): one
    ``EmailMultiAlternatives`` per recipient over the backend's reused connection; "handed
    over" is recorded just before the API call, and errors are classified by whether the
    request can have reached the service (``backend_error_outcome``).
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Protocol

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

from masthead.newsletters.email.message import MessageTemplate, Personal

logger = logging.getLogger(__name__)


class HandOver(Protocol):
    """What a transport needs from the send ledger (``services.sending.Ledger``)."""

    def handed_over(self, delivery_id: int) -> bool:
        """Record, committed, that this one message is about to become deliverable; False
        when this worker no longer owns the row (then the message must not be finished)."""
        ...


# Outcome kinds.
SENT = "sent"  # the server accepted the message
TEMPORARY = "temporary"  # refused for now (4xx): not delivered, try again later
PERMANENT = "permanent"  # refused (5xx, or an API's 4xx): not delivered, do not try again
NOT_HANDED = "not_handed"  # failed before the message could be complete: nothing delivered
UNKNOWN = "unknown"  # the message may have been accepted, but no answer was received
LOST_CLAIM = "lost_claim"  # another worker owns the row now; this one did not send


@dataclass(frozen=True)
class Message:
    """One recipient's message, as the engine hands it to a transport."""

    delivery_id: int
    recipient: str
    personal: Personal


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    kind: str
    detail: str = ""
    suppress: bool = False  # the address itself was refused


class Transport(ABC):
    """The interface the send engine uses; see ``services.sending`` for the ledger's states.

    Contract of ``send_group``:

    - It returns exactly one ``Outcome`` per message, in any order.
    - For each message it calls ``ledger.handed_over(delivery_id)`` at the last moment before
      the message can become deliverable, one message at a time, and makes the message
      deliverable only if that returned True (otherwise: ``LOST_CLAIM``, nothing sent).
    - ``NOT_HANDED`` and ``TEMPORARY`` promise that the service did not take the message (it
      is sent again); anything that may have been taken without an answer is ``UNKNOWN``
      (never sent again automatically).
    - If it raises, nothing it left half-done may become deliverable later.
    """

    size: int = 1  # messages per group: what ``send_group`` takes at once

    def __init__(self, *, alias: str, template: MessageTemplate, envelope_sender: str):
        self.alias = alias
        self.template = template
        self.envelope_sender = envelope_sender

    def open(self) -> None:  # noqa: B027 - optional: transports may connect lazily
        """Prepare to send (connections may also be opened lazily, and reopened)."""

    @abstractmethod
    def send_group(self, messages: list[Message], ledger: HandOver) -> list[Outcome]: ...

    @abstractmethod
    def close(self) -> None: ...


def _reply_text(code: int, message: bytes | str) -> str:
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    return f"{code} {message}".strip()[:300]


# --- SMTP ------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class _Job:
    session: _Session
    delivery_id: int
    recipient: str
    body: bytes  # the complete message, dot-stuffed, ending in CRLF; the final dot not included


class SmtpTransport(Transport):
    """``size`` SMTP connections driven in lockstep; see the module docstring."""

    def __init__(
        self, *, alias: str, template: MessageTemplate, envelope_sender: str, concurrency: int
    ):
        super().__init__(alias=alias, template=template, envelope_sender=envelope_sender)
        self.sessions = [_Session(alias) for _ in range(max(1, concurrency))]
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

    def _step(self, jobs, outcomes, command, args, expect, stage):
        """Send one command on every connection, then read every answer."""
        sent = []
        for job in jobs:
            try:
                job.session.conn.putcmd(command, args(job))
                sent.append(job)
            except (OSError, smtplib.SMTPException) as exc:
                job.session.drop()
                outcomes.append(Outcome(job.delivery_id, NOT_HANDED, f"{stage}: {exc}"[:300]))
        still = []
        for job in sent:
            try:
                code, message = job.session.conn.getreply()
            except (OSError, smtplib.SMTPException) as exc:
                job.session.drop()
                outcomes.append(Outcome(job.delivery_id, NOT_HANDED, f"{stage}: {exc}"[:300]))
                continue
            if code in expect:
                still.append(job)
                continue
            text = f"{stage}: {_reply_text(code, message)}"
            if 500 <= code < 600 and stage != "MAIL":
                # Refused at RCPT: the address is bad. At DATA: this message, not the address.
                outcomes.append(Outcome(job.delivery_id, PERMANENT, text, suppress=stage == "RCPT"))
            else:
                outcomes.append(Outcome(job.delivery_id, TEMPORARY, text))
            self._reset(job.session)
        return still

    def _envelope(self, jobs: list[_Job], outcomes: list[Outcome]) -> list[_Job]:
        """MAIL, RCPT and DATA on every connection: in one write each where the server
        allows pipelining (RFC 2920), else one command at a time."""
        pipelined, stepwise = [], []
        for job in jobs:
            try:
                (pipelined if job.session.conn.has_extn("pipelining") else stepwise).append(job)
            except (OSError, smtplib.SMTPException) as exc:
                job.session.drop()
                outcomes.append(Outcome(job.delivery_id, NOT_HANDED, f"connect: {exc}"[:300]))
        sent = []
        for job in pipelined:
            commands = (
                f"MAIL FROM:<{self.envelope_sender}>\r\nRCPT TO:<{job.recipient}>\r\nDATA\r\n"
            )
            try:
                job.session.conn.send(commands.encode("ascii"))
                sent.append(job)
            except (OSError, smtplib.SMTPException) as exc:
                job.session.drop()
                outcomes.append(Outcome(job.delivery_id, NOT_HANDED, f"MAIL: {exc}"[:300]))
        ready = []
        for job in sent:
            try:
                replies = [job.session.conn.getreply() for _ in range(3)]
            except (OSError, smtplib.SMTPException) as exc:
                job.session.drop()
                outcomes.append(Outcome(job.delivery_id, NOT_HANDED, f"MAIL: {exc}"[:300]))
                continue
            failed = self._first_failure(job, replies, ("MAIL", "RCPT", "DATA"))
            if failed is None:
                ready.append(job)
                continue
            outcomes.append(failed)
            if replies[2][0] == 354:
                # The server accepted DATA after all: drop the connection, so that nothing
                # is delivered (the recipient was refused).
                job.session.drop()
            else:
                self._reset(job.session)
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

    def send_group(self, messages: list[Message], ledger: HandOver) -> list[Outcome]:
        """Up to ``size`` messages, one per connection.

        Every envelope and every body goes out first (nothing is deliverable yet: a server
        discards an unfinished message when its connection drops). Then, message by message:
        record the hand-over, write that message's final dot. At any moment at most one
        message is recorded as handed over without its dot written.
        """
        assert len(messages) <= self.size
        jobs = [
            _Job(session, m.delivery_id, m.recipient, self.template.build(m.personal))
            for session, m in zip(self.sessions, messages, strict=False)
        ]
        outcomes: list[Outcome] = []
        try:
            return self._send(jobs, ledger, outcomes)
        except BaseException:
            # A failure of the ledger (or an interrupt) with bodies on the wire: drop every
            # connection so no unfinished message is ever completed (QUIT on close would be
            # read as more body text, but a dropped connection discards it for certain).
            for job in jobs:
                job.session.drop()
            raise

    def _send(self, jobs: list[_Job], ledger: HandOver, outcomes: list[Outcome]) -> list[Outcome]:
        complete = []
        for job in self._envelope(jobs, outcomes):
            try:
                job.session.conn.send(job.body)
                complete.append(job)
            except (OSError, smtplib.SMTPException) as exc:
                job.session.drop()
                outcomes.append(Outcome(job.delivery_id, NOT_HANDED, f"DATA: {exc}"[:300]))
        finished = []
        for job in complete:
            # The commit point of this one message, as late as it can be: the next write
            # makes it deliverable. See services.sending for the window this leaves.
            if not ledger.handed_over(job.delivery_id):
                job.session.drop()
                outcomes.append(Outcome(job.delivery_id, LOST_CLAIM))
                continue
            try:
                job.session.conn.send(b".\r\n")
                finished.append(job)
            except (OSError, smtplib.SMTPException) as exc:
                job.session.drop()
                outcomes.append(Outcome(job.delivery_id, UNKNOWN, f"end of data: {exc}"[:300]))
        for job in finished:
            try:
                code, message = job.session.conn.getreply()
            except (OSError, smtplib.SMTPException) as exc:
                job.session.drop()
                outcomes.append(Outcome(job.delivery_id, UNKNOWN, f"end of data: {exc}"[:300]))
                continue
            if code == 250:
                outcomes.append(Outcome(job.delivery_id, SENT))
            elif 400 <= code < 500:
                outcomes.append(Outcome(job.delivery_id, TEMPORARY, _reply_text(code, message)))
            else:
                outcomes.append(Outcome(job.delivery_id, PERMANENT, _reply_text(code, message)))
        return outcomes


# --- Any other Django email backend ----------------------------------------------------------


class BackendTransport(Transport):
    """Any Django email backend: one message per recipient over a reused connection."""

    size = 1

    def __init__(self, *, alias: str, template: MessageTemplate, envelope_sender: str):
        super().__init__(alias=alias, template=template, envelope_sender=envelope_sender)
        self.backend = mail.mailers[alias]
        self._open = False

    def open(self) -> None:
        if not self._open:
            self.backend.open()
            self._open = True

    def close(self) -> None:
        if self._open:
            try:
                self.backend.close()
            finally:
                self._open = False

    def _message(self, personal: Personal) -> EmailMultiAlternatives:
        template = self.template
        html, text = template.rendered.personalise(personal.token)
        message = EmailMultiAlternatives(
            subject=template.rendered.subject,
            body=text,
            from_email=template.rendered.from_email,
            to=[personal.to],
            headers=template.headers_for_backend(personal),
        )
        message.attach_alternative(html, "text/html")
        # django-anymail: no open pixel, no click redirects, and a way back to the ledger row.
        message.track_opens = False
        message.track_clicks = False
        message.metadata = {"message_id": personal.message_id}
        return message

    def send_group(self, messages: list[Message], ledger: HandOver) -> list[Outcome]:
        self.open()
        outcomes = []
        for item in messages:
            message = self._message(item.personal)
            # An API call has no separate "end of data": the request itself is the point
            # after which the service may have the message.
            if not ledger.handed_over(item.delivery_id):
                outcomes.append(Outcome(item.delivery_id, LOST_CLAIM))
                continue
            try:
                count = self.backend.send_messages([message])
            except Exception as exc:  # noqa: BLE001 - each backend raises its own errors
                outcomes.append(backend_error_outcome(delivery_id=item.delivery_id, exc=exc))
                continue
            status = getattr(message, "anymail_status", None)  # set by anymail backends only
            statuses = set(getattr(status, "status", None) or [])
            if statuses & {"rejected", "invalid"}:
                outcomes.append(Outcome(item.delivery_id, PERMANENT, ",".join(statuses), True))
            elif count or statuses & {"sent", "queued"}:
                outcomes.append(Outcome(item.delivery_id, SENT))
            else:
                # The backend returned without an error and without a message sent: it
                # decided not to send (anymail's pre_send cancel, fail_silently).
                outcomes.append(Outcome(item.delivery_id, TEMPORARY, "the backend sent nothing"))
        return outcomes


def _requests_error_before_sending(exc: BaseException) -> bool | None:
    """For an error of the ``requests`` library: True when it happened before the request
    was written (connect timeout, refused, DNS, TLS handshake), False when after (read
    timeout, connection reset or aborted), None when it is not such an error."""
    try:
        import requests
    except ImportError:  # pragma: no cover - installed with anymail
        return None
    if not isinstance(exc, requests.RequestException):
        return None
    if isinstance(exc, requests.exceptions.ConnectTimeout | requests.exceptions.SSLError):
        return True
    if isinstance(exc, requests.exceptions.Timeout):
        return False  # ReadTimeout: the request was sent, the answer did not come
    if isinstance(exc, requests.exceptions.ConnectionError):
        # urllib3 wraps a failure to open the connection (refused, DNS) in a
        # NewConnectionError / NameResolutionError, usually inside MaxRetryError; anything
        # else (ProtocolError "Connection aborted", RemoteDisconnected, a reset) came after.
        reason = exc.args[0] if exc.args else None
        reason = getattr(reason, "reason", reason)
        try:
            from urllib3.exceptions import NewConnectionError
        except ImportError:  # pragma: no cover - a dependency of requests
            return False
        return isinstance(reason, NewConnectionError) or isinstance(
            exc.__context__ or exc.__cause__, NewConnectionError
        )
    return False


def backend_error_outcome(*, delivery_id: int, exc: BaseException) -> Outcome:
    """Classify an exception of ``send_messages`` by whether the service can have the message.

    - Failed before the request was written (connection refused, DNS, TLS, connect
      timeout): ``NOT_HANDED`` — nothing reached the service, it is sent again (the engine
      backs off when every attempt fails).
    - The request was written but no usable answer came (read timeout, connection reset, an
      HTTP 5xx, an unreadable 2xx): ``UNKNOWN`` — the service may be delivering it; never
      sent again automatically, reported *unconfirmed*.
    - The service refused it (HTTP 4xx, refused recipients, an invalid message built before
      sending): ``PERMANENT`` — except 401/403/408/429 (credentials, time-out, rate limit),
      which refuse *now*: ``TEMPORARY``, retried with backoff.
    """
    from anymail.exceptions import (
        AnymailAPIError,
        AnymailError,
        AnymailInvalidAddress,
        AnymailRecipientsRefused,
        AnymailSerializationError,
        AnymailUnsupportedFeature,
    )

    detail = f"{type(exc).__name__}: {exc}"[:300]
    if isinstance(exc, AnymailRecipientsRefused | smtplib.SMTPRecipientsRefused):
        return Outcome(delivery_id, PERMANENT, detail, suppress=True)
    if isinstance(
        exc, AnymailInvalidAddress | AnymailUnsupportedFeature | AnymailSerializationError
    ):
        return Outcome(delivery_id, PERMANENT, detail)  # raised while building the request
    # anymail raises AnymailRequestsAPIError *from* the requests error, as a class that is
    # both (its own arguments are only a text): the cause tells, then the exception itself.
    for candidate in (exc.__cause__, exc):
        before = None if candidate is None else _requests_error_before_sending(candidate)
        if before is not None and getattr(exc, "status_code", None) is None:
            return Outcome(delivery_id, NOT_HANDED if before else UNKNOWN, detail)
    status = getattr(exc, "status_code", None)
    if isinstance(exc, AnymailError) and status is not None:
        if status in (401, 403, 408, 429):
            return Outcome(delivery_id, TEMPORARY, detail)
        if 400 <= status < 500:
            return Outcome(delivery_id, PERMANENT, detail)
        # 5xx: the service failed while handling it and may have queued it; 2xx with an
        # unreadable answer: it probably took it.
        return Outcome(delivery_id, UNKNOWN, detail)
    if isinstance(exc, ConnectionRefusedError | socket.gaierror):
        return Outcome(delivery_id, NOT_HANDED, detail)
    if isinstance(exc, AnymailAPIError):
        return Outcome(delivery_id, UNKNOWN, detail)  # an ESP error without a status
    # Anything else: we cannot tell whether the service has the message, so it is not
    # sent again (never two copies); it is reported for an editor to decide.
    return Outcome(delivery_id, UNKNOWN, detail)


def transport_for(
    *, alias: str, concurrency: int, template: MessageTemplate, envelope_sender: str
) -> Transport:
    """The transport for the configured mailer, chosen once per send."""
    if isinstance(mail.mailers[alias], SmtpBackend):
        return SmtpTransport(
            alias=alias,
            template=template,
            envelope_sender=envelope_sender,
            concurrency=concurrency,
        )
    return BackendTransport(alias=alias, template=template, envelope_sender=envelope_sender)
