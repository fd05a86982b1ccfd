"""Backups: the database, the media and the secret key in one archive, and back again.

The archive is a tar file::

    database/masthead.sqlite3     SQLite, copied through its online backup API (writers go on)
    database/masthead.pgdump      or PostgreSQL, pg_dump's custom format
    media/…                       uploaded images and documents (local storage only)
    secret_key                    the generated key, when SECRET_KEY is not set
    manifest.json                 last: sha256 and size of every member above, the Masthead
                                  version, the applied migrations, and the rows of every model

Encrypted to an age public key (``age1…``) when one is given: the whole tar, with the file
header ``age-encryption.org/v1``. ``backup_restore`` puts an archive into an *empty*
deployment only (no tables, no media), verifies every checksum before anything is placed,
and compares the restored rows with the manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
AGE_HEADER = b"age-encryption.org/v1"
CHUNK = 1024 * 1024

# (step label, done, total): long steps report as they go; the command draws the bar.
ProgressCallback = Callable[[str, int, int], None]


class BackupError(Exception):
    """A backup or restore cannot go on; the message says what to do."""


@dataclass(frozen=True)
class Manifest:
    created_at: str
    masthead_version: str
    database_engine: str
    database_member: str
    migrations: dict[str, list[str]]
    rows: dict[str, int]
    members: dict[str, dict] = field(default_factory=dict)  # name → {"sha256", "size"}
    media: str = "archive"  # "archive", or "s3://bucket" when media live in object storage
    database_server_version: str = ""

    def as_json(self) -> bytes:
        return json.dumps({"format": FORMAT, **self.__dict__}, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        data = json.loads(raw)
        if data.pop("format", None) != FORMAT:
            raise BackupError("The archive was made by another version of the backup format.")
        return cls(**data)


def _noop(label: str, done: int, total: int) -> None:
    pass


def masthead_version() -> str:
    try:
        return metadata.version("masthead")
    except metadata.PackageNotFoundError:
        return "unknown"


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _row_counts() -> dict[str, int]:
    tables = set(connection.introspection.table_names())
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.db_table in tables and model._meta.managed and not model._meta.proxy
    }


def _local_media_root() -> Path | None:
    if isinstance(default_storage, FileSystemStorage):
        return Path(default_storage.location)
    return None


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- PostgreSQL client ---------------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def _server_major() -> int:
    return connection.pg_version // 10000  # e.g. 150020 → 15


def _pg_tool(name: str) -> str:
    """The path of pg_dump or pg_restore, checked against the server's major version."""
    server = _server_major()
    package = f"postgresql-client-{server}"
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed. Install the PostgreSQL {server} client "
            f"(Debian/Ubuntu: apt-get install {package}) and run this again."
        )
    output = subprocess.run(  # noqa: S603 - a path found on PATH, a fixed argument
        [found, "--version"], capture_output=True, text=True, check=False
    )
    match = re.search(r"(\d+)(?:\.\d+)?", output.stdout)
    client = int(match.group(1)) if match else 0
    if client < server:
        raise BackupError(
            f"{name} is version {client}, older than the server ({server}): it cannot read "
            f"this database. Install {package} (Debian/Ubuntu: apt-get install {package})."
        )
    return found


def _pg_verbose_progress(
    process: subprocess.Popen, marker: str, total: int, label: str, progress: ProgressCallback
) -> str:
    """Count the tables pg_dump/pg_restore reports in its verbose log; keep the log's tail."""
    done, tail = 0, []
    for line in process.stderr:
        if marker in line:
            done += 1
            progress(label, min(done, total), total)
        else:
            tail = [*tail[-19:], line.rstrip()]
    process.wait()
    return "\n".join(tail)


