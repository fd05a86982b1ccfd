"""The anonymous counters: what browsers may report, what they may not, and the hook that
attributes contributions to the variant that brought them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import DatabaseError

from masthead.appeals import services
from masthead.appeals.models import VariantCounter, VariantRevenue
from masthead.appeals.tests import factories
from masthead.core import throttle

pytestmark = pytest.mark.django_db

ORIGIN = "https://news.example.org"  # MASTHEAD_BASE_URL in tests


def send(client, data, **headers):
    headers.setdefault("HTTP_ORIGIN", ORIGIN)
    return client.post("/appeals/count", data, **headers)


def counter(appeal, key):
    return VariantCounter.objects.filter(variant__appeal=appeal, variant__key=key).first()


def test_each_event_moves_its_own_counter_for_its_variant_only(client):
    appeal = factories.appeal()
    for event in ("view", "view", "view", "click", "snooze", "dismiss"):
        response = send(client, {"e": event, "a": appeal.pk, "v": "b"})
        assert response.status_code == 204, response.content
    b = counter(appeal, "b")
    assert (b.views, b.clicks, b.snoozes, b.dismissals) == (3, 1, 1, 1)
    assert counter(appeal, "a") is None


def test_beacon_body_as_browsers_send_it(client):
    appeal = factories.appeal()
    response = client.generic(
        "POST",
        "/appeals/count",
        f"e=view&a={appeal.pk}&v=a",
        content_type="application/x-www-form-urlencoded;charset=UTF-8",
        HTTP_ORIGIN=ORIGIN,
    )
    assert response.status_code == 204
    assert counter(appeal, "a").views == 1


def test_nothing_about_the_reader_is_stored():
    """Only the three counters tables exist; none has a column that could hold a reader."""
    for model in (VariantCounter, VariantRevenue):
        names = {f.name for f in model._meta.get_fields()}
        assert not names & {"ip", "address", "user", "email", "session", "cookie", "user_agent"}


@pytest.mark.parametrize(
    "data, reason",
    [
        ({}, "e must be"),
        ({"e": "purchase", "a": "1", "v": "a"}, "e must be"),
        ({"e": "view", "a": "x", "v": "a"}, "appeal id"),
        ({"e": "view", "a": "0", "v": "a"}, "appeal id"),
        ({"e": "view", "a": "-1", "v": "a"}, "appeal id"),
        ({"e": "view", "a": "1" * 12, "v": "a"}, "appeal id"),
        ({"e": "view", "a": "1", "v": "A"}, "variant key"),
        ({"e": "view", "a": "1", "v": "a b"}, "variant key"),
        ({"e": "view", "a": "1", "v": "<script>"}, "variant key"),
        ({"e": "view", "a": "1", "v": ""}, "variant key"),
        ({"e": ["view", "click"], "a": "1", "v": "a"}, "e must be"),
    ],
)
def test_malformed_events_get_400_with_a_reason(client, data, reason):
    response = send(client, data)
    assert response.status_code == 400
    assert reason in response.content.decode()


def test_unknown_appeal_or_variant_gets_404_and_counts_nothing(client):
    appeal = factories.appeal()
    assert send(client, {"e": "view", "a": appeal.pk + 1000, "v": "a"}).status_code == 404
    assert send(client, {"e": "view", "a": appeal.pk, "v": "z"}).status_code == 404
    assert not VariantCounter.objects.exists()


def test_other_requests_get_4xx_never_500(client):
    appeal = factories.appeal()
    assert client.get("/appeals/count").status_code == 405
    assert client.put("/appeals/count").status_code == 405
    as_json = client.post(
        "/appeals/count",
        {"e": "view", "a": appeal.pk, "v": "a"},
        content_type="application/json",
        HTTP_ORIGIN=ORIGIN,
    )
    assert as_json.status_code == 415
    too_big = send(client, {"e": "view", "a": appeal.pk, "v": "a", "pad": "x" * 1000})
    assert too_big.status_code == 413
    garbage = client.generic(
        "POST",
        "/appeals/count",
        b"\xff\xfe%%%=&&=\x00",
        content_type="application/x-www-form-urlencoded",
        HTTP_ORIGIN=ORIGIN,
    )
    assert garbage.status_code == 400
    bad_length = client.generic(
        "POST",
        "/appeals/count",
        b"e=view",
        content_type="application/x-www-form-urlencoded",
        HTTP_ORIGIN=ORIGIN,
        CONTENT_LENGTH="lots",
    )
    assert bad_length.status_code == 400


def test_events_from_other_sites_are_refused(client):
    appeal = factories.appeal()
    response = send(
        client, {"e": "view", "a": appeal.pk, "v": "a"}, HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 403
    assert counter(appeal, "a") is None
    # Served from another of our own hosts (a mirror): its own origin is accepted.
    mirror = client.post(
        "/appeals/count",
        {"e": "view", "a": appeal.pk, "v": "a"},
        HTTP_ORIGIN="http://localhost",
        HTTP_HOST="localhost",
    )
    assert mirror.status_code == 204


def test_each_client_is_rate_limited_without_its_address_being_kept(client, settings):
    settings.APPEALS_COUNT_LIMIT = 3
    appeal = factories.appeal()
    event = {"e": "view", "a": appeal.pk, "v": "a"}
    statuses = [send(client, event, REMOTE_ADDR="203.0.113.9").status_code for _ in range(5)]
    assert statuses == [204, 204, 204, 429, 429]
    assert send(client, event, REMOTE_ADDR="198.51.100.7").status_code == 204
    assert counter(appeal, "a").views == 4
    # What the cache holds is a keyed hash, not the address.
    stored = "".join(path.read_bytes().decode("latin-1") for path in _cache_files())
    assert "203.0.113.9" not in stored and "198.51.100.7" not in stored


def _cache_files():
    from pathlib import Path

    location = getattr(cache, "_dir", None)
    return [p for p in Path(location).rglob("*") if p.is_file()] if location else []


def test_a_whole_ipv6_64_counts_as_one_client(rf):
    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    two = rf.get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::2")
    other = rf.get("/", REMOTE_ADDR="2001:db8:1:3::1")
    network = throttle.trusted_client_network
    assert network(one) == network(two) == "2001:db8:1:2::/64"
    assert network(one) != network(other)
    assert network(rf.get("/", REMOTE_ADDR="::ffff:192.0.2.1")) == "192.0.2.1"


def test_a_database_that_cannot_write_gets_503_not_500(client, monkeypatch):
    appeal = factories.appeal()

    def locked(**_kwargs):
        raise DatabaseError("database is locked")

    monkeypatch.setattr("masthead.appeals.views.services.appeal_event_record", locked)
    response = send(client, {"e": "view", "a": appeal.pk, "v": "a"})
    assert response.status_code == 503
    assert response["Retry-After"]


# --- Contributions ----------------------------------------------------------------------------


def test_contributions_are_attributed_through_the_campaign_code():
    appeal = factories.appeal()
    code = f"appeal-{appeal.pk}-b"
    assert services.appeal_contribution_record(campaign=code, amount=Decimal("5"), currency="usd")
    assert services.appeal_contribution_record(
        campaign=code, amount=Decimal("20.50"), currency="USD"
    )
    assert services.appeal_contribution_record(campaign=code, amount=Decimal(10), currency="EUR")
    usd = VariantRevenue.objects.get(variant__appeal=appeal, variant__key="b", currency="USD")
    assert usd.contributions == 2
    assert usd.amount_total == Decimal("25.50")
    assert usd.amount_squares == Decimal("25") + Decimal("20.50") ** 2
    eur = VariantRevenue.objects.get(variant__key="b", currency="EUR")
    assert (eur.contributions, eur.amount_total) == (1, Decimal(10))
    assert not VariantRevenue.objects.filter(variant__key="a").exists()


@pytest.mark.parametrize(
    "code", ["", "spring-newsletter", "appeal-x-a", "appeal-1-", "appeal-999999-a", "appeal-1-zz"]
)
def test_contributions_from_elsewhere_count_nothing(code):
    factories.appeal()
    assert not services.appeal_contribution_record(campaign=code, amount=Decimal(5), currency="USD")
    assert not VariantRevenue.objects.exists()


def test_campaign_code_round_trip():
    from masthead.appeals.campaigns import campaign_code, campaign_parse

    parsed = campaign_parse(campaign_code(appeal_id=42, variant_key="b2"))
    assert (parsed.appeal_id, parsed.variant_key) == (42, "b2")
