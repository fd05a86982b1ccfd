"""Deploying a built site to S3-compatible object storage (behind a CDN, or as a mirror).

Only what changed is uploaded: a file goes up when the bucket has no object under its key or
the object's MD5 differs (the ETag of a single-part upload is the MD5 of its content; each
upload also records it as metadata, for providers whose ETags are not). Objects under the
prefix that the site no longer has are deleted. Assets go up before the pages that use them,
and deletions come last, so a reader never gets a page whose stylesheet is not there yet.

Credentials come from boto3's usual places (``AWS_ACCESS_KEY_ID``…, a profile, an instance
role); nothing is stored by Masthead.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from masthead.distribution import selectors
from masthead.distribution.services import policy
from masthead.distribution.services.output import STATE_DIR, Manifest, write_if_changed
from masthead.distribution.services.progress import Progress
from masthead.distribution.services.search import ENTRY_FILE, INDEX_DIR, PARTS_SCRIPT

MD5_CACHE = "md5-cache.json"
DELETE_BATCH = 1000
# nginx's gzip_static siblings: object storage does not negotiate encodings.
SKIPPED_SUFFIXES = (".gz", ".br")


class SyncError(Exception):
    pass


@dataclass
class SyncReport:
    uploaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0


def local_files(source: Path) -> Iterator[str]:
    """The site's files, relative names with ``/``; the build's state and dotfiles left out."""
    for directory, dirnames, filenames in os.walk(source, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        relative = Path(directory).relative_to(source).as_posix()
        for filename in sorted(filenames):
            if filename.startswith(".") or filename.endswith(SKIPPED_SUFFIXES):
                continue
            yield filename if relative == "." else f"{relative}/{filename}"


class _Md5Cache:
    """MD5s of local files, remembered by size and modification time between syncs."""

    def __init__(self, source: Path) -> None:
        self.path = source / STATE_DIR / MD5_CACHE
        try:
            self.entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            self.entries = {}
        self.source = source

    def md5(self, name: str) -> str:
        stat = (self.source / name).stat()
        cached = self.entries.get(name)
        if cached and cached[0] == stat.st_size and cached[1] == stat.st_mtime_ns:
            return cached[2]
        digest = hashlib.md5((self.source / name).read_bytes(), usedforsecurity=False).hexdigest()
        self.entries[name] = [stat.st_size, stat.st_mtime_ns, digest]
        return digest

    def save(self, names: set[str]) -> None:
        kept = {name: value for name, value in self.entries.items() if name in names}
        write_if_changed(self.path.parent, self.path.name, json.dumps(kept).encode())


def _remote_objects(client, bucket: str, prefix: str) -> dict[str, str]:
    objects = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", ()):
            objects[item["Key"]] = item["ETag"].strip('"')
    return objects


def _remote_md5(client, bucket: str, key: str, etag: str) -> str:
    if "-" not in etag:
        return etag
    # A multipart upload's ETag is not an MD5: ask for the one recorded at upload.
    head = client.head_object(Bucket=bucket, Key=key)
    return head.get("Metadata", {}).get("md5", "")


def _upload_order(name: str) -> int:
    """Assets first, then each part of the search index before its entry file, then the list
    of parts, then the pages that use them."""
    if name.startswith(("static/", "media/")):
        return 0
    if name == f"{INDEX_DIR}/{PARTS_SCRIPT}":
        return 3
    if name.startswith(f"{INDEX_DIR}/"):
        return 2 if name.endswith(ENTRY_FILE) else 1
    return 4


def bucket_sync(
    *,
    source: Path,
    bucket: str,
    prefix: str = "",
    endpoint_url: str | None = None,
    dry_run: bool = False,
    client=None,
    progress: Progress | None = None,
) -> SyncReport:
    """Make ``bucket`` (under ``prefix``) hold exactly the site in ``source``."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    progress = progress or Progress()
    source = Path(source)
    if not source.is_dir():
        raise SyncError(f"{source} is not a directory; build the site first (masthead build).")
    prefix = prefix.strip("/")
    prefix = f"{prefix}/" if prefix else ""
    try:
        client = client or boto3.client("s3", endpoint_url=endpoint_url)
    except ValueError as exc:  # botocore: "Invalid endpoint: not a url"
        raise SyncError(f"--endpoint-url: {exc}") from None
    except BotoCoreError as exc:  # half the credentials in the environment…
        raise SyncError(f"The storage client cannot start: {exc}") from None
    manifest = Manifest.load(source)
    recorded_types = {name: entry["type"] for name, entry in manifest.files.items()}
    never_stored = tuple(path.lstrip("/") for path in selectors.source_page_paths())
    cache = _Md5Cache(source)
    report = SyncReport()
    try:
        remote = _remote_objects(client, bucket, prefix)
        names = sorted(local_files(source), key=lambda n: (_upload_order(n), n))
        progress.start(f"Syncing to s3://{bucket}/{prefix}", len(names))
        for name in names:
            key = prefix + name
            md5 = cache.md5(name)
            etag = remote.get(key)
            if etag is not None and _remote_md5(client, bucket, key, etag) == md5:
                report.unchanged += 1
            else:
                if not dry_run:
                    body = (source / name).read_bytes()
                    client.put_object(
                        Bucket=bucket,
                        Key=key,
                        Body=body,
                        ContentType=policy.content_type(name, recorded_types.get(name, "")),
                        CacheControl=policy.cache_control(name, never_stored=never_stored),
                        ContentMD5=base64.b64encode(bytes.fromhex(md5)).decode("ascii"),
                        Metadata={"md5": md5},
                    )
                report.uploaded.append(name)
            progress.advance()
        progress.finish()
        stale = sorted(set(remote) - {prefix + name for name in names})
        for start in range(0, len(stale), DELETE_BATCH):
            batch = stale[start : start + DELETE_BATCH]
            if not dry_run:
                client.delete_objects(
                    Bucket=bucket,
                    Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True},
                )
            report.deleted.extend(key[len(prefix) :] for key in batch)
    except (BotoCoreError, ClientError) as exc:
        raise SyncError(f"s3://{bucket}: {exc}") from exc
    cache.save(set(names))
    return report
