"""``/healthz``: can this web process do its work? For load balancers, compose and systemd.

The database answers a query, the cache stores and returns a value, and a worker beat
recently (``masthead.project.heartbeat``). 200 when all three hold, 503 when one does not;
the body names each check. Never cached, by browsers, proxies or the page cache (which stores
no ``no-store`` response). It says what failed, never why: error messages can name hosts and
users, and this address is public.
"""

from __future__ import annotations

import logging
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from masthead.project.heartbeat import heartbeat_latest

logger = logging.getLogger(__name__)

PROBE_KEY = "healthz:probe"


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _cache() -> dict:
    token = secrets.token_hex(8)
    cache.set(PROBE_KEY, token, timeout=30)
    return {"ok": cache.get(PROBE_KEY) == token}


def _worker() -> dict:
    beat = heartbeat_latest()
    if beat is None:
        return {"ok": False, "last_beat_seconds_ago": None}
    age = max(0.0, time.time() - beat.at)
    return {
        "ok": age <= settings.WORKER_HEARTBEAT_MAX_AGE,
        "last_beat_seconds_ago": round(age, 1),
    }


CHECKS = {"database": _database, "cache": _cache, "worker": _worker}


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # noqa: BLE001 - a failed check is an answer, not a 500
            logger.warning("Health check %s failed", name, exc_info=True)
            results[name] = {"ok": False, "error": type(error).__name__}
    healthy = all(result["ok"] for result in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": results},
        status=200 if healthy else 503,
    )
