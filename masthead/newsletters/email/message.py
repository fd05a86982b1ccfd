"""The edition as one MIME message with holes, filled per recipient in microseconds.

The message is assembled once as a list of byte strings and holes (recipient, Message-ID,
Date, link token). Both body parts are quoted-printable with every line kept under 76
characters and no line starting with a dot, so a filled message can go straight into an SMTP
``DATA`` command (no dot-stuffing needed) and be DKIM-signed as is.
"""

from __future__ import annotations

import binascii
import hashlib
import secrets
import time
from dataclasses import dataclass
from email.header import Header
from email.utils import formatdate
from urllib.parse import quote, urlsplit

import dkim
from django.conf import settings

from masthead.newsletters.email.render import TOKEN_PLACEHOLDER, RenderedEdition

CRLF = b"\r\n"
# Holes in the template.
TO, MESSAGE_ID, DATE, TOKEN_HEADER, TOKEN_BODY = range(5)
QP_LINE = 74  # a token chunk plus "=" stays within the 76-character quoted-printable limit

SIGNED_HEADERS = [
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"list-id",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
    b"mime-version",
    b"content-type",
]


class DkimSigner:
    """Signs whole messages with the key configured by ``MASTHEAD_DKIM_*``."""

    def __init__(self, *, selector: str, domain: str, private_key: bytes):
        self.selector = selector.encode("ascii")
        self.domain = domain.encode("ascii")
        self.private_key = private_key

    @classmethod
    def from_settings(cls) -> DkimSigner | None:
        cfg = getattr(settings, "NEWSLETTER_DKIM", None)
        if not cfg:
            return None
        return cls(selector=cfg["selector"], domain=cfg["domain"], private_key=cfg["private_key"])

    def header(self, message: bytes) -> bytes:
        """The ``DKIM-Signature:`` header line (CRLF-terminated) for ``message``."""
        present = {
            line.split(b":", 1)[0].strip().lower()
            for line in message.split(CRLF + CRLF, 1)[0].split(CRLF)
            if line and not line[:1].isspace()
        }
        return dkim.sign(
            message,
            self.selector,
            self.domain,
            self.private_key,
            include_headers=[h for h in SIGNED_HEADERS if h in present],
            canonicalize=(b"relaxed", b"relaxed"),
            linesep=CRLF,
        )

    def sign(self, message: bytes) -> bytes:
        return self.header(message) + message


def _header(name: str, value: str) -> bytes:
    if value.isascii():
        return f"{name}: {value}".encode("ascii") + CRLF
    encoded = Header(value, "utf-8", header_name=name).encode(linesep="\r\n")
    return f"{name}: {encoded}".encode("ascii") + CRLF


def _address_header(name: str, display: str, address: str) -> bytes:
    if display.isascii():
        quoted = display.replace("\\", "\\\\").replace('"', '\\"')
        return f'{name}: "{quoted}" <{address}>'.encode("ascii") + CRLF
    encoded = Header(display, "utf-8").encode(linesep="\r\n")
    return f"{name}: {encoded} <{address}>".encode("ascii") + CRLF


def _qp(text: str) -> bytes:
    """Quoted-printable, CRLF line ends, and a leading dot encoded so no line starts with one."""
    data = binascii.b2a_qp(text.replace("\r\n", "\n").encode("utf-8"), istext=True)
    data = data.replace(b"\n", CRLF)
    data = data.replace(CRLF + b".", CRLF + b"=2E")
    if data.startswith(b"."):
        data = b"=2E" + data[1:]
    return data


def _qp_with_holes(text: str) -> list:
    """``text`` as quoted-printable pieces with a ``TOKEN_BODY`` hole for each placeholder.

    Each hole sits between soft line breaks, on a line of its own, so substituting the token
    never makes a line too long.
    """
    pieces = text.split(TOKEN_PLACEHOLDER)
    parts: list = []
    for index, piece in enumerate(pieces):
        encoded = _qp(piece)
        if index < len(pieces) - 1:
            parts.append(encoded + b"=" + CRLF)
            parts.append(TOKEN_BODY)
            parts.append(b"=" + CRLF)
        else:
            parts.append(encoded)
    return parts


def token_for_body(token: str) -> bytes:
    """The token as it goes into a quoted-printable body: split by soft breaks if long."""
    raw = token.encode("ascii")
    chunks = [raw[i : i + QP_LINE] for i in range(0, len(raw), QP_LINE)]
    chunks = [b"=2E" + c[1:] if c.startswith(b".") else c for c in chunks]
    return (b"=" + CRLF).join(chunks)


@dataclass(frozen=True)
class Personal:
    to: str
    message_id: str
    token: str


