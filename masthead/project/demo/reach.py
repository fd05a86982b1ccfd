"""The demo's other ways in: an onion address and two mirrors, so that everything a blocked
reader meets (``onion-location``, ``/mirrors.json``, the mirror page the footer links to,
the mirror list in newsletters) can be seen in the demo and in its static copies.

The addresses are examples: the mirrors are on reserved ``example`` domains, and the onion
address is a well-formed v3 address (its checksum and version are right) whose key nobody
runs a service for.
"""

from __future__ import annotations

import base64
import hashlib

from masthead.distribution.models import Mirror, MirrorSettings

# base32(public key ‖ checksum ‖ version 3), the key derived from a fixed seed; see
# ``onion_v3_address`` and its test.
DEMO_ONION = "5pcgtevjr6qqkieocyqq76sdcispyzmbryp226iitolktkep5n3wsdad.onion"
# Oldest first: the list shows the newest first, as the least likely to be blocked yet.
DEMO_MIRRORS = [
    ("https://kelmar-courier.example.net", "Demo: a second domain on another registrar."),
    ("https://d3kelmar.cdn.example.org", "Demo: a CDN hostname in front of the static copy."),
]


def onion_v3_address(public_key: bytes) -> str:
    """The onion address of an ed25519 public key (Tor's rend-spec-v3, section 6)."""
    if len(public_key) != 32:
        raise ValueError("an ed25519 public key has 32 bytes")
    version = b"\x03"
    checksum = hashlib.sha3_256(b".onion checksum" + public_key + version).digest()[:2]
    return base64.b32encode(public_key + checksum + version).decode("ascii").lower() + ".onion"


def demo_reach_ensure() -> bool:
    """Set the example onion address and mirrors unless the demo has ways in already (an
    editor's own are kept). Returns whether anything was set."""
    onion = MirrorSettings.load()
    if onion.onion_address or Mirror.objects.exists():
        return False
    onion.onion_address = DEMO_ONION
    onion.full_clean()
    onion.save()
    for url, note in DEMO_MIRRORS:
        mirror = Mirror(url=url, note=note)
        mirror.full_clean()
        mirror.save()
    return True
