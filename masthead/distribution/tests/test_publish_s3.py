"""``masthead publish-s3`` against moto's S3 server (a separate process on 127.0.0.1)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from django.core.management import call_command

from masthead.distribution.tests.conftest import copy_tree, free_port, stop, wait_for

BUCKET = "masthead-mirror"


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    server = Path(sys.executable).with_name("moto_server")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(server), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_for(endpoint + "/", process, log)
        yield endpoint
    finally:
        stop(process)


@pytest.fixture
def s3(s3_endpoint, monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    client.create_bucket(Bucket=BUCKET)
    yield client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", ()):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client, prefix: str = "") -> set[str]:
    found = set()
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        found.update(item["Key"] for item in page.get("Contents", ()))
    return found


def publish(source: Path, endpoint: str, prefix: str = "") -> str:
    out = io.StringIO()
    call_command(
        "publish-s3",
        bucket=BUCKET,
        endpoint_url=endpoint,
        prefix=prefix,
        source=source,
        quiet=True,
        verbosity=2,
        stdout=out,
    )
    return out.getvalue()


def test_sync_uploads_only_what_changed_and_deletes_what_is_gone(s3, s3_endpoint, built, tmp_path):
    site = tmp_path / "site"
    copy_tree(built.out, site)
    files = {
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.is_file() and ".masthead" not in p.parts and not p.name.endswith((".gz", ".br"))
    }

    first = publish(site, s3_endpoint, prefix="news")
    assert keys(s3, "news/") == {f"news/{name}" for name in files}
    assert f"uploaded {len(files)}," in first

    again = publish(site, s3_endpoint, prefix="news")
    assert "uploaded 0, unchanged" in again and "deleted 0." in again

    # An edit to one page and a page gone: one upload, one deletion, nothing else.
    page = site / "world/world-story-3/index.html"
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<!-- edited --></body>"))
    (site / "privacy/index.html").unlink()
    third = publish(site, s3_endpoint, prefix="news")
    assert "uploaded 1, unchanged" in third and "deleted 1." in third
    assert "  + world/world-story-3/index.html" in third
    assert "  - privacy/index.html" in third
    assert "news/privacy/index.html" not in keys(s3, "news/")
    body = s3.get_object(Bucket=BUCKET, Key="news/world/world-story-3/index.html")["Body"].read()
    assert b"<!-- edited -->" in body


def test_objects_carry_the_type_and_caching_the_site_needs(s3, s3_endpoint, built):
    publish(built.out, s3_endpoint)
    page = s3.head_object(Bucket=BUCKET, Key="world/index.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert page["CacheControl"] == "public, max-age=60"
    feed = s3.head_object(Bucket=BUCKET, Key="feeds/rss.xml")
    assert feed["ContentType"].startswith("application/rss+xml")
    css = next(k for k in keys(s3, "static/masthead/") if k.endswith(".css"))
    asset = s3.head_object(Bucket=BUCKET, Key=css)
    assert asset["ContentType"].startswith("text/css")
    assert asset["CacheControl"] == "public, max-age=31536000, immutable"
    index = s3.head_object(Bucket=BUCKET, Key="pagefind/pagefind-entry.json")
    assert index["CacheControl"] == "public, max-age=300"
    # The build's own records never leave the machine.
    assert not [k for k in keys(s3) if k.startswith(".masthead/")]


def test_sync_says_what_is_wrong_without_a_site(s3_endpoint, tmp_path):
    from django.core.management.base import CommandError

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    with pytest.raises(CommandError, match="build the site first"):
        publish(tmp_path / "nothing", s3_endpoint)


def test_sync_says_what_is_wrong_with_the_endpoint(built, monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with pytest.raises(CommandError, match="--endpoint-url"):
        call_command(
            "publish-s3",
            "--bucket",
            "news",
            "--from",
            str(built.out),
            "--endpoint-url",
            "not a url",
            "--quiet",
        )
