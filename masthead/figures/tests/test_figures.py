"""Hits, readers, conversions and retention, through the endpoints and services."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from masthead.appeals.tests.test_attribution import succeed
from masthead.core.public_forms import allowed_origins_invalidate
from masthead.distribution.models import Mirror, MirrorSettings
from masthead.figures import classify, selectors, services, tally
from masthead.figures.models import Conversion, HostKind, Readership, SiteReaders, Span
from masthead.figures.sketch import SPARSE_MAX, Sketch
from masthead.newsletters.models import Newsletter
from masthead.newsletters.services.subscriptions import subscriber_signup
from masthead.supporters import services as supporter_services
from masthead.supporters.models import SupportSettings
from masthead.supporters.tests import factories as supporters

pytestmark = pytest.mark.django_db

ONION = "http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36"


def hit(client, *, path="/world/story/", address="198.51.100.7", origin=None, **fields):
    data = {"p": path, "l": "en", "r": "none", **fields}
    return client.post(
        "/figures/hit",
        data,
        HTTP_ORIGIN=origin or settings.BASE_URL,
        REMOTE_ADDR=address,
        HTTP_USER_AGENT=fields.pop("ua", CHROME),
    )


def rows() -> dict:
    tally.flush()
    return {
        (r.path, r.host_kind, r.host, r.referrer): (r.views, r.readers, r.unmeasured)
        for r in Readership.objects.all()
    }


# --- Classification --------------------------------------------------------------------------


def test_the_host_is_told_from_the_origin_the_browser_sent():
    Mirror.objects.create(url="https://mirror-one.example.net")
    assert classify.host_classify(settings.BASE_URL.rstrip("/")).kind == HostKind.MAIN
    assert classify.host_classify(ONION).kind == HostKind.ONION
    assert classify.host_classify("null").kind == HostKind.COPY
    classify._mirrors_cached = None
    mirror = classify.host_classify("https://mirror-one.example.net")
    assert (mirror.kind, mirror.name) == (HostKind.MIRROR, "mirror-one.example.net")
    assert classify.host_classify("https://evil.example.com") is None
    assert classify.host_classify(None) is None


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("/world/story/", "/world/story/"),
        ("/world/story/?utm_source=x#top", "/world/story/"),
        ("//evil.example.com/", None),
        ("https://evil.example.com/", None),
        ("/a b/", None),
        ("/" + "a" * 300, None),
        ("", None),
    ],
)
def test_only_a_path_on_this_site_is_kept(raw, clean):
    assert classify.path_clean(raw) == clean


def test_languages_are_codes():
    assert classify.language_clean("ru") == "ru"
    assert classify.language_clean("en-GB") == "en-gb"
    assert classify.language_clean("") == ""
    assert classify.language_clean("<script>") is None


# --- The beacon -------------------------------------------------------------------------------


def test_a_hit_counts_a_view_and_a_reader_and_sets_no_cookie(client):
    response = hit(client)
    assert response.status_code == 204
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]
    assert rows() == {("/world/story/", "main", "", "none"): (1, 1, 0)}


def test_the_same_reader_is_one_reader_and_the_same_network_and_browser_too(client):
    hit(client)
    hit(client)
    hit(client, address="198.51.100.200")  # same /24, same browser: the same reader
    hit(client, address="203.0.113.9")  # another network
    hit(client, address="198.51.100.7", ua="Mozilla/5.0 Firefox/130.0")  # another browser
    assert rows() == {("/world/story/", "main", "", "none"): (5, 3, 0)}
    site = SiteReaders.objects.get()
    assert (site.readers, site.unmeasured) == (3, 0)


def test_a_reader_of_two_articles_is_one_reader_of_the_site(client):
    hit(client, path="/a/")
    hit(client, path="/b/")
    assert rows() == {
        ("/a/", "main", "", "none"): (1, 1, 0),
        ("/b/", "main", "", "none"): (1, 1, 0),
    }
    assert SiteReaders.objects.get().readers == 1


def test_onion_views_are_counted_and_readers_not_estimated(client):
    Mirror.objects.create(url="https://mirror-one.example.net")
    onion = MirrorSettings.load()
    onion.onion_address = ONION.removeprefix("http://")
    onion.save()
    classify._mirrors_cached = None
    allowed_origins_invalidate()
    hit(client, origin=ONION, address="127.0.0.1")
    hit(client, origin="https://mirror-one.example.net", r="search")
    hit(client, origin="null", r="email")  # a copy opened from disk
    assert rows() == {
        ("/world/story/", "onion", "", "none"): (1, 0, 1),
        ("/world/story/", "mirror", "mirror-one.example.net", "search"): (1, 1, 0),
        ("/world/story/", "copy", "", "email"): (1, 1, 0),
    }
    report = selectors.figures_report(days=1)
    assert report.total.unmeasured == 1
    assert "onion" in report.as_dict()["note"]


@override_settings(TRUSTED_PROXIES=["127.0.0.0/8"])
def test_behind_a_trusted_proxy_the_forwarded_address_is_the_reader(client):
    for forwarded in ("192.0.2.1", "192.0.2.77", "2001:db8:1:2::5", "2001:db8:1:3::5"):
        client.post(
            "/figures/hit",
            {"p": "/x/", "l": "en", "r": "none"},
            HTTP_ORIGIN=settings.BASE_URL,
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
            HTTP_USER_AGENT=CHROME,
        )
    # 192.0.2.0/24 once; 2001:db8:1::/48 once.
    assert rows() == {("/x/", "main", "", "none"): (4, 2, 0)}


@pytest.mark.parametrize(
    ("data", "headers", "status"),
    [
        ({"p": "/x/", "l": "en", "r": "none"}, {"HTTP_ORIGIN": "https://evil.example.com"}, 403),
        ({"p": "/x/", "l": "en", "r": "none"}, {}, 403),  # neither Origin nor Referer
        ({"p": "http://x/", "l": "en", "r": "none"}, None, 400),
        ({"p": "/x/", "l": "en", "r": "https://google.com/?q=me"}, None, 400),
        ({"p": "/x/", "l": "<b>", "r": "none"}, None, 400),
        ({"p": "/x/", "l": "en", "r": "none", "d": "30"}, None, 400),
        ({"p": "/x/", "l": "en", "r": "none", "d": "-1"}, None, 400),
        ({"p": "/x/", "l": "en", "r": "none", "d": "²"}, None, 400),  # a digit, not a number
        ({"p": "/x/", "l": "en", "r": "none", "d": "9" * 30}, None, 400),
        ({"p": "/x/", "l": "en", "r": "none"}, {"HTTP_ORIGIN": "http://["}, 403),
        ({"p": "/x/", "l": "en", "r": "none"}, {"HTTP_REFERER": "http://[x/"}, 403),
    ],
)
def test_malformed_or_foreign_hits_get_a_4xx_and_count_nothing(client, data, headers, status):
    headers = {"HTTP_ORIGIN": settings.BASE_URL} if headers is None else headers
    response = client.post("/figures/hit", data, REMOTE_ADDR="198.51.100.7", **headers)
    assert response.status_code == status
    assert response.content.strip()
    assert rows() == {}


def test_other_methods_and_bodies_are_refused(client):
    assert client.get("/figures/hit").status_code == 405
    response = client.post(
        "/figures/hit", "{}", content_type="application/json", HTTP_ORIGIN=settings.BASE_URL
    )
    assert response.status_code == 415


@override_settings(FIGURES_HIT_LIMIT=3)
def test_hits_are_rate_limited_per_client(client):
    statuses = [hit(client).status_code for _ in range(5)]
    assert statuses == [204, 204, 204, 429, 429]


def test_a_late_hit_from_a_copy_counts_on_its_day_without_a_reader(client):
    hit(client, d="2")
    tally.flush()
    row = Readership.objects.get()
    assert row.day == timezone.localdate() - timedelta(days=2)
    assert (row.views, row.readers, row.unmeasured) == (1, 0, 1)


def test_the_noscript_pixel_counts_a_view_and_is_never_cached(client):
    response = client.get(
        "/figures/pixel.gif?p=/world/story/&l=en",
        HTTP_REFERER=settings.BASE_URL + "/world/story/",
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert "no-store" in response["Cache-Control"]
    assert "X-Page-Cache" not in response
    again = client.get(
        "/figures/pixel.gif?p=/world/story/&l=en",
        HTTP_REFERER=settings.BASE_URL + "/world/story/",
        REMOTE_ADDR="198.51.100.7",
    )
    assert "X-Page-Cache" not in again
    assert rows() == {("/world/story/", "main", "", "noscript"): (2, 0, 2)}


def test_a_pixel_with_a_referer_no_parser_takes_counts_nothing(client):
    response = client.get(
        "/figures/pixel.gif?p=/world/story/&l=en",
        HTTP_REFERER="http://[x/",
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 403
    assert rows() == {}


def test_no_address_salt_or_hash_reaches_the_database(client):
    hit(client, address="198.51.100.7")
    hit(client, address="2001:db8:abcd:12::1")
    tally.flush()
    with connection.cursor() as cursor:
        dump = []
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            dump.extend(repr(row) for row in cursor.fetchall())
    text = "\n".join(dump)
    assert "198.51.100" not in text
    assert "2001:db8" not in text
    assert "Chrome/140" not in text


# --- Conversions ------------------------------------------------------------------------------


def test_a_new_signup_counts_once_for_the_article_it_started_on():
    newsletter = Newsletter.objects.create(name="Weekly", slug="weekly")
    subscriber_signup(email="a@example.org", newsletters=[newsletter], source_page="/world/story/")
    subscriber_signup(email="a@example.org", newsletters=[newsletter], source_page="/world/story/")
    subscriber_signup(email="b@example.org", newsletters=[newsletter], source_page="/other/")
    counts = {(c.path, c.kind): c.count for c in Conversion.objects.all()}
    assert counts == {("/world/story/", "signup"): 1, ("/other/", "signup"): 1}


def _test_mode(on: bool) -> None:
    support = SupportSettings.load()
    support.test_mode = on
    support.save()


def test_a_paid_contribution_counts_for_its_article_with_its_amount():
    _test_mode(True)
    gift = supporters.contribution(amount_minor=1250, campaign="appeal-3-a")
    supporter_services.contribution_start(
        email="x@example.org",
        amount_minor=700,
        fee_cover_minor=0,
        currency="EUR",
        frequency="once",
        provider="test",
        campaign="appeal-3-b",
        idempotency_keys=[secrets.token_hex(16)],
        is_test=True,
        source_page="/world/story/",
    )
    from masthead.supporters.models import Contribution as Gift

    from_article = Gift.objects.get(currency="EUR")
    unpaid = supporters.contribution(amount_minor=900)
    succeed(gift)
    succeed(from_article)
    succeed(from_article)  # replayed: counted once
    assert unpaid.pk
    counts = {
        (c.path, c.campaign, c.currency): (c.count, c.amount_minor)
        for c in Conversion.objects.filter(kind="contribution")
    }
    assert counts == {("", "appeal-3-a", "USD"): (1, 1250), ("/world/story/", "", "EUR"): (1, 700)}


def test_a_simulated_payment_does_not_count_beside_real_money():
    _test_mode(False)
    succeed(supporters.contribution(is_test=True))
    succeed(supporters.contribution(is_test=False, currency="EUR"))
    assert [(c.currency, c.count) for c in Conversion.objects.all()] == [("EUR", 1)]


def test_the_report_puts_views_and_conversions_on_the_same_article(client):
    newsletter = Newsletter.objects.create(name="Weekly", slug="weekly")
    for n in range(4):
        hit(client, address=f"198.51.{n}.1")
    subscriber_signup(email="a@example.org", newsletters=[newsletter], source_page="/world/story/")
    tally.flush()
    report = selectors.figures_report(days=7)
    article = next(r for r in report.articles if r.key == "/world/story/")
    assert (article.counts.views, article.counts.readers, article.counts.signups) == (4, 4, 1)
    assert article.counts.per_thousand == 250.0
    assert report.top_week[0].key == "/world/story/"


def test_the_command_prints_the_same_as_json(client, capsys):
    hit(client)
    tally.flush()
    call_command("figures", "--days", "3", "--json")
    out = capsys.readouterr().out
    assert '"views": 1' in out
    call_command("figures", "--days", "3")
    assert "/world/story/" in capsys.readouterr().out


# --- Mirrors that stopped, retention ----------------------------------------------------------


def test_a_mirror_with_readers_last_week_and_none_today_is_flagged():
    today = timezone.localdate()
    SiteReaders.objects.create(
        day=today - timedelta(days=3), host_kind="mirror", host="a.net", readers=5
    )
    SiteReaders.objects.create(
        day=today - timedelta(days=3), host_kind="mirror", host="b.net", readers=5
    )
    SiteReaders.objects.create(day=today, host_kind="mirror", host="b.net", readers=1)
    assert selectors.mirrors_stopped(today=today) == ["a.net"]


@override_settings(FIGURES_DAYS=30)
def test_old_days_are_merged_into_months():
    today = date(2026, 6, 15)
    for day, views in ((date(2026, 4, 3), 2), (date(2026, 4, 20), 3), (date(2026, 6, 1), 7)):
        Readership.objects.create(
            day=day, path="/a/", host_kind="main", referrer="none", views=views, readers=1
        )
        services.conversion_add(kind="signup", path="/a/", day=day)
    assert services.figures_rollup(today=today) == 4
    month = Readership.objects.get(span=Span.MONTH)
    assert (month.day, month.views, month.readers) == (date(2026, 4, 1), 5, 2)
    assert Readership.objects.get(span=Span.DAY).day == date(2026, 6, 1)
    assert Conversion.objects.get(span=Span.MONTH).count == 2
    assert services.figures_rollup(today=today) == 0


# --- The admin --------------------------------------------------------------------------------


def test_editors_without_the_permission_see_no_figures_and_no_csv(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("ed", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get("/admin/figures/figures.csv").status_code in (302, 403)


# --- How good the reader estimate is ----------------------------------------------------------


def test_unique_readers_are_estimated_within_two_percent_of_the_truth(client):
    """5,000 synthetic readers, each reading three pages, from addresses spread over 200,000
    /24 networks and 300 browser versions, through the beacon: the site's readers are the
    truth within ±2 % (past 2,048 readers the sketch estimates; readers sharing a /24 and a
    browser version are one; bench/figures.py measures larger populations)."""
    import random

    rng = random.Random(17)
    agents = [f"Mozilla/5.0 (device {i}) Chrome/{120 + i % 20}.0" for i in range(300)]
    truth = 5000
    for _reader in range(truth):
        network = rng.randrange(200_000)
        address = (
            f"{11 + (network >> 16)}.{(network >> 8) & 255}.{network & 255}.{rng.randint(1, 254)}"
        )
        agent = rng.choice(agents)
        for page in ("/a/", "/b/", "/a/"):
            host = classify.Host(HostKind.MAIN)
            services.hit_record(
                path=page,
                language="en",
                referrer="none",
                host=host,
                network=address,
                user_agent=agent,
            )
    tally.flush()
    found = SiteReaders.objects.get().readers
    assert abs(found - truth) / truth <= 0.02
    assert Readership.objects.get(path="/a/").views == 2 * truth


def test_sketches_count_exactly_when_small_and_within_two_percent_when_large():
    import random

    rng = random.Random(5)
    for n in (1, 1000, SPARSE_MAX, 50_000, 300_000):
        values = [rng.getrandbits(64) for _ in range(n)]
        halves = Sketch(), Sketch()
        for i, value in enumerate(values):
            halves[i % 2].add(value)
            if i % 3 == 0:  # a third of the readers seen by both
                halves[(i + 1) % 2].add(value)
        merged = Sketch.from_bytes(halves[0].to_bytes())
        merged.merge(Sketch.from_bytes(halves[1].to_bytes()))
        if n <= SPARSE_MAX:
            assert merged.count() == n
        else:
            assert abs(merged.count() - n) / n <= 0.02
    with pytest.raises(ValueError):
        Sketch.from_bytes(b"X123")


def test_readers_seen_by_two_processes_count_once(client):
    """Each web process keeps its own sketches; the cache's copy joins them."""
    hit(client, address="198.51.100.7")
    tally.flush()
    tally._sketches.clear()  # what a second process knows: nothing of the first's readers
    hit(client, address="198.51.100.7")
    hit(client, address="203.0.113.9")
    assert rows() == {("/world/story/", "main", "", "none"): (3, 2, 0)}


def test_the_figures_page_draws_charts_beside_tables_and_exports_csv(client, admin_client):
    hit(client)
    tally.flush()
    page = admin_client.get("/admin/figures/?days=7")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<table" in html and "/world/story/" in html
    assert "https://" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )  # nothing drawn from elsewhere
    export = admin_client.get("/admin/figures/figures.csv?days=7")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    lines = export.content.decode().splitlines()
    assert lines[0].startswith("table,key,label,views,readers")
    assert any(line.startswith("articles,/world/story/,") for line in lines)
    assert "Figures" in admin_client.get("/admin/").content.decode()
    # A period the page does not offer shows the default one, whatever it is made of.
    for days in ("²", "9" * 5000, "-7", "7.0", ""):
        assert admin_client.get("/admin/figures/", {"days": days}).status_code == 200, days
        assert admin_client.get("/admin/figures/figures.csv", {"days": days}).status_code == 200
