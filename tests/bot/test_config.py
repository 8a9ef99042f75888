"""Configuration: defaults, parsing and one clear sentence for each bad value."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.config import ConfigError, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("GREMIENBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(str(tmp_path))  # no stray .env file


def test_defaults_follow_the_design() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///gremienbot.db"
    assert settings.api_base_url == "https://api.telegram.org/bot"
    assert (settings.http_host, settings.http_port) == ("127.0.0.1", 8080)
    assert settings.timezone == "Europe/Berlin"
    assert settings.language == "de"
    assert settings.admins == []
    assert settings.feed_base_url == "http://127.0.0.1:8080"


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREMIENBOT_ADMINS", "111, 222")
    monkeypatch.setenv("GREMIENBOT_HTTP_PORT", "9000")
    monkeypatch.setenv("GREMIENBOT_PUBLIC_URL", "https://bot.example.org/")
    monkeypatch.setenv("GREMIENBOT_DATABASE_URL", "postgresql+asyncpg://u:pw@db/gremien")
    settings = load_settings()
    assert settings.admins == [111, 222]
    assert settings.http_port == 9000
    assert settings.feed_base_url == "https://bot.example.org"


def test_dotenv_file_is_read(tmp_path: object) -> None:
    from pathlib import Path

    Path(str(tmp_path), ".env").write_text("GREMIENBOT_LANGUAGE=en\n")
    assert load_settings().language == "en"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("GREMIENBOT_HTTP_PORT", "abc", "GREMIENBOT_HTTP_PORT: 'abc' is not a port number"),
        ("GREMIENBOT_HTTP_PORT", "70000", "GREMIENBOT_HTTP_PORT: '70000' is not a port number"),
        ("GREMIENBOT_TIMEZONE", "Europe/Bonn", "'Europe/Bonn' is not a known time zone"),
        ("GREMIENBOT_DATABASE_URL", "nonsense", "'nonsense' is not a database URL"),
        ("GREMIENBOT_DATABASE_URL", "mysql://x/y", "driver 'mysql' is not supported"),
        ("GREMIENBOT_ADMINS", "12,abc", "'abc' is not a Telegram user id"),
        ("GREMIENBOT_LANGUAGE", "fr", "GREMIENBOT_LANGUAGE"),
        ("GREMIENBOT_PUBLIC_URL", "bot.example.org", "must start with http"),
        ("GREMIENBOT_WEBHOOK_URL", "https://bot.example.org", "WEBHOOK_SECRET must be set"),
        ("GREMIENBOT_WEBHOOK_SECRET", "no spaces allowed", "GREMIENBOT_WEBHOOK_SECRET: must be"),
    ],
)
def test_bad_values_give_one_sentence(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value)
    assert expected in message
    assert "\n" not in message


def test_missing_token_is_reported_for_run() -> None:
    with pytest.raises(ConfigError, match="GREMIENBOT_TOKEN is not set"):
        load_settings().require_token()


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "GREMIENBOT_TOKEN is not set"),
        ({"GREMIENBOT_TOKEN": "1:x", "GREMIENBOT_HTTP_PORT": "abc"}, "GREMIENBOT_HTTP_PORT"),
    ],
)
def test_cli_run_exits_2_with_one_sentence(
    environment: dict[str, str], expected: str, tmp_path: object
) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("GREMIENBOT_")} | environment
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1, result.stderr
    assert expected in errors[0]


def test_database_passwords_are_masked_for_logs() -> None:
    from storage.engine import display_url

    shown = display_url("postgresql+asyncpg://gremien:geheim@db.example.org/gremien")
    assert "geheim" not in shown and shown.startswith("postgresql+asyncpg://gremien:***@")


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["audit", "--limit", "abc"], "'abc' is not a valid integer"),
        (["invite"], "Missing argument 'NAME'"),
        (["nosuch"], "No such command 'nosuch'"),
    ],
)
def test_cli_usage_errors_are_one_sentence(
    arguments: list[str], expected: str, tmp_path: object
) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("GREMIENBOT_")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", *arguments],
        env=env,
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and expected in line
