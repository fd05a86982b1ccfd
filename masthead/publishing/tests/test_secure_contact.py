"""The "Contact us securely" page: SecureDrop's landing-page rules, checked the way the
securedrop.org directory scanner checks a landing page (``scanner/scanner.py`` and
``scanner/assets.py`` in freedomofpress/securedrop.org), against what the app answers, the
file ``masthead build`` writes and what nginx sends for it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.exceptions import ValidationError
from wagtail.rich_text import RichText

from masthead.publishing.models import InfoPage, SecureContactPage
from masthead.publishing.tests import factories

pytestmark = pytest.mark.django_db

ONION = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion"
FINGERPRINT = "3A1F9C427D0BE8156C2A94F70B3D5E61C8A92F47"
KEY = (
    "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n"
    "mDMEZ0bYxBYJKwYBBAHaRw8BAQdAexampleexampleexampleexampleexampleexam\n=AbCd\n"
    "-----END PGP PUBLIC KEY BLOCK-----"
)
NGINX = "/usr/sbin/nginx"


def contact_page(**fields) -> SecureContactPage:
    values = {
        "title": "Contact us securely",
        "slug": "contact-securely",
        "body": [("paragraph", RichText("<p>We protect our sources.</p>"))],
        "onion_address": ONION,
        "signal_username": "courier.01",
        "pgp_email": "tips@example.org",
        "pgp_fingerprint": FINGERPRINT,
        "pgp_public_key": KEY,
        "postal_address": "Postfach 1\n10119 Aldenburg",
        **fields,
    }
    page = factories.home().add_child(instance=SecureContactPage(**values))
    page.save_revision().publish(skip_permission_checks=True)
    return page


# --- The directory scanner, re-implemented ---------------------------------------------------


class _Document(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Document:
    document = _Document()
    document.feed(html)
    return document


def assets(document: _Document) -> list[str]:
    """What a page loads (``scanner.assets.extract_assets``): images, media, scripts, frames,
    style sheets, and url() in <style> and style attributes."""
    found = []
    for tag, attrs in document.tags:
        if (
            tag in ("img", "video", "source", "audio", "embed", "script", "iframe")
            and "src" in attrs
        ):
            found.append(attrs["src"])
        if tag == "img" and "srcset" in attrs:
            found += [part.split()[0] for part in attrs["srcset"].split(",") if part.strip()]
        if tag == "video" and "poster" in attrs:
            found.append(attrs["poster"])
        if tag == "link" and "stylesheet" in attrs.get("rel", "").split():
            found.append(attrs["href"])
        if "style" in attrs:
            found += re.findall(r"url\(\s*['\"]?([^'\")]+)", attrs["style"])
    return found


def scan(*, url: str, status: int, headers: dict[str, str], body: bytes) -> dict[str, bool]:
    """The scanner's checks, named as in its ``parse_page_data`` and ``parse_soup_data``."""
    h = {name.lower(): value for name, value in headers.items()}
    html = body.decode("utf-8")
    document = parse(html)
    cache_control = [d.strip().lower() for d in h.get("cache-control", "").split(",")]
    host = urlsplit(url).hostname or ""
    server = h.get("server", "")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    return {
        "http_status_200_ok": status == 200,
        # On the publication's own domain, not a subdomain of it (which DNS and TLS would
        # show to whoever watches the network). Without the public suffix list: a name of two
        # labels (example.org), www. before one, or an address.
        "subdomain": bool(re.fullmatch(r"(www\.)?[^.]+\.[^.]+|[\d.]+|\[.*\]", host)),
        "no_cookies": "set-cookie" not in h,
        "no_cdn": "cf-cache-status" not in h and "cf-ray" not in h,
        "expected_encoding": "charset=utf-8" in h.get("content-type", "").lower(),
        "no_analytics": not any(
            name in html
            for name in (
                "ga.js",
                "analytics.js",
                "quant.js",
                "chartbeat.js",
                "chartbeat_mab.js",
                "beacon.js",
                "krxd.net",
            )
        ),
        "no_server_info": not any(name in server.lower() for name in ("nginx", "apache")),
        "no_server_version": not re.search(r"\d+.\d+", server),
        "csp_origin_only": "default-src 'self'" in h.get("content-security-policy", ""),
        "mime_sniffing_blocked": h.get("x-content-type-options") == "nosniff",
        "noopen_download": h.get("x-download-options") == "noopen",
        "xss_protection": h.get("x-xss-protection") == "1; mode=block",
        "clickjacking_protection": h.get("x-frame-options") == "DENY",
        "good_cross_domain_policy": h.get("x-permitted-cross-domain-policies") == "master-only",
        "http_1_0_caching_disabled": h.get("pragma") == "no-cache",
        "expires_set": h.get("expires") == "-1",
        "cache_control_set": "cache-control" in h,
        "cache_control_revalidate_set": "must-revalidate" in cache_control,
        "cache_control_nocache_set": "no-cache" in cache_control,
        "cache_control_notransform_set": "no-transform" in cache_control,
        "cache_control_nostore_set": "no-store" in cache_control,
        "cache_control_private_set": "private" in cache_control,
        "referrer_policy_set_to_no_referrer": h.get("referrer-policy") == "no-referrer",
        "safe_onion_address": not any(
            ".onion" in attrs.get("href", "") for tag, attrs in document.tags if tag == "a"
        ),
        "no_cross_domain_assets": all(
            urljoin(url, asset).startswith(origin + "/") or asset.startswith("data:")
            for asset in assets(document)
        ),
    }


