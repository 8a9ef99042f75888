"""Settings from GREMIENBOT_* environment variables and a `.env` file, validated at start."""

from __future__ import annotations

import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from storage.engine import SUPPORTED_DRIVERS

ENV_PREFIX = "GREMIENBOT_"


class ConfigError(Exception):
    """A configuration value is wrong; the message is one sentence naming the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", validate_default=True
    )

    token: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///gremienbot.db"
    api_base_url: str = "https://api.telegram.org/bot"
    api_base_file_url: str | None = None
    admins: Annotated[list[int], NoDecode] = Field(default_factory=list)
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    public_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    timezone: str = "Europe/Berlin"
    language: Literal["de", "en"] = "de"
    invite_ttl_days: int = Field(default=14, ge=1, le=365)
    # The organization (by import key) whose members may use the bot.
    group_key: str = "lenkungsgruppe"
    # Delivery worker pacing (DESIGN section 6).
    delivery_rate: float = Field(default=30.0, gt=0, le=1000)
    allow_paid_broadcast: bool = False
    # Members who have not answered an attendance request are reminded this many days before.
    rsvp_reminder_days: int = Field(default=3, ge=1, le=60)
    # Seconds a dialogue may idle before it is over (bot/dialogues; DESIGN section 4).
    dialogue_timeout: float = Field(default=1800, gt=0, le=7 * 24 * 3600)
    # Updates of different chats handled at once (bot/dialogues/processor.py); 1 = sequential.
    concurrent_updates: int = Field(default=64, ge=1, le=1024)
    # Seconds a delivery worker's claim lasts unless renewed: after a crash, another
    # instance takes the dead one's deliveries over at most this much later.
    delivery_lease: float = Field(default=60.0, ge=1, le=3600)
    # Log lines as text or as one JSON object each (read at start by bot/cli/common.py).
    log_format: Literal["text", "json"] = "text"
    # OParl sync (issue 14): the System or Body URL of the council's information system.
    oparl_url: str | None = None
    oparl_body: str | None = None  # name or id, when the system has several bodies
    # Names or OParl ids to follow, comma-separated; empty: every committee of the body.
    oparl_organizations: Annotated[list[str], NoDecode] = Field(default_factory=list)
    oparl_interval: int = Field(default=300, ge=0)  # seconds between syncs; 0: only by command
    oparl_timeout: float = Field(default=30.0, gt=0, le=600)  # a hanging request is cut off

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(f"'{value}' is not a database URL") from None
        if url.drivername not in SUPPORTED_DRIVERS:
            raise ValueError(
                f"driver '{url.drivername}' is not supported; use one of "
                + " or ".join(SUPPORTED_DRIVERS)
            )
        return value

    @field_validator("admins", mode="before")
    @classmethod
    def _admins(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            for part in parts:
                if not part.lstrip("-").isdigit():
                    raise ValueError(f"'{part}' is not a Telegram user id (a whole number)")
            return [int(part) for part in parts]
        return value

    @field_validator("oparl_organizations", mode="before")
    @classmethod
    def _oparl_organizations(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("oparl_url")
    @classmethod
    def _oparl_url(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            return None
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"'{value}' must start with http:// or https://")
        return value

    @field_validator("http_port", mode="before")
    @classmethod
    def _port(cls, value: object) -> object:
        text = str(value).strip()
        # 0 asks the operating system for a free port (used by the demo and the tests).
        if not text.isdigit() or not 0 <= int(text) <= 65535:
            raise ValueError(f"'{value}' is not a port number (1 to 65535)")
        return int(text)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not a known time zone (e.g. Europe/Berlin)") from None
        return value

    @field_validator("public_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"'{value}' must start with http:// or https://")
        return value.rstrip("/") if value else value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's rule for secret_token: 1-256 characters of A-Z, a-z, 0-9, _ and -.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError(
                "GREMIENBOT_WEBHOOK_SECRET must be set in webhook mode, so that only Telegram "
                "can post updates"
            )
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def feed_base_url(self) -> str:
        """How feed links are written in messages."""
        return self.public_url or f"http://{self.http_host}:{self.http_port}"

    def require_token(self) -> str:
        if self.token is None or not self.token.get_secret_value().strip():
            raise ConfigError(
                f"{ENV_PREFIX}TOKEN is not set: get a bot token from @BotFather and export it."
            )
        return self.token.get_secret_value().strip()


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings; raise ConfigError with one clear sentence."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if not first["loc"]:  # a rule about several settings names them itself
            raise ConfigError(f"{message}.") from None
        field = str(first["loc"][0])
        raise ConfigError(f"{ENV_PREFIX}{field.upper()}: {message}.") from None
