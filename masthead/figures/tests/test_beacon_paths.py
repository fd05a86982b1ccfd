"""The beacon answered in the WSGI layer (``core.lean``, wired in ``project.wsgi``) gives the
same answers, headers and effects as the same view behind Django's whole middleware stack."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from django.test.client import RequestFactory

from masthead.core.lean import LeanHandler
from masthead.figures import services, views
from masthead.figures.models import Readership
from masthead.figures.tests.test_figures import CHROME, rows
from masthead.project.wsgi import application as fronted

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
GOOD = b"p=/world/story/&l=en&r=search"


@dataclass
class Answer:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    handler: type


def call(app, method="POST", body=GOOD, content_type=FORM, **extra) -> Answer:
    extra = {"REMOTE_ADDR": "198.51.100.7", "HTTP_USER_AGENT": CHROME, **extra}
    request = RequestFactory().generic(method, "/figures/hit", body, content_type, **extra)
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=headers)

    # As Django's test client does: the test's transaction must outlive the request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        result = app(request.environ, start_response)
        body = b"".join(result)
        result.close()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
    return Answer(started["status"], started["headers"], body, result._handler_class)


def both(**kwargs) -> tuple[Answer, Answer]:
    """The same request through Django's whole stack, then through the fronted application."""
    full, lean = call(WSGIHandler(), **kwargs), call(fronted, **kwargs)
    assert full.handler is WSGIHandler
    assert lean.handler is LeanHandler
    return full, lean


def assert_same(full: Answer, lean: Answer) -> None:
    assert lean.status == full.status
    assert lean.body == full.body

    # ``Expires`` is a date one second in the past: the two may straddle a second.
    def headers(answer):
        return sorted((n, v) for n, v in answer.headers if n != "Expires")

    def expires(answer):
        return [parsedate_to_datetime(v) for n, v in answer.headers if n == "Expires"]

    assert headers(lean) == headers(full)
    assert len(expires(lean)) == len(expires(full))
    for lean_expires, full_expires in zip(expires(lean), expires(full), strict=True):
        assert abs((lean_expires - full_expires).total_seconds()) <= 2


def header(answer: Answer, name: str) -> str | None:
    return next((v for n, v in answer.headers if n.lower() == name.lower()), None)


def test_a_good_hit_is_answered_alike_and_counted_on_both_paths():
    full, lean = both(HTTP_ORIGIN=settings.BASE_URL)
    assert_same(full, lean)
    assert lean.status.startswith("204")
    # What the middleware adds to every answer, and the beacon's own headers.
    for name in (
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Content-Security-Policy",
        "Permissions-Policy",
        "Cross-Origin-Resource-Policy",
        "X-Frame-Options",
        "Cache-Control",
        "Vary",
        "Access-Control-Allow-Origin",
    ):
        assert header(lean, name), name
    assert header(lean, "Set-Cookie") is None
    # Two hits of the same reader: two views, one reader, no address anywhere.
    assert rows() == {("/world/story/", "main", "", "search"): (2, 1, 0)}
    assert "198.51.100" not in repr(list(Readership.objects.values()))


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"HTTP_ORIGIN": "https://evil.example.com"}, 403),
        ({"HTTP_ORIGIN": "null", "body": b"p=/x/&l=en&r=email"}, 204),  # a copy from disk
        ({"REMOTE_ADDR": "127.0.0.1"}, 204),  # no address (onion): the shared budget
        ({"body": b"p=http://x/&l=en&r=none"}, 400),
        ({"body": b"p=/x/&l=<b>&r=none"}, 400),
        ({"body": b"p=/x/&l=en&r=https://google.com/"}, 400),
        ({"body": b"p=/x/&l=en&r=none&d=30"}, 400),
        ({"body": b"p=/x/&l=en&r=none&p=/y/"}, 400),  # p twice
        ({"body": b"p=/x/&l=en&r=none&x=" + b"a" * 2000}, 413),
        ({"CONTENT_LENGTH": "many"}, 400),
        ({"body": b"{}", "content_type": "application/json"}, 415),
        ({"method": "GET", "body": b""}, 405),
        ({"method": "OPTIONS", "body": b"", "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST"}, 405),
        ({"HTTP_HOST": "elsewhere.example.org"}, 400),  # not in ALLOWED_HOSTS
    ],
)
def test_every_answer_is_the_same_on_both_paths(kwargs, status):
    kwargs = {"HTTP_ORIGIN": settings.BASE_URL, **kwargs}
    full, lean = both(**kwargs)
    assert full.status.startswith(str(status))
    assert_same(full, lean)
    if status >= 400:
        assert rows() == {}


def test_a_post_without_an_origin_is_refused_alike():
    full, lean = both()
    assert full.status.startswith("403")
    assert_same(full, lean)
    assert header(lean, "Access-Control-Allow-Origin") is None


@override_settings(FIGURES_HIT_LIMIT=2)
def test_both_paths_count_against_one_rate_limit():
    origin = settings.BASE_URL
    assert call(WSGIHandler(), HTTP_ORIGIN=origin).status.startswith("204")
    assert call(fronted, HTTP_ORIGIN=origin).status.startswith("204")
    full, lean = both(HTTP_ORIGIN=origin)
    assert full.status.startswith("429")
    assert_same(full, lean)
    assert header(lean, "Retry-After") == str(settings.FIGURES_HIT_WINDOW)
    assert rows() == {("/world/story/", "main", "", "search"): (2, 1, 0)}


def test_only_the_beacon_is_answered_in_front_of_django():
    assert set(fronted.handlers) == {"/figures/hit"}
    assert fronted.handlers["/figures/hit"].view is views.hit
    request = RequestFactory().get("/figures/pixel.gif")
    result = fronted(request.environ, lambda *args: None)
    result.close()
    assert result._handler_class is WSGIHandler


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_flush_runs_on_its_own_thread_and_hits_never_wait_for_it(monkeypatch):
    """A flush stuck in its database write (or its sketch merge) holds no lock a hit needs."""
    entered, release = threading.Event(), threading.Event()
    written: list[tuple[str, int]] = []
    apply = services.readership_apply

    def slow_apply(*, tally, readers):
        written.append((threading.current_thread().name, sum(v for v, _ in tally.rows.values())))
        entered.set()
        release.wait(10)
        return apply(tally=tally, readers=readers)

    monkeypatch.setattr(services, "readership_apply", slow_apply)
    with override_settings(FIGURES_FLUSH_SECONDS=0.05):
        assert call(fronted, HTTP_ORIGIN=settings.BASE_URL).status.startswith("204")
        assert entered.wait(5), "the flush thread did not flush"
        started = time.monotonic()
        for _ in range(3):
            assert call(fronted, HTTP_ORIGIN=settings.BASE_URL).status.startswith("204")
        assert time.monotonic() - started < 2  # not behind the stuck flush
        release.set()
        deadline = time.monotonic() + 5
        while sum(n for _, n in written) < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
    assert written == [("figures-flush", 1), ("figures-flush", 3)]
    assert rows() == {("/world/story/", "main", "", "search"): (4, 1, 0)}


def test_a_failure_inside_is_the_same_500_on_both_paths(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the tally is broken")

    monkeypatch.setattr(services, "hit_record", broken)
    full, lean = both(HTTP_ORIGIN=settings.BASE_URL)
    assert full.status.startswith("500")
    assert_same(full, lean)