def assert_passes(result: dict[str, bool], *, except_for: tuple[str, ...] = ()) -> None:
    failed = [name for name, passed in result.items() if not passed and name not in except_for]
    assert not failed, f"directory scanner checks failed: {failed}"


def assert_source_page_rules(headers: dict[str, str], body: bytes) -> None:
    """What the landing-page rules ask beyond the scanner's letter."""
    h = {name.lower(): value for name, value in headers.items()}
    csp = h["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert "max-age=0" in h["cache-control"]
    # An invalid date counts as already expired (RFC 9111, 5.3).
    with pytest.raises((TypeError, ValueError)):
        parsedate_to_datetime(h["expires"])
    html = body.decode()
    assert "<script" not in html and "<form" not in html and "<iframe" not in html
    assert "style=" not in html


# --- What the app answers --------------------------------------------------------------------


def test_page_passes_the_directory_scanner(client):
    page = contact_page()
    response = client.get(page.url)
    assert response.status_code == 200
    result = scan(
        url="https://example.org" + page.url,
        status=response.status_code,
        headers=dict(response.headers),
        body=response.content,
    )
    assert_passes(result)
    assert_source_page_rules(dict(response.headers), response.content)
    assert not response.cookies


def test_scanner_catches_an_ordinary_page(client):
    """The checks can fail: an ordinary information page breaks several of them."""
    about = factories.home().add_child(instance=InfoPage(title="About us", slug="about"))
    about.save_revision().publish(skip_permission_checks=True)
    response = client.get(about.url)
    result = scan(
        url="https://example.org" + about.url,
        status=200,
        headers=dict(response.headers),
        body=response.content,
    )
    assert not result["cache_control_nostore_set"]
    assert not result["referrer_policy_set_to_no_referrer"]
    linked = scan(
        url="https://example.org/",
        status=200,
        headers={},
        body=f'<a href="http://{ONION}/">drop</a><img src="https://cdn.example.com/x.png">'.encode(),
    )
    assert not linked["safe_onion_address"] and not linked["no_cross_domain_assets"]


def test_page_is_never_kept_by_the_page_cache(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    page = contact_page()
    for _ in range(3):
        response = client.get(page.url)
        assert "X-Page-Cache" not in response  # neither stored ("miss") nor answered ("hit")
        assert "no-store" in response["Cache-Control"]


def test_page_shows_every_channel_and_onion_addresses_only_as_text(client):
    page = contact_page()
    html = client.get(page.url).content.decode()
    document = parse(html)
    text = " ".join(document.text)
    assert ONION in text
    assert "courier.01" in text and "tips@example.org" in text
    assert "3A1F 9C42 7D0B E815 6C2A 94F7 0B3D 5E61 C8A9 2F47" in text  # the full fingerprint
    assert "Aldenburg" in text and "We protect our sources." in text
    assert "Tor Browser" in text and "work" in text  # the advice to sources
    links = [attrs.get("href", "") for tag, attrs in document.tags if tag == "a"]
    assert not [link for link in links if ".onion" in link or link.startswith("mailto:")]
    assert page.url + "pgp-key/" in links


def test_key_file_is_served_first_party_with_the_same_headers(client):
    page = contact_page()
    response = client.get(page.url + "pgp-key/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pgp-keys"
    assert response["Content-Disposition"] == 'attachment; filename="pgp-key.asc"'
    assert response.content.decode().strip() == KEY
    assert response["Cache-Control"].startswith("no-store") and not response.cookies
    assert response["Referrer-Policy"] == "no-referrer"
    without = contact_page(slug="other", title="Other", pgp_public_key="")
    assert client.get(without.url + "pgp-key/").status_code == 404


def test_footer_links_to_the_page_from_every_kind_of_page(client):
    page = contact_page()
    section = factories.section()
    story = factories.article(parent=section)
    about = factories.home().add_child(instance=InfoPage(title="About us", slug="about"))
    about.save_revision().publish(skip_permission_checks=True)
    for path in ["/", section.url, story.url, about.url, page.url, "/no-such-page/"]:
        document = parse(client.get(path).content.decode())
        footer_links = [
            attrs.get("href")
            for tag, attrs in document.tags
            if tag == "a" and attrs.get("href") == page.url
        ]
        assert footer_links, path
    html = client.get("/").content.decode()
    assert re.search(rf'<a href="{page.url}">[^<]*securely[^<]*</a>', html)


def test_only_one_page_and_bad_values_are_refused():
    assert SecureContactPage.can_create_at(factories.home())
    contact_page()
    assert not SecureContactPage.can_create_at(factories.home())
    for fields, field in [
        ({"onion_address": "http://" + ONION}, "onion_address"),
        ({"onion_address": "short.onion"}, "onion_address"),
        ({"signal_username": "+4912345"}, "signal_username"),
        ({"pgp_fingerprint": "C8A92F47"}, "pgp_fingerprint"),  # a short key id
        ({"pgp_fingerprint": ""}, "pgp_fingerprint"),  # an email needs its fingerprint
        (
            {
                "pgp_public_key": "-----BEGIN PGP PRIVATE KEY BLOCK-----\nx\n-----END PGP PRIVATE KEY BLOCK-----"
            },
            "pgp_public_key",
        ),
    ]:
        values = {"pgp_email": "tips@example.org", "pgp_fingerprint": FINGERPRINT, **fields}
        page = SecureContactPage(title="x", slug="x", **values)
        with pytest.raises(ValidationError) as error:
            page.full_clean(exclude=["path", "depth", "content_type", "locale", "translation_key"])
        assert field in error.value.message_dict, fields


# --- The static copy and nginx ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_built_file_is_the_page_and_nginx_sends_its_headers(client, tmp_path):
    from masthead.distribution import services
    from masthead.distribution.services.nginx import nginx_config, nginx_standalone_config

    page = contact_page()
    about = factories.home().add_child(instance=InfoPage(title="About us", slug="about"))
    about.save_revision().publish(skip_permission_checks=True)
    out = tmp_path / "site"
    report = services.site_build(out=out, processes=1)
    assert page.url not in report.skipped, report.skipped
    built = out / page.url.strip("/") / "index.html"
    assert built.read_bytes() == client.get(page.url).content
    assert (out / page.url.strip("/") / "pgp-key" / "index.html").read_text().strip() == KEY

    # Object storage (masthead publish-s3) gets the same caching rule for its files.
    from masthead.distribution.selectors import source_page_path
    from masthead.distribution.services import policy

    never = source_page_path().lstrip("/")
    assert never == "contact-securely/"
    for name in ("contact-securely/index.html", "contact-securely/pgp-key/index.html"):
        assert policy.cache_control(name, never_stored=never).startswith("no-store")
    assert policy.cache_control("about/index.html", never_stored=never) == policy.PAGE

    if not os.access(NGINX, os.X_OK):
        pytest.fail(f"nginx is needed at {NGINX} (apt-get install nginx)", pytrace=False)
    port = _free_port()
    server = nginx_config(root=out, listen=f"127.0.0.1:{port}", server_names=["127.0.0.1"])
    assert f"location ^~ {page.url} {{" in server
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    (prefix / "nginx.conf").write_text(nginx_standalone_config(server=server, prefix=prefix))
    log = prefix / "error.log"
    process = subprocess.Popen(
        [NGINX, "-c", str(prefix / "nginx.conf"), "-p", str(prefix)],
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
        stdin=subprocess.DEVNULL,
    )
    origin = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                status, headers, body = _get(origin + page.url)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"nginx did not start:\n{Path(log).read_text()}")
                time.sleep(0.1)
        assert body == built.read_bytes()
        # nginx names itself in Server ("nginx", no version with server_tokens off); hiding
        # that needs the headers-more module, so the scanner's "server software" check is
        # left to the operator (README).
        assert_passes(
            scan(url=origin + page.url, status=status, headers=headers, body=body),
            except_for=("no_server_info",),
        )
        assert_source_page_rules(headers, body)
        status, headers, key = _get(origin + page.url + "pgp-key/")
        assert status == 200 and headers["Content-Type"] == "application/pgp-keys"
        assert headers["Content-Disposition"] == 'attachment; filename="pgp-key.asc"'
        assert key.decode().strip() == KEY
        assert headers["Cache-Control"].startswith("no-store")
        # Other pages keep their short public caching.
        status, headers, _body = _get(origin + about.url)
        assert status == 200 and headers["Cache-Control"] == "public, max-age=60"
    finally:
        process.send_signal(signal.SIGQUIT)
        process.wait(timeout=15)


# --- In a browser, without JavaScript ---------------------------------------------------------


@pytest.mark.browser
def test_demo_page_reads_without_javascript_and_keeps_nothing(demo_site, browser):
    from playwright.sync_api import expect

    from masthead.project.demo import content

    channels = content.SECURE_CONTACT
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        console = []
        page.on("console", lambda message: console.append(message.text))
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        response = page.goto(demo_site.url(f"/{channels['slug']}/"))
        assert response is not None and response.status == 200
        expect(page.get_by_role("heading", level=1)).to_have_text(channels["title"])
        expect(page.get_by_text(channels["onion_address"], exact=True)).to_be_visible()
        expect(page.get_by_text(channels["signal_username"], exact=True)).to_be_visible()
        expect(
            page.get_by_text("3A1F 9C42 7D0B E815 6C2A 94F7 0B3D 5E61 C8A9 2F47")
        ).to_be_visible()
        expect(page.get_by_text("Tor Browser").first).to_be_visible()
        assert page.locator("a[href*='.onion'], form, script, iframe").count() == 0
        assert context.cookies() == []
        assert not [m for m in console if "Content Security Policy" in m], console
        origin = demo_site.url("/")
        assert all(url.startswith(origin) for url in requests), requests
    finally:
        context.close()
