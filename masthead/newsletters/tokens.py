"""Signed links in emails: confirmation (expiring, single use) and unsubscribe (lasting).

Both are ``django.core.signing`` values, keyed by the subscriber's random ``key``: a link
never carries the reader's address. Unsubscribe tokens contain only URL-, HTML- and
quoted-printable-safe characters (hex, digits, ``.``, ``:``, ``-``, ``_``), so the send
engine can substitute them into an already encoded message.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from masthead.core.numbers import whole_number

CONFIRM_SALT = "masthead.newsletters.confirm"
UNSUBSCRIBE_SALT = "masthead.newsletters.unsubscribe"


class TokenInvalid(Exception):
    """The link was altered, or was never one of ours."""


class TokenExpired(Exception):
    """The link was ours but is too old."""


@dataclass(frozen=True)
class ConfirmClaim:
    subscriber_key: str
    nonce: str


@dataclass(frozen=True)
class ListClaim:
    subscriber_key: str
    newsletter_id: int


def confirm_token_make(*, subscriber_key: str, nonce: str) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(f"{subscriber_key}.{nonce}")


def confirm_token_read(token: str) -> ConfirmClaim:
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            token, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE
        )
    except signing.SignatureExpired:
        raise TokenExpired from None
    except signing.BadSignature:
        raise TokenInvalid from None
    key, _, nonce = value.partition(".")
    if not key or not nonce:
        raise TokenInvalid
    return ConfirmClaim(subscriber_key=key, nonce=nonce)


def _list_signer() -> signing.Signer:
    return signing.Signer(salt=UNSUBSCRIBE_SALT)


def list_token_make(*, subscriber_key: str, newsletter_id: int) -> str:
    """A lasting token for one reader on one list: one-click unsubscribe and the manage page."""
    return _list_signer().sign(f"{subscriber_key}.{newsletter_id}")


def list_token_read(token: str) -> ListClaim:
    try:
        value = _list_signer().unsign(token)
    except signing.BadSignature:
        raise TokenInvalid from None
    key, _, raw_id = value.partition(".")
    newsletter_id = whole_number(raw_id)
    if not key or newsletter_id is None:
        raise TokenInvalid
    return ListClaim(subscriber_key=key, newsletter_id=newsletter_id)
