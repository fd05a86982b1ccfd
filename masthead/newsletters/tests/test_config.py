"""Newsletter configuration from the environment: wrong values stop start-up with a message
that names the variable."""

import os
import subprocess
import sys

import pytest

from masthead.project import config


def start(**env):
    return subprocess.run(
        [sys.executable, "-m", "masthead.project.cli", "check"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "variable", "words"),
    [
        (
            {"MASTHEAD_DKIM_PRIVATE_KEY": "/no/such/key.pem", "MASTHEAD_DKIM_SELECTOR": "s1"},
            "MASTHEAD_DKIM_PRIVATE_KEY",
            "no file",
        ),
        ({"MASTHEAD_DKIM_SELECTOR": "s1"}, "MASTHEAD_DKIM_PRIVATE_KEY", "needs both"),
        (
            {"MASTHEAD_NEWSLETTER_EMAIL_URL": "anymail://pigeon"},
            "MASTHEAD_NEWSLETTER_EMAIL_URL",
            "unknown provider",
        ),
        ({"MASTHEAD_NEWSLETTER_RATE": "fast"}, "MASTHEAD_NEWSLETTER_RATE", "expected a number"),
        ({"MASTHEAD_NEWSLETTER_CONCURRENCY": "0"}, "MASTHEAD_NEWSLETTER_CONCURRENCY", "at least 1"),
    ],
)
def test_wrong_values_stop_start_up_naming_the_variable(env, variable, words):
    result = start(**env)
    assert result.returncode == 2
    assert f"configuration error in {variable}" in result.stderr
    assert words in result.stderr


def test_esp_and_anymail_settings(monkeypatch):
    monkeypatch.setenv("X_MAILER", "anymail://postmark")
    assert config.env_mailer("X_MAILER", "") == {
        "BACKEND": "anymail.backends.postmark.EmailBackend"
    }
    monkeypatch.setenv("ANYMAIL_POSTMARK_SERVER_TOKEN", "tok")
    assert config.env_prefixed("ANYMAIL_")["POSTMARK_SERVER_TOKEN"] == "tok"
    monkeypatch.setenv("X_KEY", "-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----")
    assert config.env_pem("X_KEY").startswith(b"-----BEGIN PRIVATE KEY-----\nabc")
