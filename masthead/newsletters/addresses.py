"""What counts as an email address here, and its one stored spelling."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext

from masthead.newsletters.models import EMAIL_MAX_LENGTH


def address_normalize(raw: str) -> str:
    """The address as stored: trimmed, lower case, the domain in ASCII (IDNA).

    Raises ``ValidationError`` with a message a reader can act on.
    """
    value = (raw or "").strip()
    if not value:
        raise ValidationError(gettext("Enter your email address."), code="required")
    if len(value) > EMAIL_MAX_LENGTH:
        raise ValidationError(
            gettext("An email address has at most %(limit_value)d characters.")
            % {"limit_value": EMAIL_MAX_LENGTH},
            code="too_long",
        )
    if any(c in value for c in "\r\n\x00") or any(c.isspace() for c in value):
        raise ValidationError(gettext("An email address cannot contain spaces."), code="invalid")
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        raise ValidationError(
            gettext("Enter an email address like name@example.org."), code="invalid"
        )
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(
            gettext("The part after @ is not a valid domain."), code="invalid"
        ) from None
    value = f"{local}@{domain}".lower()
    if not local.isascii():
        raise ValidationError(
            gettext("Addresses with non-Latin letters before the @ are not supported yet."),
            code="invalid",
        )
    if len(value) > EMAIL_MAX_LENGTH:
        raise ValidationError(
            gettext("An email address has at most %(limit_value)d characters.")
            % {"limit_value": EMAIL_MAX_LENGTH},
            code="too_long",
        )
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(
            gettext("Enter an email address like name@example.org."), code="invalid"
        ) from None
    return value
