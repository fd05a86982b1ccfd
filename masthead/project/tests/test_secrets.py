"""Secrets: the generated key file is private from its first byte, a rotated key keeps old
links working, and a child process gets the database URL exactly as it was given."""

from __future__ import annotations

import os
import stat

import pytest
from django.db import connection

from masthead.project import config


def test_generated_key_file_is_owner_only_even_with_an_open_umask(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    old_umask = os.umask(0)  # a careless service manager: new files would be world-readable
    try:
        key = config.secret_key("SECRET_KEY", tmp_path)
    finally:
        os.umask(old_umask)
    path = tmp_path / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) >= 50 and path.read_text() == key


def test_generated_key_file_is_created_private_before_it_is_written(tmp_path, monkeypatch):
    """The file is opened with mode 0600 (O_CREAT|O_EXCL), not made private after writing."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    opened = []
    real_open = os.open

    def watching_open(path, flags, mode=0o777, *args, **kwargs):
        opened.append((str(path), flags, mode))
        return real_open(path, flags, mode, *args, **kwargs)

    monkeypatch.setattr(config.os, "open", watching_open)
    config.secret_key("SECRET_KEY", tmp_path)
    (name, flags, mode) = next(o for o in opened if o[0].endswith("secret_key"))
    assert flags & os.O_CREAT and flags & os.O_EXCL and mode == 0o600


def test_fallback_keys_are_read_and_validated(monkeypatch):
    old, older = "o" * 40, "p" * 32
    monkeypatch.setenv("MASTHEAD_SECRET_KEY_FALLBACKS", f" {old} , {older},")
    assert config.secret_key_fallbacks("MASTHEAD_SECRET_KEY_FALLBACKS") == [old, older]
    monkeypatch.setenv("MASTHEAD_SECRET_KEY_FALLBACKS", f"{old},short")
    with pytest.raises(config.ConfigError, match="MASTHEAD_SECRET_KEY_FALLBACKS.*key 2"):
        config.secret_key_fallbacks("MASTHEAD_SECRET_KEY_FALLBACKS")
    monkeypatch.delenv("MASTHEAD_SECRET_KEY_FALLBACKS")
    assert config.secret_key_fallbacks("MASTHEAD_SECRET_KEY_FALLBACKS") == []


# --- Rotation: links in emails already sent keep working -------------------------------------

OLD_KEY = "old-key-" + "a" * 40
NEW_KEY = "new-key-" + "b" * 40


@pytest.mark.django_db
def test_unsubscribe_link_signed_with_the_old_key_works_after_rotation(client, settings):
    from masthead.newsletters import tokens
    from masthead.newsletters.models import Subscription
    from masthead.newsletters.tests import factories

    settings.SECRET_KEY = OLD_KEY
    weekly = factories.newsletter(name="The Friday Courier", slug="friday")
    person = factories.subscriber(email="r@example.net", lists=[weekly])
    token = tokens.list_token_make(subscriber_key=person.key, newsletter_id=weekly.pk)

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, []
    refused = client.post(f"/newsletter/unsubscribe/{token}/")
    assert refused.status_code == 400  # without the fallback the old link is dead
    assert Subscription.objects.get(subscriber=person).status == "confirmed"

    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]
    response = client.post(f"/newsletter/unsubscribe/{token}/")
    assert response.status_code == 200
    assert Subscription.objects.get(subscriber=person).status == "unsubscribed"
    # New links are signed with the new key only.
    fresh = tokens.list_token_make(subscriber_key=person.key, newsletter_id=weekly.pk)
    settings.SECRET_KEY_FALLBACKS = []
    assert tokens.list_token_read(fresh).subscriber_key == person.key


@pytest.mark.django_db
def test_confirmation_link_signed_with_the_old_key_works_after_rotation(client, settings):
    from masthead.newsletters.models import Subscription
    from masthead.newsletters.services import subscriptions
    from masthead.newsletters.tests import factories
    from masthead.newsletters.tests.helpers import post_form

    settings.SECRET_KEY = OLD_KEY
    weekly = factories.newsletter(slug="friday")
    subscriptions.subscriber_signup(email="p@example.net", newsletters=[weekly], source_page="/")
    subscriber = Subscription.objects.get().subscriber
    from masthead.newsletters import tokens

    token = tokens.confirm_token_make(
        subscriber_key=subscriber.key, nonce=subscriber.confirmation_nonce
    )
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    assert post_form(client, f"/newsletter/confirm/{token}/", {}).status_code == 200
    assert Subscription.objects.get().status == "confirmed"


# --- The database URL a child process gets ---------------------------------------------------


@pytest.mark.django_db
def test_child_process_gets_the_database_url_as_given(monkeypatch):
    """Options in the URL (sslmode, a password with special characters…) survive; only the
    database name changes, when this process uses another one (the test database)."""
    from masthead.distribution.tasks import database_url

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        given = f"sqlite:///{db['NAME']}"
        monkeypatch.setenv("DATABASE_URL", given)
        assert database_url() == given
        return
    host, port, user = db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["USER"] or "postgres"
    given = (
        f"postgres://{user}:p%40ss%2Fw%3Ard@{host}:{port}/{db['NAME']}"
        "?sslmode=prefer&application_name=masthead-build"
    )
    monkeypatch.setenv("DATABASE_URL", given)
    assert database_url() == given  # unchanged, byte for byte
    child = config_from(database_url())
    assert child["OPTIONS"]["sslmode"] == "prefer"
    assert child["PASSWORD"] == "p@ss/w:rd"

    # This process on another database than the environment names (pytest's test_…): the same
    # server, user and options, this process's database.
    monkeypatch.setenv("DATABASE_URL", given.replace(f"/{db['NAME']}?", "/elsewhere?"))
    child = config_from(database_url())
    assert child["NAME"] == db["NAME"]
    assert child["OPTIONS"]["sslmode"] == "prefer"
    assert child["OPTIONS"]["application_name"] == "masthead-build"


def config_from(url: str) -> dict:
    os.environ["MASTHEAD_TEST_CHILD_DATABASE_URL"] = url
    try:
        return config.env_database("MASTHEAD_TEST_CHILD_DATABASE_URL", "")
    finally:
        del os.environ["MASTHEAD_TEST_CHILD_DATABASE_URL"]
