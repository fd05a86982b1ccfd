"""The production recipe in deploy/: settings that pass ``check --deploy``, and files that
parse. No container runtime runs here, so the compose file and the Containerfile are checked
for their topology and instructions, and the same topology runs as processes in
test_two_machines.py; systemd units go through ``systemd-analyze verify`` where it exists."""

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from masthead.project.tests.demo_server import SOURCE_ROOT

DEPLOY = SOURCE_ROOT / "deploy"


def production_env() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "production.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def base_env() -> dict[str, str]:
    """A server's environment: none of the test run's own settings (DJANGO_ALLOW_ASYNC_UNSAFE,
    the test data directory…)."""
    return {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "masthead.project.cli",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        cwd=SOURCE_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_check_deploy_passes_with_the_documented_production_settings(tmp_path):
    example = production_env()
    env = base_env()
    # Paths of this machine instead of the server's; every other value as documented.
    env.update(example, MASTHEAD_DATA_DIR=str(tmp_path / "data"))
    env["MASTHEAD_STATIC_OUT"] = str(tmp_path / "site")
    done = check_deploy(env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout + done.stderr


def test_check_deploy_still_warns_without_them(tmp_path):
    """The check is not silenced: leave the https settings out and it says so."""
    env = base_env()
    env.update(
        {
            key: value
            for key, value in production_env().items()
            if not key.startswith(("SECURE_", "MASTHEAD_"))
        },
        MASTHEAD_DATA_DIR=str(tmp_path / "data"),
        MASTHEAD_BASE_URL="https://news.example.org",
    )
    done = check_deploy(env)
    assert done.returncode != 0
    assert "security.W008" in done.stderr  # SECURE_SSL_REDIRECT


def test_every_documented_variable_is_read_by_the_settings():
    settings_source = (SOURCE_ROOT / "masthead/project/settings.py").read_text()
    for name in production_env():
        if name.startswith("MASTHEAD_BACKUP_"):
            assert (
                name
                in (DEPLOY / "systemd/masthead-backup.service").read_text()
                + (DEPLOY / "compose.yaml").read_text()
            )
        elif name not in ("MASTHEAD_LANGUAGES",):
            assert f'"{name}"' in settings_source, name


def test_compose_has_the_production_topology():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "nginx", "migrate", "backup"} <= set(services)
    assert {"pgdata", "redisdata", "data", "site"} <= set(compose["volumes"])
    web, worker, nginx = services["web"], services["worker"], services["nginx"]
    # The app and the worker: one image, read-only root, state on volumes, no migration.
    for service in (web, worker, services["migrate"], services["backup"]):
        assert service["build"]["dockerfile"] == "deploy/Containerfile"
        assert service["read_only"] is True
        assert "data:/var/lib/masthead" in service["volumes"]
    assert "migrate" not in str(web.get("command", "")) + str(worker["command"])
    assert services["migrate"]["command"] == ["masthead", "migrate", "--noinput"]
    assert services["migrate"]["profiles"] == ["tools"]  # run on purpose, not at every start
    assert worker["command"] == ["masthead", "worker"]
    assert web["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert web["environment"]["DATABASE_URL"].startswith("postgres://masthead:")
    assert "/healthz" in " ".join(web["healthcheck"]["test"])
    # nginx: the shipped configuration, the built site, the app at 127.0.0.1:8000.
    assert nginx["network_mode"] == "service:web"
    assert "./nginx/masthead.conf:/etc/nginx/conf.d/default.conf:ro" in nginx["volumes"]
    assert "site:/srv/masthead/site:ro" in nginx["volumes"]
    conf = (DEPLOY / "nginx/masthead.conf").read_text()
    assert "root /srv/masthead/site;" in conf and "proxy_pass http://127.0.0.1:8000;" in conf
    # pg_dump in the image matches the server's major version.
    assert services["postgres"]["image"].startswith("postgres:15")
    assert "postgresql-client-15" in (DEPLOY / "Containerfile").read_text()


def test_the_containerfile_builds_a_non_root_read_only_image():
    text = (DEPLOY / "Containerfile").read_text()
    instructions = [
        line.split()[0]
        for line in re.sub(r"\\\n", " ", text).splitlines()
        if line and not line.startswith((" ", "#"))
    ]
    assert instructions.count("FROM") == 2
    assert {"COPY", "RUN", "ENV", "USER", "VOLUME", "CMD", "EXPOSE"} <= set(instructions)
    assert re.search(r"^USER masthead$", text, re.M)
    assert instructions.index("USER") > max(
        i for i, word in enumerate(instructions) if word == "RUN"
    )
    assert "masthead collectstatic --noinput" in text  # at build time
    assert "MASTHEAD_STATIC_ROOT=/opt/masthead-static" in text  # outside the data volume
    cmd = text[text.index("\nCMD") :]
    assert "gunicorn" in cmd and "migrate" not in cmd
    assert "ENTRYPOINT" not in instructions


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_units_verify(tmp_path):
    units = sorted((DEPLOY / "systemd").iterdir())
    assert {unit.name for unit in units} >= {
        "masthead-web.service",
        "masthead-worker.service",
        "masthead-backup.service",
        "masthead-backup.timer",
    }
    # The units name the server's paths; verify them against this machine's installation.
    for unit in units:
        text = unit.read_text().replace("/opt/masthead/venv", sys.prefix)
        (tmp_path / unit.name).write_text(text)
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Unknown" not in output and "not executable" not in output, output
    timer = (DEPLOY / "systemd/masthead-backup.timer").read_text()
    assert "OnCalendar=" in timer and "Persistent=true" in timer
    assert "masthead backup --out" in (DEPLOY / "systemd/masthead-backup.service").read_text()
