"""Typed dependencies, defined once: the database, the settings, the clock, and who is asking."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Request
from starlette.concurrency import run_in_threadpool

from gongzhi.accounts.permissions import Actor
from gongzhi.accounts.service import actor_for, user_for_token
from gongzhi.config import Settings
from gongzhi.db import Database, utcnow
from gongzhi.errors import Unauthenticated

SESSION_COOKIE = "gz_session"


def get_db(request: Request) -> Database:
    return request.app.state.db


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_now(request: Request) -> datetime:
    """The clock; tests replace ``app.state.clock`` to move time."""
    return request.app.state.clock()


# The dependencies below are ``async`` on purpose: FastAPI runs a plain ``def`` dependency in the thread
# pool, a hop that costs more than the work of these trivial ones (pages call the plain functions above).
async def _db(request: Request) -> Database:
    return get_db(request)


async def _settings(request: Request) -> Settings:
    return get_settings(request)


async def _now(request: Request) -> datetime:
    return get_now(request)


async def session_token(
    request: Request, authorization: str | None = Header(None, include_in_schema=False)
) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return request.cookies.get(SESSION_COOKIE)


async def optional_actor(
    db: Annotated[Database, Depends(_db)],
    now: Annotated[datetime, Depends(_now)],
    token: Annotated[str | None, Depends(session_token)],
) -> Actor | None:
    """Who is asking; the database is read in a worker thread, and only when there is a token to look up."""
    if not token:
        return None
    return await run_in_threadpool(_actor_for_token, db, token, now)


def _actor_for_token(db: Database, token: str, now: datetime) -> Actor | None:
    with db.reading() as session:
        return actor_for(user_for_token(session, token=token, now=now))


async def required_actor(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    if actor is None:
        raise Unauthenticated(
            "log in first (POST /api/v1/auth/login), then send the token as 'Authorization: Bearer …'"
        )
    return actor


DbDep = Annotated[Database, Depends(_db)]
SettingsDep = Annotated[Settings, Depends(_settings)]
NowDep = Annotated[datetime, Depends(_now)]
MaybeActor = Annotated[Actor | None, Depends(optional_actor)]
CurrentActor = Annotated[Actor, Depends(required_actor)]
TrackingSecret = Annotated[str | None, Header(alias="X-Tracking-Secret", description="the case's tracking secret")]
__all__ = ["CurrentActor", "DbDep", "MaybeActor", "NowDep", "SESSION_COOKIE", "SettingsDep", "TrackingSecret", "utcnow"]
