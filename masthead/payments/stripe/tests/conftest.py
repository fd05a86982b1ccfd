"""localstripe, a Stripe-compatible server, started on 127.0.0.1 for the session and stopped
after it; Masthead configured to use it as its Stripe."""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.request

import pytest

SECRET_KEY = "sk_test_masthead_localstripe"
PUBLISHABLE_KEY = "pk_test_masthead_localstripe"
WEBHOOK_SECRET = "whsec_masthead_test_secret"


@pytest.fixture(scope="session")
def localstripe_url(tmp_path_factory) -> str:
    # Imported here: the module is a plugin (see pytest_configure), registered after this file.
    from masthead.project.tests.demo_server import free_port, start_process, stop_process

    port = free_port()
    log = tmp_path_factory.mktemp("localstripe") / "localstripe.log"
    server = start_process(
        [
            sys.executable,
            "-m",
            "masthead.payments.stripe.tests.localstripe_server",
            "--port",
            str(port),
        ],
        None,
        log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"localstripe exited with {server.returncode}: {log.read_text()}")
            try:
                urllib.request.urlopen(url + "/js.stripe.com/v3/", timeout=2).read()
                break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(f"localstripe did not answer on {url}: {log.read_text()}")
                time.sleep(0.1)
        yield url
    finally:
        stop_process(server)


@pytest.fixture
def stripe_settings(settings, localstripe_url):
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_JS_URL = localstripe_url + "/js.stripe.com/v3/"
    # localstripe does not know proration_behavior; Stripe's default applies.
    settings.STRIPE_PRORATION_BEHAVIOR = ""
    return settings


@pytest.fixture
def stripe_client(stripe_settings):
    from masthead.payments.stripe.provider import StripeProvider

    return StripeProvider().client


def pytest_configure(config):
    config.pluginmanager.import_plugin("masthead.project.tests.demo_server")
    config.pluginmanager.import_plugin("masthead.supporters.tests.revenue_site")
