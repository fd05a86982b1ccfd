"""The shipped nginx configuration (``deploy/nginx/masthead.conf``) is what ``masthead
nginx-config`` writes, and nginx accepts it. (The tests in ``test_served`` run nginx with the
same template on the built site.)"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from masthead.distribution.tests.conftest import NGINX, ONION, SOURCE_ROOT

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
]


def nginx_config(tmp_path, *args: str) -> str:
    """The command in a clean environment, as an operator runs it."""
    env = {
        "PATH": os.environ["PATH"],
        "MASTHEAD_DATA_DIR": str(tmp_path),
        "MASTHEAD_BASE_URL": "https://news.example.org",
    }
    done = subprocess.run(
        [sys.executable, "-m", "masthead.core.cli", "nginx-config", *args],
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
