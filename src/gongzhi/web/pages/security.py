"""Safety of the HTML pages: CSRF tokens, who is logged in, login throttling, errors shown as pages.

CSRF: a signed double-submit token. The ``gz_csrf`` cookie (HttpOnly, SameSite=Lax) holds a random
nonce; every form carries HMAC-SHA256(secret_key, nonce), and htmx sends it as ``X-CSRF-Token``. A POST
without a matching pair is refused with 403. Another site can neither read the cookie nor compute the
HMAC without the server's secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections import deque
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from gongzhi.accounts.models import STAFF_ROLES
from gongzhi.accounts.permissions import Actor
from gongzhi.accounts.service import actor_for, user_for_token
from gongzhi.errors import Forbidden, Unauthenticated
from gongzhi.web.deps import SESSION_COOKIE, get_db, get_now, get_settings
from gongzhi.web.i18n import N_

CSRF_COOKIE = "gz_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequired(Exception):
    """The page needs a logged-in user; the route layer answers with a redirect to the login page."""


class PageError(Exception):
    """An error whose message is a catalogue text (translated when the page is rendered)."""

    def __init__(self, status_code: int, message: str, **values: object) -> None:
        super().__init__(message)
        self.status_code, self.message, self.values = status_code, message, values


def _sign(request: Request, nonce: str) -> str:
    key = get_settings(request).secret_key.encode()
    return hmac.new(key, b"csrf:" + nonce.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token for forms of this page; makes a nonce (set as a cookie on the way out) on first use."""
    nonce = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not nonce:
        nonce = request.state.new_csrf = secrets.token_urlsafe(18)
    return _sign(request, nonce)


def secure_cookies(request: Request) -> bool:
    return get_settings(request).base_url.startswith("https://") or request.url.scheme == "https"


def finish(request: Request, response: Response) -> Response:
    """Set the CSRF cookie if this request made one, and the security headers of every page."""
    nonce = getattr(request.state, "new_csrf", None)
    if nonce:
        response.set_cookie(CSRF_COOKIE, nonce, httponly=True, samesite="lax", secure=secure_cookies(request))
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


async def csrf_guard(request: Request) -> None:
    """Refuse a state-changing request whose token does not match its cookie."""
    if request.method in SAFE_METHODS:
        return
    nonce = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not nonce or not sent or not hmac.compare_digest(sent, _sign(request, nonce)):
        raise PageError(403, N_("This form has expired or did not come from this site. Reload the page and try again."))


def page_actor(request: Request) -> Actor | None:
    """Who is logged in through the session cookie; an expired cookie counts as nobody, not as an error."""
    token = request.cookies.get(SESSION_COOKIE)
    actor = None
    if token:
        with get_db(request).reading() as session:
            try:
                actor = actor_for(user_for_token(session, token=token, now=get_now(request)))
            except Unauthenticated:
                actor = None
    request.state.actor = actor
    return actor


def logged_in(actor: Annotated[Actor | None, Depends(page_actor)]) -> Actor:
    if actor is None:
        raise LoginRequired
    return actor


def staff(actor: Annotated[Actor, Depends(logged_in)]) -> Actor:
    if actor.role not in STAFF_ROLES:
        raise Forbidden("this page is for staff; log in with a staff account")
    return actor


PageActor = Annotated[Actor | None, Depends(page_actor)]
UserActor = Annotated[Actor, Depends(logged_in)]
StaffActor = Annotated[Actor, Depends(staff)]


class LoginThrottle:
    """At most ``limit`` failed logins per (username, address) within ``window``.

    Kept in memory, so each process counts on its own: with N web workers an attacker gets N × limit
    tries per window. Enough for one office; a city deployment would keep the counts in the database.
    """

    def __init__(self, limit: int = 5, window: timedelta = timedelta(minutes=15)) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[tuple[str, str], deque[datetime]] = {}
        self._lock = threading.Lock()

    def wait(self, key: tuple[str, str], now: datetime) -> timedelta | None:
        """How long until the next try is allowed, or None when it is allowed now."""
        with self._lock:
            failures = self._recent(key, now)
            if len(failures) < self.limit:
                return None
            return failures[0] + self.window - now

    def failed(self, key: tuple[str, str], now: datetime) -> None:
        with self._lock:
            self._recent(key, now).append(now)

    def succeeded(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: tuple[str, str], now: datetime) -> deque[datetime]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures
