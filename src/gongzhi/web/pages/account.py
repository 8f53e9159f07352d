"""Logging in and out, registering as a citizen, my cases, and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from gongzhi.accounts.models import STAFF_ROLES, Role
from gongzhi.accounts.service import authenticate, create_user, end_session, start_session
from gongzhi.cases.queries import CaseFilter, list_cases
from gongzhi.errors import GongzhiError, Unauthenticated
from gongzhi.web.api.schemas import RegisterIn
from gongzhi.web.deps import SESSION_COOKIE, DbDep, NowDep, SettingsDep
from gongzhi.web.i18n import LANGUAGES, N_
from gongzhi.web.pages.forms import blank_to_none, field_errors
from gongzhi.web.pages.render import LANG_COOKIE, gettext, local_path, redirect, render
from gongzhi.web.pages.route import page_router
from gongzhi.web.pages.security import LoginThrottle, PageActor, UserActor, secure_cookies

router = page_router()


def _login_cookie(request: Request, response: Response, token: str, days: int) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, max_age=days * 86400, httponly=True, samesite="lax", secure=secure_cookies(request)
    )


def _home_of(role: Role) -> str:
    return "/staff" if role in STAFF_ROLES else "/my"


@router.get("/login")
def login_form(request: Request, actor: PageActor, next: str = "") -> Response:
    return render(request, "login.html", {"next": local_path(next, ""), "username": "", "error": None})


@router.post("/login")
def login(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: PageActor,
    username: Annotated[str, Form(max_length=80)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    throttle: LoginThrottle = request.app.state.login_throttle
    key = (username.strip().lower(), request.client.host if request.client else "")
    wait = throttle.wait(key, now)
    values = {"next": local_path(next, ""), "username": username}
    if wait is not None:
        minutes = int(wait.total_seconds() // 60) + 1
        error = gettext(request, N_("Too many failed attempts. Try again in %(minutes)s minutes."), minutes=minutes)
        return render(request, "login.html", {**values, "error": error}, status=429)
    try:
        with db.transaction() as session:
            user = authenticate(session, username=username.strip(), password=password)
            token = start_session(session, user=user, now=now, days=settings.session_days)
            role = user.role
    except Unauthenticated:
        throttle.failed(key, now)
        error = gettext(request, N_("Wrong username or password."))
        return render(request, "login.html", {**values, "error": error}, status=401)
    throttle.succeeded(key)
    response = redirect(request, local_path(next, _home_of(role)))
    _login_cookie(request, response, token, settings.session_days)
    return response


@router.post("/logout")
def logout(request: Request, db: DbDep, actor: PageActor) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with db.transaction() as session:
            end_session(session, token=token)
    response = redirect(request, "/")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/register")
def register_form(request: Request, actor: PageActor) -> Response:
    return render(request, "register.html", {"values": {}, "errors": {}})


@router.post("/register")
async def register(request: Request, db: DbDep, settings: SettingsDep, now: NowDep, actor: PageActor) -> Response:
    form = await request.form()
    names = ("username", "password", "display_name", "email", "phone")
    values = {name: blank_to_none(str(form.get(name) or "")) for name in names}
    try:
        data = RegisterIn.model_validate(values)
        with db.transaction() as session:
            user = create_user(
                session,
                username=data.username,
                password=data.password,
                role=Role.CITIZEN,
                now=now,
                display_name=data.display_name,
                email=data.email,
                phone=data.phone,
            )
            token = start_session(session, user=user, now=now, days=settings.session_days)
    except ValidationError as exc:
        return render(request, "register.html", {"values": values, "errors": field_errors(request, exc)}, status=400)
    except GongzhiError as exc:
        errors = {exc.field or "username": exc.message}
        return render(request, "register.html", {"values": values, "errors": errors}, status=exc.status_code)
    response = redirect(request, "/my")
    _login_cookie(request, response, token, settings.session_days)
    return response


@router.get("/my")
def my_cases(request: Request, db: DbDep, actor: UserActor, page: int = 1) -> Response:
    if actor.role in STAFF_ROLES:
        return redirect(request, "/staff")
    with db.reading() as session:
        found = list_cases(session, filters=CaseFilter(citizen_id=actor.user_id), page=max(1, page), per_page=20)
        return render(request, "my_cases.html", {"found": found})


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: str, next: str = "/") -> Response:
    """Remember the chosen language for a year; a plain link, so it works without JavaScript."""
    response = redirect(request, local_path(next))
    if lang in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="lax", secure=secure_cookies(request)
        )
    return response
