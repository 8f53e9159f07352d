"""The one settings object: every knob of the platform, read from ``GONGZHI_*`` environment variables.

Nothing else in the code base reads ``os.environ``. Settings are validated when the process starts
so that a bad value stops the platform with a message instead of failing on the first request.
"""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
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
