"""``/healthz``: database, cache and a worker's heartbeat, through a real worker process."""

import json
import os
import subprocess
import sys
import time

import pytest

from masthead.newsletters.tests.test_kill_resume import database_url
from masthead.project.heartbeat import HEARTBEAT_KEY, heartbeat_record

pytestmark = pytest.mark.django_db


def health(client):
    response = client.get("/healthz")
    return response, json.loads(response.content)


def test_without_a_worker_it_answers_503_and_says_which_check_failed(client):
    response, body = health(client)
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["cache"] == {"ok": True}
    assert body["checks"]["worker"] == {"ok": False, "last_beat_seconds_ago": None}


def test_a_fresh_heartbeat_makes_it_healthy_and_an_old_one_does_not(client, settings):
    heartbeat_record(worker_id="host-1")
    response, body = health(client)
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["worker"]["ok"] is True

    heartbeat_record(worker_id="host-1", now=time.time() - settings.WORKER_HEARTBEAT_MAX_AGE - 5)
    response, body = health(client)
    assert response.status_code == 503
    assert body["checks"]["worker"]["last_beat_seconds_ago"] > settings.WORKER_HEARTBEAT_MAX_AGE


def test_never_cached_not_even_by_the_page_cache(client):
    heartbeat_record(worker_id="host-1")
    first = client.get("/healthz")
    assert "no-store" in first["Cache-Control"]
    assert "X-Page-Cache" not in first
    from django.core.cache import cache

    cache.delete(HEARTBEAT_KEY)  # the worker stops: the next answer must say so at once
    second = client.get("/healthz")
    assert second.status_code == 503
    assert "X-Page-Cache" not in second


def test_an_unreachable_cache_is_reported_not_raised(client, settings):

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # discard port: nothing listens
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    response, body = health(client)
    assert response.status_code == 503
    assert body["checks"]["cache"] == {"ok": False, "error": "ConnectionError"}
    assert body["checks"]["database"] == {"ok": True}


def test_only_get_and_head(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code in (200, 503)


def test_plain_http_is_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code in (200, 503)
    assert client.get("/").status_code == 301


# The worker is its own process: it must see committed data, and an SQLite test transaction
# would hold the database's write lock.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_running_worker_keeps_it_healthy_and_a_stopped_one_does_not(client, settings):
    env = {**os.environ, "DATABASE_URL": database_url()}
    worker = subprocess.Popen(
        [sys.executable, "-m", "masthead.project.cli", "worker", "--no-schedule"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            response, body = health(client)
            if response.status_code == 200:
                break
            assert worker.poll() is None, worker.stderr.read().decode()
            time.sleep(0.3)
        assert response.status_code == 200, body
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    settings.WORKER_HEARTBEAT_MAX_AGE = 1
    time.sleep(1.5)
    response, body = health(client)
    assert response.status_code == 503
    assert body["checks"]["worker"]["ok"] is False
