"""The one settings object: every knob of the platform, read from ``GONGZHI_*`` environment variables.

Nothing else in the code base reads ``os.environ``. Settings are validated when the process starts
so that a bad value stops the platform with a message instead of failing on the first request.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from gongzhi.ledger.witness_client import WitnessEndpoint

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

    intake_threads: int = Field(
        1,
        ge=1,
        le=64,
        description="Submissions one server process handles at a time (more wait their turn in its event loop). "
        "1 is fastest with a database on the same machine; raise it when round trips to a remote database "
        "leave the CPU idle.",
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
    ledger_witnesses: str = Field(
        "",
        description="Witnesses that cosign the ledger's checkpoints (c2sp.org/tlog-witness): URL=VKEY entries "
        "separated by commas, VKEY being the witness's cosignature key (`gongzhi witness keygen`). The worker "
        "submits each new checkpoint to every one and serves it with the cosignatures that arrived.",
    )
    ledger_witness_quorum: int | None = Field(
        None, ge=0, description="How many of the witnesses must cosign for a checkpoint to count (k of n); default all."
    )
    ledger_witness_timeout_seconds: float = Field(
        5.0, gt=0, description="How long the worker waits for one witness's answer before trying it again later."
    )
    witness_key: str | None = Field(
        None,
        description="Signer key of `gongzhi witness serve` (PRIVATE+KEY+…, from `gongzhi witness keygen`), "
        "when --key is not given.",
    )

    smtp_host: str | None = Field(None, description="SMTP server for e-mail notifications; unset: no e-mail.")
    smtp_port: int = Field(25, description="SMTP port.")
    smtp_user: str | None = Field(None, description="SMTP user name, if the server needs one.")
    smtp_password: str | None = Field(None, description="SMTP password.")
    smtp_starttls: bool = Field(False, description="Use STARTTLS on the SMTP connection.")
    mail_from: str = Field("gongzhi@localhost", description="Sender address of notification e-mails.")

    model_dir: str | None = Field(
        None,
        description="Directory where `gongzhi model train` writes versioned text models (one sub-directory each); "
        "default: gongzhi-models next to the SQLite database file, else ./gongzhi-models.",
    )
    route_confidence: float = Field(
        0.9,
        gt=0,
        le=1,
        description="Calibrated confidence above which intake routes an uncategorised case by the active "
        "category model's first suggestion; below it the case waits for a dispatcher, who sees the top three.",
    )
    urgency_rules: str | None = Field(
        None,
        description="TOML file of urgency rules (keywords and regexes) replacing the built-in "
        "gongzhi/text/urgency_rules.toml.",
    )

    duplicate_window_days: int = Field(
        30, ge=1, description="Days back in which open cases are compared with a new one to find duplicates."
    )
    duplicate_threshold: float = Field(
        0.6,
        gt=0,
        le=1,
        description="Similarity (gongzhi.text.duplicates) from which a new case is proposed for merging and "
        "shown to citizens as 'others reported this' (benchmarks/duplicates.py measures precision and recall).",
    )
    duplicate_near_m: float = Field(
        300.0, gt=0, description="Metres within which two cases with coordinates count as the same place."
    )
    duplicate_max_candidates: int = Field(
        200, ge=1, description="Most recent open cases compared with a new one (bounds the time of each submit)."
    )

    alert_method: Literal["C1", "C2", "C3", "farrington"] = Field(
        "farrington",
        description="Default surge detector of every category × street series (gongzhi.analytics.alerts): "
        "EARS C1/C2/C3, or Farrington flexible on the 5 weeks before the last 3 days; a rule per series "
        "(/staff/analytics/alerts) overrides it.",
    )
    alert_alpha: float | None = Field(
        0.01, gt=0, lt=1, description="Default false-alarm level of the surge detector; unset: R's default."
    )
    alert_min_count: int = Field(
        5,
        ge=0,
        description="Fewest cases for a surge alert: in the series' last 4 days (Farrington's limit54), "
        "or on the day itself (EARS).",
    )
    alert_min_sigma: float = Field(
        0.5, ge=0, description="Floor on the EARS baseline standard deviation (Burkom: 0.5–1 for sparse series)."
    )
    hot_issue_windows: str = Field(
        "7,30",
        description="Windows (days back, comma-separated) whose hot issues the worker precomputes and stores; "
        "the hot-issues page and API read them (gongzhi.analytics.hotissues_store).",
    )
    hot_issue_interval_seconds: int = Field(
        600,
        ge=1,
        description="Least time between two computations of a window's hot issues (only when cases "
        "or supports changed since, or a day has passed).",
    )
    hot_issue_live_max_messages: int = Field(
        3000,
        ge=0,
        description="Largest window whose hot issues a page computes on demand when none is stored "
        "(about a second of CPU); a larger one waits for the worker.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Asia/Shanghai") from exc
        return value

    @field_validator("urgency_rules")
    @classmethod
    def _rules_file_exists(cls, value: str | None) -> str | None:
        from pathlib import Path

        if value and not Path(value).expanduser().is_file():
            raise ValueError(f"GONGZHI_URGENCY_RULES: no file {value!r}; give the path of a TOML rules file")
        return value

    @field_validator("hot_issue_windows")
    @classmethod
    def _hot_issue_windows(cls, value: str) -> str:
        parts = [p.strip() for p in value.split(",") if p.strip()]
        if not all(p.isdigit() and 1 <= int(p) <= 366 for p in parts):
            raise ValueError(f"GONGZHI_HOT_ISSUE_WINDOWS {value!r}: give whole days from 1 to 366, like 7,30")
        return ",".join(str(d) for d in sorted({int(p) for p in parts}))

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql", "postgres://")):
            raise ValueError("GONGZHI_DATABASE_URL must start with sqlite:/// or postgresql://")
        return value

    @model_validator(mode="after")
    def _witness_policy(self) -> Settings:
        """The witness list must parse and the quorum fit it, or the log would cosign nothing without saying so."""
        from gongzhi.errors import GongzhiError

        try:
            count = len(self.witness_endpoints)
        except GongzhiError as exc:
            raise ValueError(f"GONGZHI_LEDGER_WITNESSES: {exc}") from None
        if self.ledger_witness_quorum is not None and self.ledger_witness_quorum > count:
            raise ValueError(
                f"GONGZHI_LEDGER_WITNESS_QUORUM is {self.ledger_witness_quorum}, but {count} witnesses are listed"
            )
        return self

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
    def hot_issue_days(self) -> list[int]:
        """The parsed ``hot_issue_windows``: the window lengths the worker precomputes, shortest first."""
        return [int(d) for d in self.hot_issue_windows.split(",") if d]

    @property
    def allowed_attachment_types(self) -> frozenset[str]:
        return frozenset(t.strip() for t in self.attachment_types.split(",") if t.strip())

    @property
    def witness_endpoints(self) -> list[WitnessEndpoint]:
        """The parsed ``ledger_witnesses``."""
        from gongzhi.ledger.witness_client import parse_witness_list

        return parse_witness_list(self.ledger_witnesses)

    @property
    def witness_quorum(self) -> int:
        """k of the k-of-n witness policy: ``ledger_witness_quorum``, or every listed witness."""
        count = len(self.witness_endpoints)
        return count if self.ledger_witness_quorum is None else self.ledger_witness_quorum


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
