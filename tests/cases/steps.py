"""Steps of the case workflow for tests: through the domain functions (``Desk``) or the JSON API (``Api``).

Each ``Desk`` step is one transaction, as one web request is, so a refused step rolls back and a test
sees exactly what production would have stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from gongzhi.accounts.models import User
from gongzhi.accounts.permissions import Actor
from gongzhi.cases import deadlines, intake, proposals, workflow
from gongzhi.cases.lookup import case_by_code, secret_holder
from gongzhi.cases.models import Case, CaseEvent, Channel, Notification, Reply, Satisfaction
from gongzhi.cases.schemas import SubmissionIn
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.directory import admin
from gongzhi.directory.lookup import category_by_code, department_by_code
from gongzhi.directory.models import Urgency
from tests.conftest import Clock
from tests.factories import PASSWORD, World, submission

SHANGHAI = ZoneInfo("Asia/Shanghai")
REASON = "依据三定方案，该事项不属于本单位职责"
ANSWER = "经现场核实，已安排维修人员处理完毕，感谢您的反映。"


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock time in Shanghai, as the UTC instant the database stores."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@dataclass
class Desk:
    """The workflow through the domain functions; actors are named as in ``build_world``."""

    db: Database
    settings: Settings
    world: World
    clock: Clock

    def actor(self, name: str) -> Actor:
        return self.world.actors[name]

    @contextmanager
    def _on(self, code: str) -> Iterator[tuple[Session, Case]]:
        with self.db.transaction() as session:
            yield session, case_by_code(session, code)

    def check_duplicates(self) -> int:
        """The worker's duplicate search over the cases submitted so far (merge proposals)."""
        return proposals.check_new_cases(self.db, now=self.clock.now, settings=self.settings)

    def submit(self, *, citizen: str | None = None, **fields: object) -> tuple[str, str]:
        """A citizen's message (``tests.factories.submission`` with ``fields``); returns code and secret."""
        with self.db.transaction() as session:
            receipt = intake.submit(
                session,
                data=SubmissionIn.model_validate(submission(**fields)),
                channel=Channel.WEB,
                now=self.clock.now,
                settings=self.settings,
                citizen=self.actor(citizen) if citizen else None,
            )
            return receipt.tracking_code, receipt.secret

    def dispatch(
        self,
        code: str,
        department: str,
        *,
        by: str = "dispatcher",
        category: str | None = None,
        version: int | None = None,
    ) -> None:
        with self._on(code) as (session, case):
            workflow.dispatch(
                session,
                case,
                department=department_by_code(session, department),
                category=category_by_code(session, category) if category else None,
                actor=self.actor(by),
                now=self.clock.now,
                settings=self.settings,
                expected_version=version,
            )

    def arbitrate(self, code: str, department: str, *, by: str = "supervisor") -> None:
        with self._on(code) as (session, case):
            workflow.arbitrate(
                session,
                case,
                department=department_by_code(session, department),
                actor=self.actor(by),
                now=self.clock.now,
                settings=self.settings,
                reason="两个单位互相推诿，由热线办裁定",
            )

    def accept(self, code: str, *, by: str) -> None:
        with self._on(code) as (session, case):
            workflow.accept(session, case, actor=self.actor(by), now=self.clock.now)

    def return_(self, code: str, *, by: str, reason: str = REASON) -> None:
        with self._on(code) as (session, case):
            workflow.return_case(
                session, case, actor=self.actor(by), now=self.clock.now, reason=reason, settings=self.settings
            )

    def reply(self, code: str, *, by: str, text: str = ANSWER, public: bool | None = None) -> None:
        with self._on(code) as (session, case):
            workflow.reply(session, case, actor=self.actor(by), now=self.clock.now, text=text, public=public)

    def rate(self, code: str, secret: str, satisfaction: Satisfaction, *, solved: bool) -> None:
        with self.db.transaction() as session:
            case, owner = secret_holder(session, code=code, secret=secret)
            workflow.rate(
                session,
                case,
                actor=owner,
                now=self.clock.now,
                solved=solved,
                satisfaction=satisfaction,
                settings=self.settings,
                comment=None if satisfaction is not Satisfaction.UNSATISFIED else "问题没有解决",
            )

    def merge(self, code: str, *, into: str, by: str = "dispatcher") -> None:
        with self._on(code) as (session, case):
            workflow.merge(session, case, into=case_by_code(session, into), actor=self.actor(by), now=self.clock.now)

    def request_extension(self, code: str, *, by: str, working_days: int) -> None:
        with self._on(code) as (session, case):
            workflow.request_extension(
                session,
                case,
                actor=self.actor(by),
                now=self.clock.now,
                working_days=working_days,
                reason="需要协调管网改造，施工周期较长",
                settings=self.settings,
            )

    def decide_extension(self, code: str, *, approve: bool, by: str = "supervisor") -> None:
        with self._on(code) as (session, case):
            workflow.decide_extension(
                session, case, actor=self.actor(by), now=self.clock.now, approve=approve, settings=self.settings
            )

    def sweep(self) -> deadlines.SweepResult:
        with self.db.transaction() as session:
            return deadlines.sweep(session, now=self.clock.now, settings=self.settings)

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        """A read whose rows stay readable afterwards (the end of a read would expire them)."""
        with self.db.reading() as session:
            yield session
            session.expunge_all()

    def case(self, code: str) -> Case:
        with self._reading() as session:
            return case_by_code(session, code)

    def events(self, code: str, kind: str | None = None) -> list[CaseEvent]:
        with self._reading() as session:
            query = (
                select(CaseEvent)
                .join(Case)
                .where(Case.tracking_code == code)
                .options(selectinload(CaseEvent.actor), selectinload(CaseEvent.department))
                .order_by(CaseEvent.id)
            )
            if kind is not None:
                query = query.where(CaseEvent.kind == kind)
            return list(session.scalars(query))

    def kinds(self, code: str) -> list[str]:
        return [event.kind for event in self.events(code)]

    def replies(self, code: str) -> list[Reply]:
        with self._reading() as session:
            return list(session.scalars(select(Reply).join(Case).where(Case.tracking_code == code)))

    def notified(self, kind: str, code: str | None = None) -> list[str]:
        """Usernames (or e-mail addresses, for citizens without an account) told ``kind``, about ``code``."""
        with self.db.reading() as session:
            query = (
                select(Notification, User.username)
                .outerjoin(User, User.id == Notification.user_id)
                .where(Notification.kind == kind)
                .order_by(Notification.id)
            )
            if code is not None:
                query = query.join(Case, Case.id == Notification.case_id).where(Case.tracking_code == code)
            return [username or note.email_to for note, username in session.execute(query)]


