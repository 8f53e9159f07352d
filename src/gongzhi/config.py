"""The one settings object: every knob of the platform, read from ``GONGZHI_*`` environment variables.

Nothing else in the code base reads ``os.environ``. Settings are validated when the process starts
so that a bad value stops the platform with a message instead of failing on the first request.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-in-production"  # noqa: S105 - the value that demo mode tolerates


class Settings(BaseSettings):
    """Platform settings; each field's description is its documentation (see ``gongzhi settings``)."""

    model_config = SettingsConfigDict(env_prefix="GONGZHI_", env_file=None, extra="ignore")

    database_url: str = Field(
        "sqlite:///./gongzhi.db",
        description="SQLAlchemy URL; sqlite:///PATH (default, one office) or postgresql://… (a city).",
    )
    secret_key: str = Field(DEFAULT_SECRET, description="Signs session cookies; required outside demo mode.")
    demo: bool = Field(False, description="Demo mode: tolerates the default secret, runs the worker in-process.")
    timezone: str = Field("Asia/Shanghai", description="The jurisdiction's time zone, for days and display.")
    base_url: str = Field("http://127.0.0.1:8000", description="Public address, used in links and e-mails.")

    max_returns: int = Field(2, ge=0, description="Returns (退单) a case may have before the supervisor decides.")
    max_reopens: int = Field(2, ge=0, description="Reopenings (重办) before an unsatisfied case is closed.")
    auto_close_days: int = Field(7, ge=1, description="Days after a reply without rating before auto-close.")
    warning_fraction: float = Field(0.8, gt=0, lt=1, description="Share of a deadline that raises a warning.")
    max_extension_days: int = Field(15, ge=1, description="Most working days one extension may add.")

    attachment_max_bytes: int = Field(10 * 1024 * 1024, ge=1, description="Largest accepted attachment.")
    attachment_max_count: int = Field(5, ge=0, description="Most attachments on one case.")
    attachment_types: str = Field(
        "image/jpeg,image/png,image/webp,application/pdf,text/plain",
        description="Comma-separated content types citizens may attach.",
    )

    session_days: int = Field(14, ge=1, description="Lifetime of a login session.")
    sweep_interval_seconds: int = Field(60, ge=1, description="How often the worker sweeps deadlines.")

    ledger_origin: str | None = Field(
        None,
        description="Name of the trust ledger (the checkpoint's origin line and key name), like "
        "'city.gov.cn/ledger'. Default: the signer key's name, else base_url's host and path + '/ledger'.",
    )
    ledger_signer_key: str | None = Field(
        None,
        description="The ledger's Ed25519 signer key, PRIVATE+KEY+<origin>+… (create one with "
        "`gongzhi ledger keygen --origin NAME`). Required to publish checkpoints outside demo mode; in demo "
        "mode, when unset, one is generated on first use and kept in the database (table ledger_state).",
    )
    checkpoint_interval_seconds: int = Field(
        5, ge=1, description="How often the worker integrates new ledger entries and signs a checkpoint."
    )

    smtp_host: str | None = Field(None, description="SMTP server for e-mail notifications; unset: no e-mail.")
    smtp_port: int = Field(25, description="SMTP port.")
    smtp_user: str | None = Field(None, description="SMTP user name, if the server needs one.")
    smtp_password: str | None = Field(None, description="SMTP password.")
    smtp_starttls: bool = Field(False, description="Use STARTTLS on the SMTP connection.")
    mail_from: str = Field("gongzhi@localhost", description="Sender address of notification e-mails.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Asia/Shanghai") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql", "postgres://")):
            raise ValueError("GONGZHI_DATABASE_URL must start with sqlite:/// or postgresql://")
        return value

    @model_validator(mode="after")
    def _ledger_identity(self) -> Settings:
        """The origin and the signer key's name must agree, or every checkpoint would fail to verify."""
        from gongzhi.errors import GongzhiError
        from gongzhi.ledger.note import Ed25519Signer, is_valid_key_name

        key_name = None
        if self.ledger_signer_key:
            try:
                key_name = Ed25519Signer.from_skey(self.ledger_signer_key).name
            except (GongzhiError, ValueError) as exc:  # the message never repeats the key itself
                raise ValueError(f"GONGZHI_LEDGER_SIGNER_KEY is not a usable signer key: {exc}") from None
        if self.ledger_origin is None:
            url = urlsplit(self.base_url)
            self.ledger_origin = key_name or f"{url.netloc}{url.path.rstrip('/')}/ledger"
        if not is_valid_key_name(self.ledger_origin):
            raise ValueError(f"GONGZHI_LEDGER_ORIGIN {self.ledger_origin!r} must not be empty or hold spaces or '+'")
        if key_name is not None and key_name != self.ledger_origin:
            raise ValueError(
                f"GONGZHI_LEDGER_SIGNER_KEY is for {key_name!r} but GONGZHI_LEDGER_ORIGIN is {self.ledger_origin!r}; "
                "a log's key is named after its origin: make them agree"
            )
        return self

    def require_secret(self) -> None:
        """Refuse to serve users with the published default secret (demo mode excepted)."""
        if not self.demo and self.secret_key == DEFAULT_SECRET:
            raise ValueError(
                "GONGZHI_SECRET_KEY is the published default; set it to a long random value "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`) or run in demo mode"
            )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def allowed_attachment_types(self) -> frozenset[str]:
        return frozenset(t.strip() for t in self.attachment_types.split(",") if t.strip())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
