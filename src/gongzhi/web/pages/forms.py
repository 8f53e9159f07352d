"""Form input for pages: blanks become None, validation errors become messages next to their fields."""

from __future__ import annotations

from fastapi import Request
from pydantic import ValidationError

from gongzhi.web.i18n import N_
from gongzhi.web.pages.render import gettext

_MESSAGES = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_type": N_("This field is required."),
    "string_too_long": N_("Too long: at most %(max)s characters."),
    "value_error": N_("Check this value."),
    "enum": N_("Choose one of the options."),
    "bool_parsing": N_("Choose yes or no."),
    "int_parsing": N_("Enter a whole number."),
    "float_parsing": N_("Enter a number."),
}
_BY_FIELD = {
    "contact_phone": N_("Enter a phone number: digits, optionally with +, spaces or dashes."),
    "contact_email": N_("Enter a valid e-mail address."),
}


def blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def checked(value: str | None) -> bool:
    return value in ("on", "true", "1", "yes")


def field_errors(request: Request, exc: ValidationError) -> dict[str, str]:
    """One message per field, in the page's language."""
    errors: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        field = ".".join(str(p) for p in error["loc"]) or "form"
        if field in errors:
            continue
        message = _BY_FIELD.get(field) or _MESSAGES.get(error["type"], N_("Check this value."))
        limit = (error.get("ctx") or {}).get("max_length", "")
        errors[field] = gettext(request, message, max=limit) if "%(max)s" in message else gettext(request, message)
    return errors
