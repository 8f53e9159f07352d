"""Rendering pages: one Jinja2 environment, the per-request context (language, user, CSRF token, helpers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2.ext import _make_new_gettext, _make_new_ngettext  # the newstyle gettext of jinja2.ext.i18n

from gongzhi import __version__
from gongzhi.web.deps import get_now, get_settings
from gongzhi.web.i18n import DEFAULT, LANGUAGES, N_, translations
from gongzhi.web.pages.labels import EVENTS, LABELS
from gongzhi.web.pages.security import csrf_token, finish

TEMPLATES = Path(__file__).parent.parent / "templates"
LANG_COOKIE = "gz_lang"

env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]


def language(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, DEFAULT)
    return lang if lang in LANGUAGES else DEFAULT


def gettext(request: Request, message: str, **values: object) -> str:
    """Translate a text for the page being built in Python (field errors, notices)."""
    text = translations(language(request)).gettext(message)
    return text % values if values else text


@dataclass(frozen=True)
class Deadline:
    css: str  # ok, near, late
    text: str


class Helpers:
    """Functions templates call: local times, labels of codes, names in the page's language, time left."""

    def __init__(self, request: Request) -> None:
        self.request, self.lang = request, language(request)
        self.zone, self.now = get_settings(request).zone, get_now(request)
        self._ = translations(self.lang).gettext

    def when(self, value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        return value.astimezone(self.zone).strftime(fmt) if value else ""

    def label(self, code: Enum | str | None) -> str:
        key = code.value if isinstance(code, Enum) else (code or "")
        return self._(LABELS[key]) if key in LABELS else key

    def event(self, kind: str) -> str:
        return self._(EVENTS[kind]) if kind in EVENTS else kind

    def name(self, thing: Any) -> str:
        """A department's, category's or region's name in the page's language."""
        if thing is None:
            return ""
        english = getattr(thing, "name_en", "")
        return english if self.lang == "en" and english else thing.name

    def percent(self, rate: float | None) -> str:
        return "—" if rate is None else f"{rate * 100:.1f}%"

    def deadline(self, due: datetime | None) -> Deadline | None:
        """Time left to ``due`` (or overdue by), coloured: late, near (under a day), ok."""
        if due is None:
            return None
        seconds = (due - self.now).total_seconds()
        days, rest = divmod(int(abs(seconds)) // 3600, 24)
        if seconds < 0:
            return Deadline("late", self._("overdue by %(d)sd %(h)sh") % {"d": days, "h": rest})
        css = "near" if seconds < 86400 else "ok"
        return Deadline(css, self._("%(d)sd %(h)sh left") % {"d": days, "h": rest})

    def query(self, **changes: object) -> str:
        """The current query string with some parameters changed (pagination, tabs)."""
        params = dict(self.request.query_params)
        params.update({k: str(v) for k, v in changes.items() if v is not None})
        return "?" + urlencode(params)


def context(request: Request, values: dict[str, Any] | None = None) -> dict[str, Any]:
    trans = translations(language(request))
    return {
        "request": request,
        "lang": language(request),
        "languages": LANGUAGES,
        "user": getattr(request.state, "actor", None),
        "csrf": csrf_token(request),
        "h": Helpers(request),
        "version": __version__,
        "gettext": _make_new_gettext(trans.gettext),
        "_": _make_new_gettext(trans.gettext),
        "ngettext": _make_new_ngettext(trans.ngettext),
        **(values or {}),
    }


def render(request: Request, template: str, values: dict[str, Any] | None = None, *, status: int = 200) -> HTMLResponse:
    html = env.get_template(template).render(context(request, values))
    return finish(request, HTMLResponse(html, status_code=status))


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def redirect(request: Request, url: str) -> RedirectResponse:
    """After a successful POST: see the result with a GET (no resubmission on reload)."""
    return finish(request, RedirectResponse(url, status_code=303))  # type: ignore[return-value]


def local_path(url: str | None, default: str = "/") -> str:
    """A redirect target on this site only (no ``//evil.example`` or ``https://…``)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return default
    return url


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    titles = {
        400: N_("The request could not be carried out"),
        401: N_("Please log in"),
        403: N_("Not allowed"),
        404: N_("Not found"),
        409: N_("This cannot be done now"),
        413: N_("Too large"),
        429: N_("Too many attempts"),
    }
    title = titles.get(status, N_("Something went wrong"))
    return render(request, "error.html", {"status": status, "title": title, "message": message}, status=status)
