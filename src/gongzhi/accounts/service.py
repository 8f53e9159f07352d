"""Use cases of accounts: create users, log in and out, API keys."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gongzhi.accounts.models import ApiKey, LoginSession, Role, User
from gongzhi.accounts.permissions import Actor
from gongzhi.accounts.secrets import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    new_token,
    token_hash,
    verify_password,
)
from gongzhi.errors import Conflict, InvalidInput, NotFound, Unauthenticated

USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,80}$")
_DUMMY_HASH = hash_password("timing-equaliser")


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    now: datetime,
    display_name: str | None = None,
    department_id: int | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> User:
    if not USERNAME.match(username):
        raise InvalidInput("username must be 3–80 letters, digits or . _ @ -", field="username")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"password must have at least {MIN_PASSWORD_LENGTH} characters", field="password")
    if role is Role.HANDLER and department_id is None:
        raise InvalidInput("a handler must belong to a department; give its code", field="department")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"the username {username!r} is taken; choose another", field="username")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role,
        department_id=department_id,
        email=email,
        phone=phone,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, *, username: str, password: str) -> User:
    """The user with these credentials; the same error and the same work whether the name exists or not."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        raise Unauthenticated("wrong username or password")
    if not verify_password(user.password_hash, password):
        raise Unauthenticated("wrong username or password")
    return user


def start_session(session: Session, *, user: User, now: datetime, days: int) -> str:
    """A new login; returns the token, of which only the hash is stored."""
    token = new_token()
    session.add(
        LoginSession(
            token_hash=token_hash(token), user_id=user.id, created_at=now, expires_at=now + timedelta(days=days)
        )
    )
    return token


def end_session(session: Session, *, token: str) -> None:
    session.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(token)))


def user_for_token(session: Session, *, token: str, now: datetime) -> User:
    login = session.get(LoginSession, token_hash(token))
    if login is None or login.expires_at <= now:
        raise Unauthenticated("your session has expired or does not exist; log in again")
    user = session.get(User, login.user_id)
    if user is None or not user.active:
        raise Unauthenticated("this account is disabled; ask an administrator")
    return user


def actor_for(user: User) -> Actor:
    return Actor(role=user.role, user_id=user.id, department_id=user.department_id, name=user.display_name)


def create_api_key(session: Session, *, name: str, now: datetime, user_id: int | None = None) -> str:
    """A new Open311 API key; the key itself is shown once and only its hash is kept."""
    key = "gz_" + new_token(24)
    session.add(ApiKey(key_hash=token_hash(key), prefix=key[:10], name=name, user_id=user_id, created_at=now))
    session.flush()
    return key


def check_api_key(session: Session, *, key: str) -> ApiKey:
    api_key = session.scalar(select(ApiKey).where(ApiKey.key_hash == token_hash(key)))
    if api_key is None or api_key.revoked_at is not None:
        raise Unauthenticated("api_key is not valid; ask the operator of this server for a key")
    return api_key


def get_user(session: Session, *, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user
