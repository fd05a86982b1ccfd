"""Test helpers for any app whose tests sign in to the admin, which takes a second factor.

``sign_in_verified(client, user)``
    Django's test client: signs ``user`` in and marks the session verified with a real
    (confirmed) authenticator-app device of theirs, as a completed sign-in would.
``browser_sign_in(page, base_url, username, password, totp_key)``
    Playwright: signs in through the real forms (password, then a TOTP code computed from
    the hex key, e.g. from the demo's ``demo-second-factors.json``).
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from masthead.accounts.demo import totp_code

TEST_DEVICE_NAME = "Test authenticator"


def verified_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TEST_DEVICE_NAME, confirmed=True)
    return device


def sign_in_verified(client, user) -> TOTPDevice:
    """``client.force_login(user)`` plus a second factor: the session is verified."""
    client.force_login(user)
    device = verified_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


# A TOTP code works once: a second sign-in in the same 30 seconds needs the next code, which
# django-otp accepts too (one step of tolerance for clock drift). Beyond that, wait.
_used_steps: dict[str, int] = {}
_used_lock = threading.Lock()


def unused_totp_code(key: str) -> str:
    """A code for this hex key that has not been used yet by this process."""
    while True:
        with _used_lock:
            now = int(time.time() // 30)
            step = max(now, _used_steps.get(key, -1) + 1)
            if step <= now + 1:
                _used_steps[key] = step
                return totp_code(key=key, at=step * 30 + 1)
        time.sleep(1)


def demo_totp_key(data_dir: Path, username: str) -> str:
    """The hex TOTP key ``masthead demo`` gave ``username`` (see demo-second-factors.json)."""
    stored = json.loads((data_dir / "demo-second-factors.json").read_text())
    return stored[username]["totp_key"]


def browser_sign_in(page, base_url: str, username: str, password: str, totp_key: str) -> None:
    """Sign in through Wagtail's form and the second-factor page; ends on the dashboard."""
    page.goto(f"{base_url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/admin/second-factor/verify/**")
    page.get_by_label("Code").fill(unused_totp_code(totp_key))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base_url}/admin/")
