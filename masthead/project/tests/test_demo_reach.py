"""The demo shows its reach: an example onion address and two mirrors, announced on every page
(``onion-location``, the footer's "If this site is blocked"), in ``/mirrors.json`` and in the
newsletter. (Its static copies: ``distribution/tests/test_complete_copies.py``.)"""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from masthead.distribution.models import Mirror, MirrorSettings, validate_onion_host
from masthead.newsletters.email.render import edition_render
from masthead.newsletters.tests import factories as newsletters
from masthead.project.demo.reach import (
    DEMO_MIRRORS,
    DEMO_ONION,
    demo_reach_ensure,
    onion_v3_address,
)

pytestmark = pytest.mark.django_db


def test_the_example_onion_address_is_a_well_formed_v3_address():
    validate_onion_host(DEMO_ONION)
    raw = base64.b32decode(DEMO_ONION.removesuffix(".onion").upper())
    key, checksum, version = raw[:32], raw[32:34], raw[34:]
    assert version == b"\x03"
    assert checksum == hashlib.sha3_256(b".onion checksum" + key + version).digest()[:2]
    Ed25519PublicKey.from_public_bytes(key)  # a key Tor would accept the length of
    assert onion_v3_address(key) == DEMO_ONION
    with pytest.raises(ValueError):
        onion_v3_address(key[:31])


def test_demo_sets_its_ways_in_once_and_every_page_announces_them(client):
    assert demo_reach_ensure() is True
    assert MirrorSettings.load().onion_address == DEMO_ONION
    assert demo_reach_ensure() is False  # run again: nothing added
    assert Mirror.objects.count() == len(DEMO_MIRRORS)

    listed = json.loads(client.get("/mirrors.json").content)["available_alternatives"]
    newest_first = [url for url, _note in reversed(DEMO_MIRRORS)]
    assert [a["url"] for a in listed] == [f"http://{DEMO_ONION}", *newest_first]
    page = client.get("/mirrors/").content.decode()
    assert f'<meta http-equiv="onion-location" content="http://{DEMO_ONION}/mirrors/">' in page
    assert '<a href="/mirrors/">If this site is blocked</a>' in page  # the footer's link
    assert f"<code>http://{DEMO_ONION}</code>" in page
    for url in newest_first:
        assert f'<a href="{url}/" rel="nofollow">{url}</a>' in page

    weekly = newsletters.newsletter(slug="friday")
    rendered = edition_render(edition=newsletters.edition(newsletter=weekly))
    assert f"Tor Browser: http://{DEMO_ONION}" in rendered.text
    assert f"On our mirror: {newest_first[0]}/" in rendered.text


def test_an_editors_own_ways_in_are_kept():
    Mirror.objects.create(url="https://ours.example.net")
    assert demo_reach_ensure() is False
    assert MirrorSettings.load().onion_address == ""
    assert list(Mirror.objects.values_list("url", flat=True)) == ["https://ours.example.net"]
