"""MASTHEAD_TASK_BACKEND=rq: a task enqueued by Masthead runs in a real ``rqworker`` process
(django-tasks-rq's job class) on the local Redis, and its result comes back."""

import json
import os
import subprocess
import sys

import pytest
import redis

from masthead.project.tests.demo_server import SOURCE_ROOT

REDIS_URL = "redis://127.0.0.1:6379/12"  # our own database on the local server


def rq_env(tmp_path) -> dict[str, str]:
    env = {
        **os.environ,
        "MASTHEAD_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'masthead.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "MASTHEAD_TASK_BACKEND": "rq",
    }
    return env


def run(env: dict, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=SOURCE_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


ENQUEUE = """
import django, json, sys
django.setup()
from django.tasks import task_backends
from masthead.project.tests.rq_tasks import marker_write
result = marker_write.enqueue(path=sys.argv[1], text="ran in rq")
print(json.dumps({"id": result.id, "backend": type(task_backends["default"]).__name__}))
"""

RESULT = """
import django, json, sys
django.setup()
from django.tasks import task_backends
result = task_backends["default"].get_result(sys.argv[1])
print(json.dumps({"status": result.status, "value": result.return_value,
                  "workers": result.worker_ids}))
"""


def test_a_task_runs_in_a_real_rq_worker(tmp_path):
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.fail(f"The RQ test needs Redis at {REDIS_URL} (apt-get install redis-server)")
    env = {**rq_env(tmp_path), "DJANGO_SETTINGS_MODULE": "masthead.project.settings"}
    marker = tmp_path / "marker.txt"

    enqueued = run(env, "-c", ENQUEUE, str(marker))
    assert enqueued.returncode == 0, enqueued.stderr
    job = json.loads(enqueued.stdout.splitlines()[-1])
    assert job["backend"] == "RQBackend"
    assert not marker.exists()  # queued in Redis, not run in the enqueuing process

    worker = run(
        env,
        "-m",
        "masthead.project.cli",
        "rqworker",
        "--job-class",
        "django_tasks_rq.Job",
        "--burst",  # exits once the queue is empty
        "default",
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr
    assert marker.read_text() == "ran in rq"

    result = run(env, "-c", RESULT, job["id"])
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.splitlines()[-1])
    assert answer["status"] == "SUCCESSFUL"
    assert answer["value"] == "RAN IN RQ"
    assert answer["workers"]


def test_the_rq_backend_needs_redis(tmp_path):
    env = rq_env(tmp_path)
    env.pop("REDIS_URL")
    done = run(env, "-m", "masthead.project.cli", "check")
    assert done.returncode == 2
    assert "MASTHEAD_TASK_BACKEND: the rq backend needs REDIS_URL" in done.stderr
