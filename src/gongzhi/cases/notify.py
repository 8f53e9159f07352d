"""Notifications: records written with the use case, e-mail sent afterwards by the worker (an outbox)."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.accounts.models import Role, User
from gongzhi.cases.models import Case, Notification
from gongzhi.config import Settings

log = logging.getLogger(__name__)


def notify_user(session: Session, *, user: User, case: Case | None, kind: str, message: str, now: datetime) -> None:
    session.add(
        Notification(
            user_id=user.id,
            case=case,
            kind=kind,
            message=message,
            created_at=now,
            email_to=user.email,
        )
    )


def notify_supervisors(session: Session, *, case: Case, kind: str, message: str, now: datetime) -> int:
    """Tell the supervisors of the case's department (its supervising unit's, else every supervisor)."""
    users = supervisors_of(session, case)
    for user in users:
        notify_user(session, user=user, case=case, kind=kind, message=message, now=now)
    return len(users)


def supervisors_of(session: Session, case: Case) -> list[User]:
    query = select(User).where(User.role == Role.SUPERVISOR, User.active)
    unit = case.department.supervisor_id if case.department else None
    if unit is not None:
        own = list(session.scalars(query.where(User.department_id == unit)))
        if own:
            return own
    return list(session.scalars(query))


def notify_department(session: Session, *, case: Case, kind: str, message: str, now: datetime) -> None:
    if case.department_id is None:
        return
    handlers = session.scalars(
        select(User).where(User.role == Role.HANDLER, User.department_id == case.department_id, User.active)
    )
    for user in handlers:
        notify_user(session, user=user, case=case, kind=kind, message=message, now=now)


def notify_citizen(session: Session, *, case: Case, kind: str, message: str, now: datetime) -> None:
    """Tell whoever submitted the case: their account if they have one, else their e-mail if they gave one."""
    if case.citizen is not None:
        notify_user(session, user=case.citizen, case=case, kind=kind, message=message, now=now)
    elif case.contact_email:
        session.add(Notification(case=case, kind=kind, message=message, created_at=now, email_to=case.contact_email))


def send_pending_emails(session: Session, *, settings: Settings, now: datetime, limit: int = 100) -> int:
    """Send e-mails not yet sent; a failure is recorded on the notification and retried next time."""
    if not settings.smtp_host:
        return 0
    pending = list(
        session.scalars(
            select(Notification)
            .where(Notification.email_to.is_not(None), Notification.emailed_at.is_(None))
            .order_by(Notification.id)
            .limit(limit)
        )
    )
    sent = 0
    for item in pending:
        try:
            _send(settings, to=item.email_to or "", subject=f"[gongzhi] {item.kind}", body=item.message)
        except (OSError, smtplib.SMTPException) as exc:
            item.email_error = str(exc)[:500]
            log.warning("e-mail to %s failed: %s", item.email_to, exc)
            continue
        item.emailed_at = now
        item.email_error = None
        sent += 1
    return sent


def _send(settings: Settings, *, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_host or "", settings.smtp_port, timeout=10) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(message)
