"""The one guard of every public form (``core.public_forms``) and the client address it keys
on (``core.throttle.trusted_client_network``)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from masthead.core import public_forms
from masthead.core.throttle import trusted_client_network
from masthead.project import config

MAIN = "https://news.example.org"  # MASTHEAD_BASE_URL in tests
API = "https://api.example.net"
PUBLIC = "https://copy.example.com"
EVIL = "https://evil.example"


@pytest.fixture(autouse=True)
def origins(settings):
    settings.API_ORIGINS = [MAIN, API]
    settings.PUBLIC_ORIGINS = [MAIN, PUBLIC]
    settings.TRUSTED_PROXIES = []
    cache.clear()
    public_forms.allowed_origins_invalidate()
    yield
    cache.clear()
    public_forms.allowed_origins_invalidate()


@pytest.fixture
def test_mode(db):
    from masthead.supporters.models import SupportSettings

    support = SupportSettings.load()
    support.test_mode = True
    support.save()
    return support


# --- Every public form -------------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    name: str
    offline: bool  # the offline copy posts it from file:// (Origin: null accepted)


FORMS = [
    Form("newsletter-signup", offline=True),
    Form("newsletter-confirm", offline=False),
    Form("newsletter-manage", offline=False),
    Form("contribute", offline=True),
    Form("payment", offline=False),
    Form("reminder", offline=True),
    Form("reminder-cancel", offline=False),
    Form("signin", offline=True),  # asks for a link, sent only to the address given
    Form("appeal-count", offline=False),
]


def form_path(name: str) -> str:
    """Where the form posts. Personal links are real ones: their views check the link first."""
    if name == "newsletter-manage":
        from masthead.newsletters import tokens
        from masthead.newsletters.tests import factories

        weekly = factories.newsletter(name="Friday", slug="friday")
        person = factories.subscriber(email="r@example.net", lists=[weekly])
        token = tokens.list_token_make(subscriber_key=person.key, newsletter_id=weekly.pk)
        return f"/newsletter/manage/{token}/"
    if name == "payment":
        from masthead.supporters.tests import factories

        contribution = factories.contribution()
        return reverse("supporters:pay", args=[contribution.checkout_token])
    return {
        "newsletter-signup": "/newsletter/signup/",
        "newsletter-confirm": "/newsletter/confirm/not-a-real-token/",
        "contribute": reverse("supporters:contribute"),
        "reminder": reverse("supporters:reminder"),
        "reminder-cancel": reverse("supporters:reminder-cancel", args=["not-a-real-token"]),
        "signin": reverse("supporters:signin"),
        "appeal-count": "/appeals/count",
    }[name]


_addresses = iter(range(1, 10**6))


def post(client, path, **headers):
    """An empty post from a new client each time (so no limit is reached): whatever the form
    answers, only the guard answers 403."""
    n = next(_addresses)
    return client.post(
        path, {}, REMOTE_ADDR=f"10.{n // 65536}.{n // 256 % 256}.{n % 256}", **headers
    )


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_every_public_form_accepts_our_origins_only(client, test_mode, form):
    from masthead.distribution.models import Mirror, MirrorSettings

    path = form_path(form.name)
    for refused in (EVIL, "https://news.example.org.evil.example", "http://news.example.org"):
        assert post(client, path, HTTP_ORIGIN=refused).status_code == 403, refused
    for accepted in (MAIN, API, PUBLIC, "https://NEWS.example.org:443"):
        assert post(client, path, HTTP_ORIGIN=accepted).status_code != 403, accepted
    # Mirrors and the onion address editors add in the admin while the site runs.
    mirror = "https://d9fresh.cloudfront.net"
    onion = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion"
    assert post(client, path, HTTP_ORIGIN=mirror).status_code == 403
    Mirror.objects.create(url=mirror)
    settings_row = MirrorSettings.load()
    settings_row.onion_address = onion
    settings_row.save()
    assert post(client, path, HTTP_ORIGIN=mirror).status_code != 403
    assert post(client, path, HTTP_ORIGIN=f"http://{onion}").status_code != 403
    # A mirror taken out of service is no longer one of ours.
    Mirror.objects.filter(url=mirror).update(active=False)
    Mirror.objects.get(url=mirror).save()
    assert post(client, path, HTTP_ORIGIN=mirror).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_null_and_missing_origin(client, test_mode, form):
    path = form_path(form.name)
    # Opened from disk (file://) or in a sandboxed frame: only forms the offline copy carries.
    null = post(client, path, HTTP_ORIGIN="null").status_code
    assert (null != 403) is form.offline
    # No Origin: an old browser's Referer stands in; with neither the post is refused.
    assert post(client, path, HTTP_REFERER=f"{MAIN}/world/story/").status_code != 403
    assert post(client, path, HTTP_REFERER=f"{EVIL}/page/").status_code == 403
    assert post(client, path).status_code == 403
    assert post(client, path, HTTP_ORIGIN="not an origin").status_code == 403
    # Headers no URL parser takes (an unclosed IPv6 bracket, a port out of range) name no
    # origin either: refused, never a crash.
    for broken in ("http://[", "https://[::1", "https://news.example.org:99999"):
        assert post(client, path, HTTP_ORIGIN=broken).status_code == 403, broken
        assert post(client, path, HTTP_REFERER=f"{broken}/x").status_code == 403, broken


@pytest.mark.django_db
def test_a_mirror_added_in_another_process_is_accepted_within_seconds(client, monkeypatch):
    from masthead.distribution.models import Mirror

    monkeypatch.setattr(public_forms, "ORIGINS_CACHE_SECONDS", 0.05)
    assert "https://d8other.example" not in public_forms.allowed_origins()
    # As another process would: no signal reaches this one.
    Mirror.objects.bulk_create([Mirror(url="https://d8other.example")])
    import time

    time.sleep(0.1)
    assert "https://d8other.example" in public_forms.allowed_origins()


def test_a_failing_origin_source_leaves_the_configured_origins(monkeypatch):
    def broken():
        raise RuntimeError("database away")

    monkeypatch.setattr(public_forms, "_sources", [broken])
    public_forms.allowed_origins_invalidate()
    assert {MAIN, API, PUBLIC} <= public_forms.allowed_origins()


@pytest.mark.django_db
def test_a_mirror_reads_the_signup_answer_and_another_site_does_not(client):
    accepted = post(
        client, "/newsletter/signup/", HTTP_ORIGIN=PUBLIC, HTTP_ACCEPT="application/json"
    )
    assert accepted["Access-Control-Allow-Origin"] == PUBLIC
    assert "Origin" in accepted["Vary"]
    refused = post(client, "/newsletter/signup/", HTTP_ORIGIN=EVIL, HTTP_ACCEPT="application/json")
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused


# --- Trusted proxies ---------------------------------------------------------------------------


def request(remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **headers)


def test_without_trusted_proxies_the_peer_is_the_client(settings):
    settings.TRUSTED_PROXIES = []
    assert trusted_client_network(request("203.0.113.5")) == "203.0.113.5"
    # Spoofed X-Forwarded-For from a peer we do not trust is ignored.
    assert trusted_client_network(request("203.0.113.5", "198.51.100.1")) == "203.0.113.5"
    # Loopback is no reader: the Tor daemon, or a proxy nobody told us about.
    assert trusted_client_network(request("127.0.0.1", "198.51.100.1")) is None
    assert trusted_client_network(request("::1")) is None
    assert trusted_client_network(request("0.0.0.0")) is None  # noqa: S104 - an address here
    assert trusted_client_network(request("")) is None
    assert trusted_client_network(request("garbage")) is None


def test_x_forwarded_for_is_walked_from_the_right_through_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.0/8", "::1/128", "10.0.0.0/8"]
    # nginx alone: it appends the peer it saw.
    assert trusted_client_network(request("127.0.0.1", "203.0.113.9")) == "203.0.113.9"
    # The client's own claim on the left is ignored: the first untrusted hop is the client.
    assert trusted_client_network(request("127.0.0.1", "1.1.1.1, 203.0.113.9")) == "203.0.113.9"
    # CDN → load balancer → nginx: two trusted hops before the client.
    chain = "8.8.8.8, 198.51.100.20, 10.1.2.3"
    assert trusted_client_network(request("127.0.0.1", chain)) == "198.51.100.20"
    # An IPv6 client counts by its /64 (a household or a phone holds a whole one).
    one = trusted_client_network(request("127.0.0.1", "2001:db8:1:2:aaaa::1"))
    two = trusted_client_network(request("::1", "[2001:db8:1:2:bbbb::2]:4711"))
    assert one == two == "2001:db8:1:2::/64"
    assert trusted_client_network(request("127.0.0.1", "192.0.2.7:8080")) == "192.0.2.7"
    # Every hop trusted (the onion service through nginx), none at all, or garbage: no client.
    assert trusted_client_network(request("127.0.0.1", "127.0.0.1")) is None
    assert trusted_client_network(request("127.0.0.1")) is None
    assert trusted_client_network(request("127.0.0.1", "unknown")) is None
    # A peer that is not trusted is the client, whatever it claims.
    assert trusted_client_network(request("198.51.100.9", "203.0.113.9")) == "198.51.100.9"
    # A Unix socket (no peer address) is as local as loopback.
    assert trusted_client_network(request("", "203.0.113.9")) == "203.0.113.9"


def test_trusted_proxies_must_be_networks(monkeypatch):
    monkeypatch.setenv("MASTHEAD_TRUSTED_PROXIES", "10.0.0.0/8, 2001:db8::/32, 192.0.2.1")
    assert config.env_networks("MASTHEAD_TRUSTED_PROXIES", []) == [
        "10.0.0.0/8",
        "2001:db8::/32",
        "192.0.2.1/32",
    ]
    for bad in ("10.0.0.0/33", "cloudflare", "10.0.0.1/8"):
        monkeypatch.setenv("MASTHEAD_TRUSTED_PROXIES", bad)
        with pytest.raises(config.ConfigError) as caught:
            config.env_networks("MASTHEAD_TRUSTED_PROXIES", [])
        assert str(caught.value).startswith("MASTHEAD_TRUSTED_PROXIES: ")


# --- Rate limits -------------------------------------------------------------------------------


def signup(client, remote="203.0.113.9", **headers):
    return client.post(
        "/newsletter/signup/", {}, HTTP_ORIGIN=MAIN, REMOTE_ADDR=remote, **headers
    ).status_code


@pytest.mark.django_db
def test_the_limit_is_shared_by_every_client_object_and_process(settings):
    """Two test clients are two browsers (or two app processes): the count is in the cache."""
    settings.NEWSLETTER_SIGNUP_RATE = (2, 600)
    first, second = Client(), Client()
    assert [signup(first), signup(second), signup(first)] == [400, 400, 429]
    assert signup(second, remote="198.51.100.7") == 400  # another client


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_reported_client_is_counted(settings):
    settings.NEWSLETTER_SIGNUP_RATE = (2, 600)
    settings.TRUSTED_PROXIES = ["127.0.0.0/8"]
    client = Client()

    def via_nginx(claimed: str, real: str) -> int:
        return signup(client, remote="127.0.0.1", HTTP_X_FORWARDED_FOR=f"{claimed}, {real}")

    # Changing the claimed address does not make a new client…
    assert [via_nginx(f"1.1.1.{n}", "203.0.113.9") for n in range(3)] == [400, 400, 429]
    # …and readers behind the same proxy are told apart.
    assert via_nginx("1.1.1.1", "203.0.113.10") == 400


@pytest.mark.django_db
def test_one_email_address_is_limited_across_client_addresses(client, settings):
    settings.PUBLIC_FORMS_POSTS_PER_EMAIL = 2
    data = {"email": "target@example.org", "when": "next_month"}

    def remind(remote: str, email: str = "target@example.org") -> int:
        return client.post(
            reverse("supporters:reminder"),
            {**data, "email": email},
            HTTP_ORIGIN=MAIN,
            REMOTE_ADDR=remote,
        ).status_code

    assert [remind("203.0.113.1"), remind("198.51.100.2"), remind("192.0.2.3")] == [
        200,
        200,
        429,
    ]
    assert remind("192.0.2.3", email="someone.else@example.org") == 200
    # The cache holds keyed hashes only.
    from pathlib import Path

    stored = b"".join(
        p.read_bytes()
        for p in Path(settings.CACHES["default"]["LOCATION"]).rglob("*")
        if p.is_file()
    )
    assert b"target@example.org" not in stored and b"203.0.113.1" not in stored


@pytest.mark.django_db
def test_readers_without_an_address_share_a_budget_per_form(settings):
    """The onion service: the Tor daemon connects from loopback, nobody has an address."""
    settings.NEWSLETTER_SIGNUP_RATE = (1, 600)
    settings.SUPPORT_FORM_POSTS_PER_HOUR = 1
    settings.PUBLIC_FORMS_ONION_BUDGET = 3
    onion_reader, another_onion_reader = Client(), Client()
    statuses = [signup(c, remote="127.0.0.1") for c in (onion_reader, another_onion_reader) * 2]
    assert statuses == [400, 400, 400, 429]  # three times one client's limit, then no more
    # Another form's budget is untouched…
    reminder = onion_reader.post(
        reverse("supporters:reminder"), {}, HTTP_ORIGIN=MAIN, REMOTE_ADDR="127.0.0.1"
    )
    assert reminder.status_code == 400
    # …and readers with an address keep their own limits.
    assert signup(Client(), remote="203.0.113.9") == 400


@pytest.mark.django_db
def test_view_counters_are_counted_in_the_process_without_a_cache_write(settings, monkeypatch):
    """The readership beacon and appeal impressions come with every page view: their limit is
    kept in the process's memory (per window, keyed hashes), not with shared writes."""
    from masthead.core import throttle

    writes = []
    monkeypatch.setattr(throttle, "_allowed", lambda key, **kw: writes.append(key) or True)

    def count(subject: str) -> bool:
        return throttle.subject_allowed(
            subject=subject, scope="form:figures-hit", limit=2, window=600, per_process=True
        )

    assert [count("net:203.0.113.9") for _ in range(3)] == [True, True, False]
    assert count("net:198.51.100.7")  # another client
    assert writes == []
    # The table is bounded: subjects past it are counted in the shared cache.
    monkeypatch.setattr(throttle, "LOCAL_SUBJECTS", 2)
    assert count("net:192.0.2.1") and writes
    assert count("net:203.0.113.9") is False  # still counted where it was
    # A new window starts the counts again.
    monkeypatch.setattr(throttle.time, "time", lambda: 10**10)
    assert count("net:203.0.113.9")
    # Nothing of the client is kept in the clear.
    tables = repr(throttle._local._tables)
    assert "203.0.113.9" not in tables and "net:" not in tables
