"""Mirrors and the onion address: kept in the admin, announced on every page and in
``/mirrors.json``, available to newsletters."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from masthead.accounts.testing import sign_in_verified
from masthead.distribution import selectors
from masthead.distribution.models import Mirror, MirrorSettings
from masthead.distribution.tests.conftest import ONION

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(publication) -> Client:
    return Client(HTTP_HOST="news.example.org")


def get(client: Client, path: str):
    return client.get(path, secure=True)


def test_editors_paste_a_whole_onion_address_and_the_host_is_kept(publication):
    onion = MirrorSettings.load()
    onion.onion_address = f"  http://{ONION.upper()}/some/page "
    onion.full_clean()
    assert onion.onion_address == ONION
    onion.onion_address = "not-an-onion.example.org"
    with pytest.raises(ValidationError, match="56 characters"):
        onion.full_clean()


def test_a_mirror_address_no_parser_takes_is_a_form_error_not_a_crash(publication):
    for url in ("http://[::1", "https://mirror.example.net:99999", "https://[x/"):
        with pytest.raises(ValidationError, match="the address readers type"):
            Mirror(url=url).full_clean()


def test_list_has_the_onion_first_then_active_mirrors_newest_first(publication):
    newer = Mirror.objects.create(url="https://d2new.cloudfront.net")
    Mirror.objects.filter(pk=newer.pk).update(created_at=timezone.now() + timedelta(hours=1))
    Mirror.objects.create(url="https://blocked.example.net", active=False)
    urls = [a.url for a in selectors.mirrors_available()]
    assert urls == [
        f"http://{ONION}",
        "https://d2new.cloudfront.net",
        "https://mirror-one.example.net",
    ]
    assert "https://d2new.cloudfront.net" in selectors.mirror_origins()


def test_mirror_list_and_probe_are_readable_from_anywhere(client):
    response = get(client, "/mirrors.json")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert json.loads(response.content)["main_domain"] == "news.example.org"
    reach = client.get("/api/reach", secure=True, headers={"Origin": "null"})
    assert reach.status_code == 200 and reach["Access-Control-Allow-Origin"] == "*"
    assert reach["Cache-Control"] == "no-store"
    assert client.post("/api/reach", secure=True).status_code == 405


def test_a_new_mirror_is_in_the_list_at_once(client):
    assert "d3fresh" not in get(client, "/mirrors.json").content.decode()  # now cached
    Mirror.objects.create(url="https://d3fresh.cloudfront.net")
    assert "d3fresh" in get(client, "/mirrors.json").content.decode()


def test_pages_carry_onion_location_only_when_there_is_an_onion(client):
    assert f'content="http://{ONION}/privacy/"' in get(client, "/privacy/").content.decode()
    onion = MirrorSettings.load()
    onion.onion_address = ""
    onion.save()  # as the admin does: cached pages are dropped
    assert "onion-location" not in get(client, "/privacy/").content.decode()


def test_search_page_may_run_pagefind_and_nothing_else(client):
    response = get(client, "/search/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'wasm-unsafe-eval'" in policy
    assert "'unsafe-inline'" not in policy
    assert "'wasm-unsafe-eval'" not in get(client, "/privacy/")["Content-Security-Policy"]


def test_editors_find_mirrors_and_the_onion_address_in_the_admin(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    sign_in_verified(client, admin)
    assert get(client, "/admin/snippets/distribution/mirror/").status_code == 200
    settings_page = client.get(
        "/admin/settings/distribution/mirrorsettings/", secure=True, follow=True
    )
    assert settings_page.status_code == 200
    assert ONION in settings_page.content.decode()
