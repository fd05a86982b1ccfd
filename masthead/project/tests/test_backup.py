"""``masthead backup`` and ``masthead restore``, as an operator runs them: the demo publication is
backed up and restored into a new data directory and database (PostgreSQL: a newly created
database, when the run's DATABASE_URL is PostgreSQL), which then holds the same rows and shows
the same pages, byte for byte."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from masthead.project.tests.demo_server import (
    DEMO_BUILD_TIMEOUT,
    POSTGRES_SCHEMES,
    SOURCE_ROOT,
    _postgres_admin_connection,
    _postgres_drop,
)

COMMAND_TIMEOUT = 600


@dataclass(frozen=True)
class Deployment:
    data_dir: Path
    env: dict[str, str]

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, *args],
            env=self.env,
            cwd=SOURCE_ROOT,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )

    def masthead(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = self.run("-m", "masthead.project.cli", *args)
        if check:
            assert done.returncode == 0, f"masthead {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done

    def probe(self) -> dict:
        done = self.run("-m", "masthead.project.tests.site_probe")
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout)


def postgres_server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if urlsplit(url).scheme in POSTGRES_SCHEMES else None


@contextmanager
def deployment(data_dir: Path, name: str) -> Iterator[Deployment]:
    """An empty deployment: a data directory, and its own PostgreSQL database when the run
    is on PostgreSQL (created empty here, dropped afterwards)."""
    server = postgres_server_url()
    if server is None:
        database_url = f"sqlite:///{data_dir / 'masthead.sqlite3'}"
    else:
        from psycopg import sql

        database = f"{name}_{os.getpid()}"
        _postgres_drop(server, database)
        with _postgres_admin_connection(server) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        database_url = urlunsplit(urlsplit(server)._replace(path=f"/{database}"))
    env = {
        **os.environ,
        "MASTHEAD_DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "MASTHEAD_BASE_URL": "https://news.example.org",
        "ALLOWED_HOSTS": "testserver",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("SECRET_KEY", None)
    env.pop("MASTHEAD_STATIC_ROOT", None)
    try:
        yield Deployment(data_dir=data_dir, env=env)
    finally:
        if server is not None:
            _postgres_drop(server, database)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[tuple[Deployment, dict, Path]]:
    """The demo publication, what it holds and shows, and a plain backup of it."""
    with deployment(tmp_path_factory.mktemp("backup-source"), "masthead_backup_src") as source:
        done = subprocess.run(
            [sys.executable, "-m", "masthead.project.cli", "demo", "--no-serve"],
            env=source.env,
            cwd=SOURCE_ROOT,
            capture_output=True,
            text=True,
            timeout=DEMO_BUILD_TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        seen = source.probe()  # rendering first: renditions made on the way are backed up too
        archive = source.data_dir / "backups" / "demo.tar"
        source.masthead("backup", "--out", str(archive))
        yield source, seen, archive


def restored(target: Deployment, archive: Path, *args: str) -> dict:
    done = target.masthead("restore", str(archive), *args)
    assert "Restored the backup" in done.stdout
    assert "collectstatic" in done.stdout  # a new data directory has no collected assets yet
    target.masthead("collectstatic", "--noinput", "-v", "0")
    return target.probe()


def assert_same_site(seen: dict, found: dict) -> None:
    assert found["live_pages"] == seen["live_pages"] > 20
    assert found["subscribers"] == seen["subscribers"] > 0
    assert found["contributions"] == seen["contributions"] > 0
    assert found["rows"] == seen["rows"]
    assert found["pages"] == seen["pages"]  # every live page, status and bytes


def test_a_backup_of_the_demo_restores_into_a_new_deployment(demo, tmp_path):
    source, seen, archive = demo
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[-1] == "manifest.json"
    assert set(manifest["members"]) == set(names) - {"manifest.json"}
    assert any(name.startswith("media/original_images/") for name in names)
    assert manifest["database_engine"] == ("postgresql" if postgres_server_url() else "sqlite")
    assert "0001_initial" in manifest["migrations"]["publishing"]
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    with deployment(tmp_path / "restored", "masthead_backup_dst") as target:
        assert_same_site(seen, restored(target, archive))
        # The generated secret key came along: links already emailed keep working.
        assert (target.data_dir / "secret_key").read_text() == (
            source.data_dir / "secret_key"
        ).read_text()


def test_an_encrypted_backup_needs_the_private_key(demo, tmp_path):
    from pyrage import x25519

    source, seen, _archive = demo
    key, other = x25519.Identity.generate(), x25519.Identity.generate()
    key_file, other_file = tmp_path / "key.txt", tmp_path / "other.txt"
    key_file.write_text(f"# created for the test\n{key}\n")
    other_file.write_text(f"{other}\n")
    archive = tmp_path / "demo.tar.age"
    source.masthead("backup", "--out", str(archive), "--encrypt-to", str(key.to_public()))
    assert archive.read_bytes().startswith(b"age-encryption.org/v1")
    assert b"subscriber" not in archive.read_bytes().lower()

    with deployment(tmp_path / "restored", "masthead_backup_enc") as target:
        refused = target.masthead("restore", str(archive), check=False)
        assert refused.returncode != 0
        assert "encrypted (age): give the private key with --identity" in refused.stderr
        refused = target.masthead(
            "restore", str(archive), "--identity", str(other_file), check=False
        )
        assert refused.returncode != 0
        assert "Cannot decrypt" in refused.stderr
        assert_same_site(seen, restored(target, archive, "--identity", str(key_file)))


def test_restore_refuses_a_deployment_that_is_not_empty(demo):
    source, _seen, archive = demo
    refused = source.masthead("restore", str(archive), check=False)
    assert refused.returncode != 0
    assert "Refusing to restore" in refused.stderr
    assert "already has tables" in refused.stderr
    assert "media directory" in refused.stderr


def test_a_damaged_archive_is_refused_and_nothing_is_restored(demo, tmp_path):
    _source, _seen, archive = demo
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.startswith("media/"))
        offset = member.offset_data
    data = bytearray(archive.read_bytes())
    data[offset + 100] ^= 0xFF
    damaged.write_bytes(bytes(data))

    with deployment(tmp_path / "restored", "masthead_backup_bad") as target:
        refused = target.masthead("restore", str(damaged), check=False)
        assert refused.returncode != 0
        assert f"Checksum mismatch for {member.name}" in refused.stderr
        # Nothing was put in place: the deployment is still empty, a good archive goes in.
        assert not list((target.data_dir / "media").rglob("*.jpg"))
        target.masthead("restore", str(archive))


def test_without_pg_dump_the_backup_says_what_to_install(demo, tmp_path):
    if postgres_server_url() is None:
        pytest.skip("SQLite is backed up through Python's sqlite3; no client program is needed")
    source, _seen, _archive = demo
    out = tmp_path / "backup.tar"
    without_client = Deployment(source.data_dir, {**source.env, "PATH": str(tmp_path)})
    done = without_client.masthead("backup", "--out", str(out), check=False)
    assert done.returncode != 0
    assert re.search(
        r"pg_dump is not installed\. .*apt-get install postgresql-client-\d+", done.stderr
    )
    assert not out.exists()
