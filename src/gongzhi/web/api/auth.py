"""Logging in and out, registering as a citizen, and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from gongzhi.accounts.models import Role, User
from gongzhi.accounts.service import authenticate, create_user, end_session, start_session
from gongzhi.web.api import schemas as s
from gongzhi.web.deps import SESSION_COOKIE, CurrentActor, DbDep, NowDep, SettingsDep, session_token

router = APIRouter(prefix="/auth", tags=["accounts"])


def _token_out(user: User, token: str) -> s.TokenOut:
    return s.TokenOut(token=token, username=user.username, role=user.role.value, display_name=user.display_name)


def _set_cookie(response: Response, token: str, settings_days: int, secure: bool) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, max_age=settings_days * 86400, httponly=True, samesite="lax", secure=secure
    )


@router.post("/login", response_model=s.TokenOut, summary="Log in; returns a bearer token and sets a cookie")
def login(body: s.LoginIn, response: Response, db: DbDep, settings: SettingsDep, now: NowDep) -> s.TokenOut:
    with db.transaction() as session:
        user = authenticate(session, username=body.username, password=body.password)
        token = start_session(session, user=user, now=now, days=settings.session_days)
        out = _token_out(user, token)
    _set_cookie(response, token, settings.session_days, settings.base_url.startswith("https"))
    return out


@router.post("/register", response_model=s.TokenOut, status_code=201, summary="Register as a citizen")
def register(body: s.RegisterIn, response: Response, db: DbDep, settings: SettingsDep, now: NowDep) -> s.TokenOut:
    with db.transaction() as session:
        user = create_user(
            session,
            username=body.username,
            password=body.password,
            role=Role.CITIZEN,
            now=now,
            display_name=body.display_name,
            email=body.email,
            phone=body.phone,
        )
        token = start_session(session, user=user, now=now, days=settings.session_days)
        out = _token_out(user, token)
    _set_cookie(response, token, settings.session_days, settings.base_url.startswith("https"))
    return out


@router.post("/logout", status_code=204, summary="End this session")
def logout(db: DbDep, token: Annotated[str | None, Depends(session_token)]) -> Response:
    if token:
        with db.transaction() as session:
            end_session(session, token=token)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/me", summary="Who am I")
def me(actor: CurrentActor) -> dict[str, object]:
    return {"user_id": actor.user_id, "role": actor.label, "department_id": actor.department_id, "name": actor.name}
