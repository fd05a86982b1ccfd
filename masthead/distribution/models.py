"""Where else readers can reach the site: mirror hostnames and the onion address.

Editors keep both in the admin. New mirrors keep coming because old ones get blocked, so a
mirror is a row with its own creation time (published in ``/mirrors.json`` as the
bypass-mirrors format expects), not a setting to overwrite.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

# A v3 onion service name (56 base32 characters), optionally with subdomains.
ONION_HOST = re.compile(r"^(?:[a-z0-9-]+\.)*[a-z2-7]{56}\.onion$")


def onion_host(value: str) -> str:
    """The host of what editors paste: ``http://abc….onion/page`` → ``abc….onion``."""
    value = re.sub(r"^https?://", "", value.strip().lower())
    return value.split("/", 1)[0]


def validate_onion_host(value: str) -> None:
    if not ONION_HOST.match(onion_host(value)):
        raise ValidationError(
            "Enter the onion host name only, e.g. "
            "'abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvw.onion' (56 characters "
            "before .onion, as Tor v3 addresses have)."
        )


def validate_mirror_url(value: str) -> None:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises for a port that is not a number or out of range
    except ValueError:  # "http://[::1": no address at all
        raise ValidationError(
            "Enter the address readers type, e.g. https://mirror.example.net"
        ) from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError("Enter the address readers type, e.g. https://mirror.example.net")
    if parts.query or parts.fragment:
        raise ValidationError("A mirror address has no query (?…) or fragment (#…).")


@register_setting(icon="globe")
class MirrorSettings(BaseGenericSetting):
    """The onion address. Pages announce it to Tor Browser (``onion-location``)."""

    onion_address = models.CharField(
        max_length=255,
        blank=True,
        validators=[validate_onion_host],
        help_text=(
            "Host name of the publication's onion service, without http://. Every page then "
            "tells Tor Browser where its onion copy is. Changing it re-renders the whole site."
        ),
    )

    panels = [FieldPanel("onion_address")]

    class Meta:
        verbose_name = "onion service"

    def clean(self) -> None:
        # Editors paste whole addresses; keep only the host.
        self.onion_address = onion_host(self.onion_address)
        super().clean()

    @property
    def onion_origin(self) -> str:
        return f"http://{self.onion_address}" if self.onion_address else ""


class Mirror(models.Model):
    """One alternative address of the site, as listed in ``/mirrors.json``."""

    class Proto(models.TextChoices):
        HTTPS = "https", "HTTPS"
        HTTP = "http", "HTTP"
        TOR = "tor", "Tor"
        IPFS = "ipfs", "IPFS"

    class Type(models.TextChoices):
        # The types the bypass-mirrors tools (browser extension, reporting API) know.
        MIRROR = "mirror", "Mirror (a copy or a CDN in front of the site)"
        EOTK = "eotk", "Onion (EOTK or own onion service)"
        IPFS = "ipfs", "IPFS gateway"

    url = models.CharField(
        "address",
        max_length=300,
        unique=True,
        validators=[validate_mirror_url],
        help_text="What readers type or click, e.g. https://d1abc.cloudfront.net",
    )
    proto = models.CharField(max_length=8, choices=Proto.choices, default=Proto.HTTPS)
    type = models.CharField(max_length=8, choices=Type.choices, default=Type.MIRROR)
    active = models.BooleanField(
        default=True,
        help_text="Untick when the mirror is blocked or retired; it leaves the published list.",
    )
    note = models.CharField(
        max_length=200, blank=True, help_text="For the team only (hosting, who set it up)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("url"),
        FieldPanel("proto"),
        FieldPanel("type"),
        FieldPanel("active"),
        FieldPanel("note"),
    ]

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.url

    def clean(self) -> None:
        self.url = self.url.strip()
        try:
            parts = urlsplit(self.url)
        except ValueError:
            return  # no address at all: the field's validator says so
        if parts.path in ("", "/"):
            self.url = f"{parts.scheme}://{parts.netloc}".lower()
        if parts.hostname and parts.hostname.endswith(".onion"):
            self.proto, self.type = self.Proto.TOR, self.Type.EOTK
