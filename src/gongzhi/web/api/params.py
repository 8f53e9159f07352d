"""Query parameters several routes share: instants, read in the jurisdiction's zone when they carry none."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from gongzhi.errors import InvalidInput


def parse_instant(value: str, *, field: str, settings_zone: tzinfo) -> datetime:
    """A date or datetime from a query; a bare date or naive time is read in the jurisdiction's zone."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{field} must look like 2026-10-01 or 2026-10-01T08:00:00+08:00", field=field) from None
    return aware_instant(parsed, field=field, zone=settings_zone)


def aware_instant(value: datetime, *, field: str, zone: tzinfo) -> datetime:
    """``value`` with a zone (the jurisdiction's if it had none), refused if it has no UTC equivalent."""
    aware = value if value.tzinfo else value.replace(tzinfo=zone)
    try:
        aware.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(
            f"{field} is out of range: {value.isoformat()} has no UTC equivalent; "
            "give a date such as 2026-10-01 or 2026-10-01T08:00:00+08:00",
            field=field,
        ) from None
    return aware


def optional_instant(value: datetime | None, *, field: str, zone: tzinfo) -> datetime | None:
    """``aware_instant`` for a parameter that may be left out."""
    return None if value is None else aware_instant(value, field=field, zone=zone)
