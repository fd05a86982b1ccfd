"""The shipped nginx configuration (``deploy/nginx/masthead.conf``) is what ``masthead
nginx-config`` writes, and nginx accepts it. (The tests in ``test_served`` run nginx with the
same template on the built site.)"""

from __future__ import annotations

import contextlib
import http.server
import ipaddress
import os
import re
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

from masthead.distribution.tests.conftest import (
    NGINX,
    ONION,
    SOURCE_ROOT,
    free_port,
    stop,
    wait_for,
)

SHIPPED = SOURCE_ROOT / "deploy" / "nginx" / "masthead.conf"
# The values deploy/nginx/masthead.conf was written with.
EXAMPLE = [
    "--root",
    "/srv/masthead/site",
    "--listen",
    "80",
    "--server-name",
    "news.example.org",
    "--app",
    "http://127.0.0.1:8000",
    "--onion",
    f"http://{ONION}",
    "--source-page",
    "/contact-securely/",
]


def nginx_config(tmp_path, *args: str, languages: str = "en") -> str:
    """The command in a clean environment, as an operator runs it."""
    env = {
        "PATH": os.environ["PATH"],
        "MASTHEAD_DATA_DIR": str(tmp_path),
        "MASTHEAD_BASE_URL": "https://news.example.org",
        "MASTHEAD_LANGUAGES": languages,
    }
    done = subprocess.run(
        [sys.executable, "-m", "masthead.project.cli", "nginx-config", *args],
        env=env,
        cwd=SOURCE_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_shipped_configuration_is_what_the_command_writes(tmp_path):
    assert nginx_config(tmp_path, *EXAMPLE) == SHIPPED.read_text(), (
        "deploy/nginx/masthead.conf is out of date: regenerate it with "
        f"`masthead nginx-config {' '.join(EXAMPLE)}` (MASTHEAD_BASE_URL=https://news.example.org)"
    )


def test_nginx_accepts_the_shipped_configuration(tmp_path):
    if not os.access(NGINX, os.X_OK):
        pytest.fail(f"nginx is needed at {NGINX} (apt-get install nginx)", pytrace=False)
    config = nginx_config(tmp_path, *EXAMPLE, "--standalone", str(tmp_path))
    (tmp_path / "nginx.conf").write_text(config)
    done = subprocess.run(
        [NGINX, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    shipped = SHIPPED.read_text()
    assert f'add_header Onion-Location "http://{ONION}$request_uri" always;' in shipped
    assert 'add_header Cache-Control "public, max-age=31536000, immutable" always;' in shipped
    assert 'add_header Cache-Control "public, max-age=60" always;' in shipped


# --- The reader's address reaches the app --------------------------------------------------


class _Echo(http.server.BaseHTTPRequestHandler):
    """The app's place: answers with the X-Forwarded-For nginx sent."""

    def do_POST(self):  # noqa: N802 - the handler's API
        body = (self.headers.get("X-Forwarded-For") or "").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _local_address() -> str:
    """This machine's address on its network (not loopback): where a CDN's requests come from
    in this test. A UDP "connection" sends nothing; it only picks the outgoing address."""
    candidates = []
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("198.51.100.1", 9))
        candidates.append(probe.getsockname()[0])
    with contextlib.suppress(OSError):
        candidates += socket.gethostbyname_ex(socket.gethostname())[2]
    for address in candidates:
        if not ipaddress.ip_address(address).is_loopback:
            return address
    pytest.fail("this test needs a network address besides loopback", pytrace=False)


@contextlib.contextmanager
def _nginx_running(
    tmp_path, *args: str, listen_host: str = "127.0.0.1", probe: str = "/", languages: str = "en"
):
    """nginx with the generated standalone configuration (``args`` for ``nginx-config``),
    answering at the origin yielded with the configuration; stopped afterwards."""
    if not os.access(NGINX, os.X_OK):
        pytest.fail(f"nginx is needed at {NGINX} (apt-get install nginx)", pytrace=False)
    port = free_port()
    config = nginx_config(
        tmp_path,
        *("--listen", f"{listen_host}:{port}", "--onion", "", "--source-page", ""),
        *("--standalone", str(tmp_path), *args),
        languages=languages,
    )
    (tmp_path / "nginx.conf").write_text(config)
    log = tmp_path / "error.log"
    log.touch()
    process = subprocess.Popen(
        [NGINX, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
        stdin=subprocess.DEVNULL,
    )
    origin = f"http://{listen_host}:{port}"
    try:
        wait_for(origin + probe, process, log)
        yield origin, config
    finally:
        stop(process)


@contextlib.contextmanager
def _nginx_in_front_of_echo(tmp_path, *args: str, listen_host: str):
    echo = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=echo.serve_forever, daemon=True).start()
    (tmp_path / "site").mkdir()
    app = f"http://127.0.0.1:{echo.server_address[1]}"
    try:
        with _nginx_running(
            tmp_path,
            *("--root", str(tmp_path / "site"), "--app", app, *args),
            listen_host=listen_host,
            probe="/api/x",
        ) as running:
            yield running
    finally:
        echo.shutdown()
        echo.server_close()


def _forwarded(origin: str, claimed: str) -> str:
    """What the app is told about a post that arrives with ``X-Forwarded-For: claimed``."""
    request = urllib.request.Request(
        origin + "/newsletter/signup/", data=b"x=1", headers={"X-Forwarded-For": claimed}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


def _client_seen_by_the_app(forwarded: str) -> str | None:
    """The app behind nginx (``MASTHEAD_BEHIND_PROXY``: loopback trusted)."""
    from django.test import RequestFactory, override_settings

    from masthead.core.throttle import trusted_client_network

    request = RequestFactory().post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXIES=["127.0.0.0/8", "::1/128"]):
        return trusted_client_network(request)


def test_nginx_alone_tells_the_app_the_reader_and_not_what_the_reader_claims(tmp_path):
    local = _local_address()
    with _nginx_in_front_of_echo(tmp_path, listen_host=local) as (origin, config):
        assert "set_real_ip_from" not in config
        forwarded = _forwarded(origin, "203.0.113.9")
    # Replaced, not appended to: the reader's own claim never reaches the app.
    assert forwarded == local
    assert _client_seen_by_the_app(forwarded) == local


def test_behind_a_cdn_nginx_passes_on_the_reader_the_cdn_reports(tmp_path):
    cdn = _local_address()  # requests come from here, as from the CDN's edge
    with _nginx_in_front_of_echo(tmp_path, "--real-ip-from", f"{cdn}/32", listen_host=cdn) as (
        origin,
        config,
    ):
        assert f"set_real_ip_from {cdn}/32;" in config
        assert "real_ip_header X-Forwarded-For;" in config
        # The CDN appends the reader (203.0.113.9) to what the reader claimed (1.1.1.1).
        forwarded = _forwarded(origin, "1.1.1.1, 203.0.113.9")
    assert forwarded == "203.0.113.9"
    assert _client_seen_by_the_app(forwarded) == "203.0.113.9"


def test_onion_readers_cannot_choose_their_address(tmp_path):
    """The Tor daemon connects from loopback: nginx must never believe it, nor the app see an
    address for it."""
    with _nginx_in_front_of_echo(tmp_path, listen_host="127.0.0.1") as (origin, _config):
        forwarded = _forwarded(origin, "203.0.113.9")
    assert forwarded == "127.0.0.1"
    assert _client_seen_by_the_app(forwarded) is None
    env = {
        "PATH": os.environ["PATH"],
        "MASTHEAD_DATA_DIR": str(tmp_path),
        "MASTHEAD_BASE_URL": "https://news.example.org",
    }
    done = subprocess.run(
        [sys.executable, "-m", "masthead.project.cli", "nginx-config", *EXAMPLE]
        + ["--real-ip-from", "127.0.0.1/32"],
        env=env,
        cwd=SOURCE_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "--real-ip-from" in done.stderr


def test_requests_are_logged_without_the_readers_address(tmp_path):
    shipped = SHIPPED.read_text()
    formats = re.findall(r"log_format \S+ '([^']*)'", shipped)
    assert formats and all("remote_addr" not in f and "forwarded" not in f for f in formats)
    # Buffered: one write per request would cost more than the rest of serving a page.
    assert (
        "access_log /var/log/nginx/masthead.access.log masthead_private buffer=64k flush=5s;"
        in shipped
    )
    standalone = nginx_config(tmp_path, *EXAMPLE, "--standalone", str(tmp_path))
    assert f"access_log {tmp_path.resolve()}/access.log masthead_private;" not in standalone
    assert "access_log off;" in standalone


def test_a_missing_address_gets_the_404_page_of_its_language_edition(tmp_path):
    """nginx alone (no app) answers what is not a file with the 404 page of the edition the
    address is in (/ru/404.html for /ru/…), and with /404.html elsewhere, with status 404."""
    site = tmp_path / "site"
    (site / "ru" / "politics").mkdir(parents=True)
    (site / "politics").mkdir()
    (site / "404.html").write_text("<p>We could not find that page</p>")
    (site / "ru" / "404.html").write_text("<p>Мы не нашли эту страницу</p>")
    (site / "ru" / "politics" / "index.html").write_text("<p>Политика</p>")

    def get(origin: str, path: str) -> tuple[int, str, str]:
        try:
            with urllib.request.urlopen(origin + path, timeout=10) as response:
                return response.status, response.headers["Cache-Control"], response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers["Cache-Control"], error.read().decode()

    with _nginx_running(tmp_path, "--root", str(site)) as (origin, _config):
        assert get(origin, "/ru/politics/")[0] == 200
        for path in ("/ru/no-such-page/", "/ru/politics/no-such-story/", "/ru/x.xml"):
            status, cache, body = get(origin, path)
            assert (status, body) == (404, "<p>Мы не нашли эту страницу</p>"), path
            assert cache == "public, max-age=60"
        for path in ("/no-such-page/", "/politics/no-such-story/", "/rus/x/", "/static/x.css"):
            assert get(origin, path)[:3:2] == (404, "<p>We could not find that page</p>"), path


@pytest.mark.parametrize("languages,edition", [("en", ""), ("en,ru", "/ru")])
def test_feeds_get_their_types_and_pages_are_tested_against_one_expression_only(
    tmp_path, languages, edition
):
    """The feeds' regular expressions are nested under /feeds/, so that every other request (a
    page) is matched by prefix and tested only against the hidden-file rule; feeds still get
    their types and headers, hidden files under /feeds/ are still refused, and anything else
    there is answered as a page."""
    top_level = re.findall(r"^    location (~\*?|=|\^~)? ?(\S+)", SHIPPED.read_text(), re.M)
    assert [path for kind, path in top_level if kind.startswith("~")] == [r"/\."]
    site = tmp_path / "site"
    feeds = site / edition.lstrip("/") / "feeds"  # each edition's: /feeds/, /ru/feeds/
    (feeds / "politics").mkdir(parents=True)
    (feeds / ".git").mkdir()
    (feeds / "rss.xml").write_text("<rss/>")
    (feeds / "politics" / "atom.xml").write_text("<feed/>")
    (feeds / ".git" / "rss.xml").write_text("secret")
    (feeds / "index.html").write_text("<p>Feeds</p>")
    (site / "404.html").write_text("<p>We could not find that page</p>")

    def get(origin: str, path: str) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(origin + path, timeout=10) as response:
                return response.status, response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.headers

    with _nginx_running(
        tmp_path, "--root", str(site), "--onion", f"http://{ONION}", languages=languages
    ) as (origin, _config):
        for path, kind in (
            (f"{edition}/feeds/rss.xml", "rss"),
            (f"{edition}/feeds/politics/atom.xml", "atom"),
        ):
            status, headers = get(origin, path)
            assert status == 200, path
            assert headers["Content-Type"] == f"application/{kind}+xml; charset=utf-8"
            assert headers["Content-Security-Policy"].startswith("default-src 'self'")
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert headers["Cache-Control"] == "public, max-age=60"
        assert get(origin, f"{edition}/feeds/.git/rss.xml")[0] == 404
        status, headers = get(origin, f"{edition}/feeds/")
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert headers["Onion-Location"] == f"http://{ONION}{edition}/feeds/"
        assert headers["Content-Security-Policy"].startswith("default-src 'self'")