def _pg_run(tool: str, arguments: list[str], marker: str, total: int, progress) -> None:
    """Run pg_dump or pg_restore on this deployment's database, reporting tables as it goes."""
    process = subprocess.Popen(  # noqa: S603 - a checked path and our own arguments
        [_pg_tool(tool), "--verbose", *arguments],
        env=_pg_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log = _pg_verbose_progress(process, marker, total, "database", progress)
    if process.returncode != 0:
        raise BackupError(f"{tool} failed (exit {process.returncode}):\n{log}")


def _postgres_dump(target: Path, progress: ProgressCallback) -> None:
    _pg_run(
        "pg_dump",
        ["--format=custom", "--no-owner", "--no-privileges", "--file", str(target)]
        + ["--dbname", settings.DATABASES["default"]["NAME"]],
        "dumping contents of table",
        len(connection.introspection.table_names()),
        progress,
    )


def _postgres_load(dump: Path, tables: int, progress: ProgressCallback) -> None:
    _pg_run(
        "pg_restore",
        ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        + ["--dbname", settings.DATABASES["default"]["NAME"], str(dump)],
        "processing data for table",
        tables,
        progress,
    )


# --- SQLite ----------------------------------------------------------------------------------


def _sqlite_copy(target: Path, progress: ProgressCallback) -> None:
    import sqlite3

    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        # The online backup API: a consistent copy while the web app and worker go on writing.
        connection.connection.backup(
            destination,
            pages=1024,
            progress=lambda status, remaining, total: progress(
                "database", total - remaining, total
            ),
        )
    finally:
        destination.close()


# --- Encryption (age) --------------------------------------------------------------------------


def _age_recipients(values: list[str]):
    from pyrage import ssh, x25519

    recipients = []
    for value in values:
        lines = [value]
        if not value.startswith(("age1", "ssh-")) and Path(value).is_file():
            lines = Path(value).read_text().splitlines()
        for line in (line.strip() for line in lines):
            if not line or line.startswith("#"):
                continue
            try:
                if line.startswith("ssh-"):
                    recipients.append(ssh.Recipient.from_str(line))
                else:
                    recipients.append(x25519.Recipient.from_str(line))
            except Exception:  # noqa: BLE001 - pyrage raises its own error types
                raise BackupError(
                    f"{line[:20]}… is not an age recipient (age1…) or an SSH public key."
                ) from None
    if not recipients:
        raise BackupError("--encrypt-to names no recipient.")
    return recipients


def _age_identities(paths: list[Path]):
    from pyrage import x25519

    identities = []
    for path in paths:
        try:
            lines = path.read_text().splitlines()
        except OSError as error:
            raise BackupError(f"Cannot read the identity file {path}: {error.strerror}.") from None
        for line in lines:
            if line.strip().startswith("AGE-SECRET-KEY-"):
                identities.append(x25519.Identity.from_str(line.strip()))
    if not identities:
        raise BackupError("The identity files hold no age secret key (AGE-SECRET-KEY-1…).")
    return identities


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(AGE_HEADER)) == AGE_HEADER


# --- Backup ------------------------------------------------------------------------------------


