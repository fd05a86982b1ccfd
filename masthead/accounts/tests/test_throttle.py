"""Sign-in is throttled by account: behind an onion service or a CDN every visitor may come
from one address, and an attacker may come from many."""

import re

import pytest
from django.test import Client

from masthead.accounts.tests.conftest import PASSWORD, password_sign_in
from masthead.audit.models import SecurityAction, SecurityEvent


def messages_of(response) -> str:
    return re.search(rb'<div class="messages"[^>]*>(.*?)</div>', response.content, re.S)[1].decode()


def attempts(username: str, password: str, n: int) -> list:
    responses = []
    for i in range(n):
        # A new client (no cookie) from a new address each time, direct or through a proxy.
        responses.append(
            password_sign_in(
                Client(),
                username,
                password,
                REMOTE_ADDR=f"198.51.100.{i + 1}",
                HTTP_X_FORWARDED_FOR=f"203.0.113.{i + 7}",
            )
        )
    return responses


@pytest.mark.django_db
def test_ten_failures_from_rotating_addresses_lock_the_account(settings, editor):
    assert settings.SIGNIN_FAILURE_LIMIT == 10
    failures = attempts("editor", "wrong password!!", 10)
    assert all(r.status_code == 200 for r in failures)
    assert "didn&#x27;t match" in messages_of(failures[0]) or "didn't match" in messages_of(
        failures[0]
    )
    (locked,) = attempts("editor", PASSWORD, 1)  # the right password, the 11th attempt
    assert locked.status_code == 200
    assert "Too many failed sign-in attempts" in messages_of(locked)
    assert "_auth_user_id" not in locked.wsgi_request.session
    # Other spellings of the name share the lock.
    (spelled,) = attempts(" EDITOR", PASSWORD, 1)
    assert "Too many failed sign-in attempts" in messages_of(spelled)

    events = SecurityEvent.objects.filter(object_id=str(editor.pk))
    assert events.filter(action=SecurityAction.SIGNIN_FAILED).count() == 10
    assert events.filter(action=SecurityAction.LOCKED_OUT).count() == 1
    assert not events.filter(action=SecurityAction.SIGNIN).exists()


@pytest.mark.django_db
def test_an_unknown_username_gets_the_same_answers(settings, editor, monkeypatch):
    import time

    # Both series in the middle of one counting window (``core.throttle`` counts in fixed
    # windows; a series crossing a boundary would start counting again).
    window = settings.SIGNIN_FAILURE_WINDOW
    middle = (time.time() // window + 0.5) * window
    monkeypatch.setattr(time, "time", lambda: middle)
    known = attempts("editor", "wrong password!!", 11)
    unknown = attempts("nobody-here", "wrong password!!", 11)
    for a, b in zip(known, unknown, strict=True):
        assert a.status_code == b.status_code
        # The same words; the minutes left to wait may have ticked on between the two.
        assert re.sub(r"\d+", "N", messages_of(a)) == re.sub(r"\d+", "N", messages_of(b))
    assert "Too many failed sign-in attempts" in messages_of(unknown[-1])


@pytest.mark.django_db
def test_the_window_passing_unlocks(settings, editor, monkeypatch):
    import time

    attempts("editor", "wrong password!!", 10)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + settings.SIGNIN_FAILURE_WINDOW)
    (response,) = attempts("editor", PASSWORD, 1)
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_trusted_proxys_client_network_is_limited_too(settings, editor, superuser):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.SIGNIN_NETWORK_FAILURE_LIMIT = 3
    for name in ("a", "b", "c"):
        password_sign_in(
            Client(), name, "wrong", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="192.0.2.9"
        )
    same_network = password_sign_in(
        Client(), "chief", PASSWORD, REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="192.0.2.9"
    )
    assert "Too many failed sign-in attempts" in messages_of(same_network)
    elsewhere = password_sign_in(
        Client(), "chief", PASSWORD, REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="192.0.2.10"
    )
    assert elsewhere.status_code == 302