class MessageTemplate:
    """One edition, ready to be filled for each recipient."""

    def __init__(
        self,
        rendered: RenderedEdition,
        *,
        sender_name: str,
        unsubscribe_mailto: str,
        dkim_signer: DkimSigner | None = None,
    ):
        self.rendered = rendered
        self.dkim = dkim_signer
        self.unsubscribe_mailto = unsubscribe_mailto
        self.sender_address = rendered.sender_address
        self.domain = rendered.sender_address.rpartition("@")[2] or "localhost"
        boundary = "=_masthead_" + secrets.token_hex(12)
        unsubscribe_base = rendered.unsubscribe_base
        mailto = quote(unsubscribe_mailto, safe="@")
        parts: list = [
            _address_header("From", sender_name, rendered.sender_address),
            b"To: <",
            TO,
            b">" + CRLF,
            _header("Subject", rendered.subject),
            b"Date: ",
            DATE,
            CRLF,
            b"Message-ID: ",
            MESSAGE_ID,
            CRLF,
            _header("List-Id", rendered.list_id),
            f"List-Unsubscribe: <{unsubscribe_base}".encode("ascii"),
            TOKEN_HEADER,
            f"/>,{CRLF.decode()} <mailto:{mailto}?subject=unsubscribe%20".encode("ascii"),
            TOKEN_HEADER,
            b">" + CRLF,
            b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" + CRLF,
            b"Precedence: bulk" + CRLF,
            b"Auto-Submitted: auto-generated" + CRLF,
            b"MIME-Version: 1.0" + CRLF,
            f'Content-Type: multipart/alternative; boundary="{boundary}"'.encode("ascii") + CRLF,
            CRLF,
            f"--{boundary}".encode("ascii") + CRLF,
            b'Content-Type: text/plain; charset="utf-8"' + CRLF,
            b"Content-Transfer-Encoding: quoted-printable" + CRLF,
            CRLF,
            *_qp_with_holes(rendered.text),
            CRLF + f"--{boundary}".encode("ascii") + CRLF,
            b'Content-Type: text/html; charset="utf-8"' + CRLF,
            b"Content-Transfer-Encoding: quoted-printable" + CRLF,
            CRLF,
            *_qp_with_holes(rendered.html),
            CRLF + f"--{boundary}--".encode("ascii") + CRLF,
        ]
        # Merge neighbouring literals: fewer pieces to join per message.
        merged: list = []
        for part in parts:
            if isinstance(part, bytes) and merged and isinstance(merged[-1], bytes):
                merged[-1] += part
            else:
                merged.append(part)
        self.parts = merged
        self._date = (0, b"")

    def message_id(self, *, edition_id: int, delivery_id: int) -> str:
        """Deterministic: the same ledger row always carries the same Message-ID."""
        digest = hashlib.blake2s(
            f"{edition_id}.{delivery_id}".encode(),
            key=settings.SECRET_KEY.encode()[:32],
            digest_size=5,
        ).hexdigest()
        return f"<nl.{edition_id}.{delivery_id}.{digest}@{self.domain}>"

    def _now_header(self) -> bytes:
        second = int(time.time())
        if self._date[0] != second:
            self._date = (second, formatdate(second, usegmt=True).encode("ascii"))
        return self._date[1]

    def build(self, personal: Personal) -> bytes:
        values = {
            TO: personal.to.encode("ascii"),
            MESSAGE_ID: personal.message_id.encode("ascii"),
            DATE: self._now_header(),
            TOKEN_HEADER: personal.token.encode("ascii"),
            TOKEN_BODY: token_for_body(personal.token),
        }
        message = b"".join([p if isinstance(p, bytes) else values[p] for p in self.parts])
        if self.dkim is not None:
            message = self.dkim.sign(message)
        return message

    def headers_for_backend(self, personal: Personal) -> dict[str, str]:
        """The same list headers, for backends that build their own message (ESP APIs)."""
        base = self.rendered.unsubscribe_base
        return {
            "Message-ID": personal.message_id,
            "List-Id": self.rendered.list_id,
            "List-Unsubscribe": f"<{base}{personal.token}/>, <mailto:{self.unsubscribe_mailto}"
            f"?subject=unsubscribe%20{personal.token}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Precedence": "bulk",
            "Auto-Submitted": "auto-generated",
        }


def default_unsubscribe_mailto(sender_address: str) -> str:
    configured = getattr(settings, "NEWSLETTER_UNSUBSCRIBE_MAILTO", "")
    if configured:
        return configured
    return sender_address or f"unsubscribe@{urlsplit(settings.BASE_URL).hostname}"
