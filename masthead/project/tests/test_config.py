"""Configuration from the environment: good values parse, bad ones name the variable."""

import os
import subprocess
import sys

import pytest

from masthead.project import config


@pytest.fixture
def env(monkeypatch):
    def set_env(**values):
        for key, value in values.items():
            monkeypatch.setenv(key, value)

    return set_env


@pytest.mark.parametrize(
    ("name", "value", "reader"),
    [
        ("DEBUG", "maybe", lambda: config.env_bool("DEBUG")),
        (
            "MASTHEAD_BASE_URL",
            "news.example.org",
            lambda: config.env_origin("MASTHEAD_BASE_URL", ""),
        ),
        (
            "MASTHEAD_BASE_URL",
            "https://x.org/path",
            lambda: config.env_origin("MASTHEAD_BASE_URL", ""),
        ),
        (
            "MASTHEAD_BASE_URL",
            "https://x.org:99999",
            lambda: config.env_origin("MASTHEAD_BASE_URL", ""),
        ),
        ("TIME_ZONE", "Mars/Olympus", lambda: config.env_time_zone("TIME_ZONE", "UTC")),
        ("DATABASE_URL", "mysql://db/x", lambda: config.env_database("DATABASE_URL", "")),
        ("DATABASE_URL", "sqlite://", lambda: config.env_database("DATABASE_URL", "")),
        ("DATABASE_URL", "postgres://host", lambda: config.env_database("DATABASE_URL", "")),
        ("EMAIL_URL", "pigeon://coop", lambda: config.env_email("EMAIL_URL", "")),
        ("EMAIL_URL", "smtp://", lambda: config.env_email("EMAIL_URL", "")),
        ("EMAIL_URL", "smtps://h:1?tls=1", lambda: config.env_email("EMAIL_URL", "")),
        ("REDIS_URL", "http://cache", lambda: config.env_redis("REDIS_URL")),
        (
            "MASTHEAD_PAGE_CACHE_SECONDS",
            "ten",
            lambda: config.env_int("MASTHEAD_PAGE_CACHE_SECONDS", 1),
        ),
    ],
)
def test_malformed_values_name_the_variable(env, name, value, reader):
    env(**{name: value})
    with pytest.raises(config.ConfigError) as caught:
        reader()
    assert str(caught.value).startswith(f"{name}: ")


def test_urls_parse_into_settings(env):
    env(
        DATABASE_URL="postgres://news:s%40cret@db.internal:5433/masthead",
        EMAIL_URL="smtp://mailer:p%40ss@mail.internal:587?tls=1",
    )
    db = config.env_database("DATABASE_URL", "")
    assert (db["HOST"], db["PORT"], db["NAME"], db["PASSWORD"]) == (
        "db.internal",
        5433,
        "masthead",
        "s@cret",
    )
    mail = config.env_email("EMAIL_URL", "")
    assert mail["OPTIONS"]["host"] == "mail.internal" and mail["OPTIONS"]["port"] == 587
    assert mail["OPTIONS"]["use_tls"] and mail["OPTIONS"]["password"] == "p@ss"


def test_file_and_console_email(env):
    env(EMAIL_URL="file:///var/mail/masthead")
    assert config.env_email("EMAIL_URL", "")["OPTIONS"] == {"file_path": "/var/mail/masthead"}
    env(EMAIL_URL="console://")
    assert config.env_email("EMAIL_URL", "")["BACKEND"].endswith("console.EmailBackend")


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key("SECRET_KEY", tmp_path)
    assert len(first) >= 50
    assert config.secret_key("SECRET_KEY", tmp_path) == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        config.secret_key("SECRET_KEY", tmp_path)


def test_cli_stops_with_a_message_naming_the_variable(tmp_path):
    env = {**os.environ, "MASTHEAD_DATA_DIR": str(tmp_path), "TIME_ZONE": "Nowhere/Atlantis"}
    result = subprocess.run(
        [sys.executable, "-m", "masthead.project.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "TIME_ZONE" in result.stderr and "Nowhere/Atlantis" in result.stderr
    assert "Traceback" not in result.stderr