@dataclass
class Api:
    """The JSON API as each kind of user calls it; logins are bearer tokens, never a shared cookie jar."""

    client: TestClient
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    def auth(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            response = self.client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.text
            self.tokens[username] = {"Authorization": f"Bearer {response.json()['token']}"}
            self.client.cookies.clear()  # the login cookie would make every later request that user's
        return self.tokens[username]

    def submit(self, *, as_user: str | None = None, **fields: object) -> tuple[str, str]:
        headers = self.auth(as_user) if as_user else {}
        response = self.client.post("/api/v1/cases", json=submission(**fields), headers=headers)
        assert response.status_code == 201, response.text
        return response.json()["tracking_code"], response.json()["secret"]

    def move(
        self, code: str, move: str, *, by: str | None = None, secret: str | None = None, **body: object
    ) -> Response:
        """POST /cases/{code}/{move} as a logged-in user (``by``) or as the holder of the tracking secret."""
        return self.client.post(f"/api/v1/cases/{code}/{move}", json=body or None, headers=self._who(by, secret))

    def case(self, code: str, *, by: str | None = None, secret: str | None = None) -> Response:
        return self.client.get(f"/api/v1/cases/{code}", headers=self._who(by, secret))

    def get(self, path: str, *, by: str | None = None, **params: object) -> Response:
        return self.client.get(f"/api/v1{path}", params=params, headers=self.auth(by) if by else {})

    def _who(self, by: str | None, secret: str | None) -> dict[str, str]:
        headers = dict(self.auth(by)) if by else {}
        if secret is not None:
            headers["X-Tracking-Secret"] = secret
        return headers


def urgent_category(desk: Desk, code: str = "A0103", urgency: Urgency = Urgency.EMERGENCY) -> str:
    """A third-level water category of the given urgency (爆管 — a burst main is an emergency)."""
    with desk.db.transaction() as session:
        admin.upsert_category(session, code=code, name="爆管", level=3, parent="A01", urgency=urgency)
    return code