class _Writer:
    """Adds members to the tar and records their checksums for the manifest."""

    def __init__(self, tar: tarfile.TarFile):
        self.tar = tar
        self.members: dict[str, dict] = {}

    def add_file(self, name: str, path: Path) -> None:
        info = self.tar.gettarinfo(str(path), arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            self.tar.addfile(info, _HashingReader(fh, digest))
        self.members[name] = {"sha256": digest.hexdigest(), "size": info.size}

    def add_bytes(self, name: str, data: bytes, *, record: bool = True) -> None:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mtime = int(datetime.now(UTC).timestamp())
        self.tar.addfile(info, io.BytesIO(data))
        if record:
            self.members[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


class _HashingReader:
    def __init__(self, fh, digest):
        self.fh, self.digest = fh, digest

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.digest.update(data)
        return data


def backup_create(
    *, out: Path, encrypt_to: list[str] | None = None, progress: ProgressCallback = _noop
) -> Manifest:
    """Write a backup of this deployment to ``out`` (replaced only once it is complete)."""
    engine = _engine()
    recipients = _age_recipients(encrypt_to) if encrypt_to else None
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    media_root = _local_media_root()
    with tempfile.TemporaryDirectory(prefix=".masthead-backup-", dir=out.parent) as work:
        work_dir = Path(work)
        if engine == "sqlite":
            member, dump = "database/masthead.sqlite3", work_dir / "masthead.sqlite3"
            _sqlite_copy(dump, progress)
            server_version = ""
        else:
            member, dump = "database/masthead.pgdump", work_dir / "masthead.pgdump"
            _postgres_dump(dump, progress)
            server_version = str(connection.pg_version)
        # Read after the dump: a migration or a row added meanwhile is in the dump too. Rows
        # may still differ from the dump's by what was written during it (SQLite's copy is
        # consistent with itself, pg_dump's snapshot too): restore warns, it does not fail.
        migrations, rows = _applied_migrations(), _row_counts()
        tar_path = work_dir / "backup.tar"
        with tarfile.open(tar_path, "w", format=tarfile.PAX_FORMAT) as tar:
            writer = _Writer(tar)
            writer.add_file(member, dump)
            dump.unlink()
            if media_root is not None:
                files = _media_files(media_root)
                for done, path in enumerate(files, start=1):
                    writer.add_file(f"media/{path.relative_to(media_root).as_posix()}", path)
                    progress("media", done, len(files))
            key_file = Path(settings.DATA_DIR) / "secret_key"
            if not os.environ.get("SECRET_KEY", "").strip() and key_file.is_file():
                writer.add_file("secret_key", key_file)
            manifest = Manifest(
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                masthead_version=masthead_version(),
                database_engine=engine,
                database_member=member,
                database_server_version=server_version,
                migrations=migrations,
                rows=rows,
                members=writer.members,
                media="archive"
                if media_root is not None
                else f"s3://{getattr(settings, 'MEDIA_S3_BUCKET', '')}",
            )
            writer.add_bytes(MANIFEST, manifest.as_json(), record=False)
        if recipients is not None:
            import pyrage

            progress("encrypt", 0, 1)
            encrypted = work_dir / "backup.tar.age"
            pyrage.encrypt_file(str(tar_path), str(encrypted), recipients)
            progress("encrypt", 1, 1)
            tar_path = encrypted
        os.chmod(tar_path, 0o600)  # it holds every subscriber's address and the secret key
        os.replace(tar_path, out)
    return manifest


# --- Restore -----------------------------------------------------------------------------------


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def restore_target_problems() -> list[str]:
    """What makes this deployment unfit to restore into (empty list: fit)."""
    problems = []
    if not _database_is_empty():
        db = settings.DATABASES["default"]["NAME"]
        problems.append(
            f"the database {db} already has tables (restore only into an empty database: "
            "create a new one, or a new data directory for SQLite)"
        )
    media_root = _local_media_root()
    if media_root is not None and _media_files(media_root):
        problems.append(f"the media directory {media_root} is not empty")
    return problems


@contextmanager
def _plain_archive(
    archive: Path, identities: list[Path] | None, progress: ProgressCallback, work_dir: Path
) -> Iterator[Path]:
    if not archive.is_file():
        raise BackupError(f"No backup file at {archive}.")
    if not is_encrypted(archive):
        yield archive
        return
    if not identities:
        raise BackupError(
            f"{archive} is encrypted (age): give the private key with --identity KEYFILE."
        )
    import pyrage

    keys = _age_identities(identities)
    plain = work_dir / "backup.tar"
    progress("decrypt", 0, 1)
    try:
        pyrage.decrypt_file(str(archive), str(plain), keys)
    except pyrage.DecryptError as error:
        raise BackupError(f"Cannot decrypt {archive} with the key given: {error}.") from None
    progress("decrypt", 1, 1)
    yield plain


def _read_manifest(tar: tarfile.TarFile, archive: Path) -> Manifest:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError:
        raise BackupError(f"{archive} has no {MANIFEST}: it is not a Masthead backup.") from None
    return Manifest.from_json(tar.extractfile(member).read())


def _extract_verified(tar: tarfile.TarFile, name: str, expected: dict, target: Path) -> None:
    try:
        member = tar.getmember(name)
    except KeyError:
        raise BackupError(f"The archive lacks {name}, which its manifest lists.") from None
    if not member.isfile():
        raise BackupError(f"{name} in the archive is not a regular file.")
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    source = tar.extractfile(member)
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != expected["sha256"] or member.size != expected["size"]:
        raise BackupError(f"Checksum mismatch for {name}: the archive is damaged or altered.")


def _check_migrations(manifest: Manifest) -> None:
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [
        f"{app}.{name}"
        for app, names in manifest.migrations.items()
        for name in names
        if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            f"The backup comes from a newer Masthead ({manifest.masthead_version}; migrations "
            f"unknown here: {', '.join(unknown[:5])}). Upgrade Masthead, then restore."
        )


def backup_restore(
    *, archive: Path, identities: list[Path] | None = None, progress: ProgressCallback = _noop
) -> Manifest:
    """Restore ``archive`` into this deployment, which must be empty."""
    engine = _engine()
    problems = restore_target_problems()
    if problems:
        raise BackupError("Refusing to restore: " + "; ".join(problems) + ".")
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".masthead-restore-", dir=data_dir) as work:
        work_dir = Path(work)
        with (
            _plain_archive(archive, identities, progress, work_dir) as plain,
            tarfile.open(plain, "r:") as tar,
        ):
            manifest = _read_manifest(tar, archive)
            if manifest.database_engine != engine:
                raise BackupError(
                    f"The backup holds a {manifest.database_engine} database and DATABASE_URL "
                    f"names a {engine} one: restore into the same kind."
                )
            _check_migrations(manifest)
            # Everything is extracted and verified before anything is put in place.
            staged = work_dir / "staged"
            names = list(manifest.members)
            for done, name in enumerate(names, start=1):
                if name.startswith("/") or ".." in Path(name).parts:
                    raise BackupError(f"The archive has an unsafe path: {name!r}.")
                _extract_verified(tar, name, manifest.members[name], staged / name)
                progress("verify", done, len(names))
        media_root = _local_media_root()
        staged_media = staged / "media"
        if staged_media.is_dir() and media_root is None:
            raise BackupError(
                "The backup holds media files but media are configured on S3: restore into a "
                "deployment with local media, then copy them to the bucket."
            )
        dump = staged / manifest.database_member
        tables = sum(1 for name in manifest.rows)
        if engine == "sqlite":
            target = Path(settings.DATABASES["default"]["NAME"])
            connection.close()
            for suffix in ("", "-wal", "-shm"):  # the empty file our emptiness check made
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.move(dump, target)
            progress("database", 1, 1)
        else:
            _postgres_load(dump, tables, progress)
        for path in _media_files(staged_media):
            destination = media_root / path.relative_to(staged_media)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, destination)
        key = staged / "secret_key"
        if key.is_file() and not os.environ.get("SECRET_KEY", "").strip():
            # The key this deployment generated on its first start signs nothing yet: the
            # backup's key keeps the links already emailed (unsubscribe, sign-in) working.
            os.replace(key, data_dir / "secret_key")
            os.chmod(data_dir / "secret_key", 0o600)
    connection.close()
    return manifest


def restored_row_differences(manifest: Manifest) -> dict[str, tuple[int, int]]:
    """Models whose row count differs from the manifest's: label → (expected, found)."""
    found = _row_counts()
    return {
        label: (expected, found.get(label, 0))
        for label, expected in manifest.rows.items()
        if found.get(label, 0) != expected
    }
