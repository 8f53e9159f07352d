"""A year of history: each demo message lives its life through the real workflow functions.

Every step happens at a simulated time (the domain takes ``now`` as a parameter), so events, deadlines,
KPIs and the ledger see exactly what a real year would have produced. A step scheduled after the real
present is not taken: recent cases stop where they would be today, which leaves cases in every state.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from gongzhi.accounts.permissions import Actor
from gongzhi.cases import intake, workflow
from gongzhi.cases.models import Case, Channel, Satisfaction, Status
from gongzhi.cases.schemas import validate_submission
from gongzhi.config import Settings
from gongzhi.demo import messages as corpus
from gongzhi.demo.jurisdiction import region as demo_region
from gongzhi.demo.jurisdiction import route as demo_route
from gongzhi.directory.lookup import category_by_code, department_by_code
from gongzhi.errors import GongzhiError

_CHANNELS = (Channel.WEB, Channel.WEB, Channel.WEB, Channel.PHONE, Channel.PHONE, Channel.API, Channel.OPEN311)


@dataclass
class Cast:
    """Who acts in the simulation: the staff accounts, by role or department code."""

    dispatchers: list[Actor]
    supervisor: Actor
    handlers: dict[str, Actor]


class Story:
    """One case's life; each step returns False when its time lies in the future (the story pauses there)."""

    def __init__(
        self,
        session: Session,
        *,
        settings: Settings,
        cast: Cast,
        rng: random.Random,
        today: datetime,
        message: corpus.DemoMessage,
    ) -> None:
        self.session, self.settings, self.cast, self.rng, self.today = session, settings, cast, rng, today
        self.message = message
        self.t = message.submitted_at
        self.case: Case | None = None
        self.secret_actor: Actor | None = None

    def at(self, **delta: float) -> bool:
        """Move the clock forward; False when that moment has not come yet."""
        self.t = self.t + timedelta(**delta)
        return self.t <= self.today

    def submit(self, *, drop_category: bool) -> Case:
        m = self.message
        data = validate_submission(
            {
                "title": m.title,
                "content": m.content,
                "type": m.type,
                "category": None if drop_category else m.category,
                "region": m.region,
                "address": m.address,
                "lat": m.lat,
                "long": m.long,
                "contact_name": m.contact_name,
                "contact_phone": m.contact_phone,
                "is_public": m.is_public,
            }
        )
        receipt = intake.submit(
            self.session, data=data, channel=self.rng.choice(_CHANNELS), now=self.t, settings=self.settings
        )
        self.case = receipt.case
        self.secret_actor = Actor(role=None, case_id=receipt.case.id, name="citizen")
        return receipt.case

    @property
    def right_department(self) -> str:
        return demo_route(self.message.category, _street(self.message.region))

    def dispatch(self, department: str, *, with_category: bool) -> None:
        assert self.case is not None
        workflow.dispatch(
            self.session,
            self.case,
            department=department_by_code(self.session, department),
            actor=self.rng.choice(self.cast.dispatchers),
            now=self.t,
            settings=self.settings,
            category=category_by_code(self.session, self.message.category) if with_category else None,
        )

    def handler(self) -> Actor:
        assert self.case is not None and self.case.department is not None
        return self.cast.handlers[self.case.department.code]

    def give_back(self) -> None:
        """退单: the department the case sits with says it is not its duty."""
        assert self.case is not None
        workflow.return_case(
            self.session,
            self.case,
            actor=self.handler(),
            now=self.t,
            reason=corpus.generate_return_reason(self.message.category, self.rng),
            settings=self.settings,
        )


def _street(region_code: str | None) -> str | None:
    if region_code is None:
        return None
    node = demo_region(region_code)
    return node.parent if node.level == "community" else node.code


def live(story: Story) -> None:
    """Play one case from submission to wherever it is today."""
    rng = story.rng
    case = story.submit(drop_category=rng.random() < 0.25)
    if case.status is Status.SUBMITTED:
        if not story.at(hours=rng.uniform(0.2, 5)):
            return
        if rng.random() < 0.03:
            workflow.invalidate(
                story.session,
                case,
                actor=rng.choice(story.cast.dispatchers),
                now=story.t,
                reason="内容与政务无关，且无具体诉求，按无效件处理",
            )
            return
        wrong = rng.random() < 0.07
        target = _wrong_department(story) if wrong else story.right_department
        story.dispatch(target, with_category=True)
    if rng.random() < 0.03 and story.at(hours=rng.uniform(0.5, 12)):
        workflow.withdraw(
            story.session,
            case,
            actor=story.secret_actor,
            now=story.t,  # type: ignore[arg-type]
            reason="问题已自行解决，撤回诉求",
        )
        return
    if not _respond(story):
        return
    _handle(story)


def _wrong_department(story: Story) -> str:
    choices = [code for code in story.cast.handlers if code != story.right_department]
    return story.rng.choice(choices)


def _respond(story: Story) -> bool:
    """签收, or 退单 when the case was sent to the wrong department (then the dispatcher sends it on)."""
    rng, case = story.rng, story.case
    assert case is not None
    for _ in range(3):
        late = rng.random() < 0.08
        if not story.at(hours=rng.uniform(26, 60) if late else rng.expovariate(1 / 4)):
            return False
        assert case.department is not None
        if case.department.code != story.right_department:
            try:
                story.give_back()
            except GongzhiError:  # too late to return: the first receiver must handle it
                break
            if not story.at(hours=rng.uniform(0.5, 24)):
                return False
            if case.needs_arbitration:
                workflow.arbitrate(
                    story.session,
                    case,
                    department=department_by_code(story.session, story.right_department),
                    actor=story.cast.supervisor,
                    now=story.t,
                    settings=story.settings,
                    reason="经研究，该事项由属地/主管部门办理",
                )
            else:
                story.dispatch(story.right_department, with_category=False)
            continue
        break
    workflow.accept(story.session, case, actor=story.handler(), now=story.t)
    return True


def _handle(story: Story) -> None:
    rng, case = story.rng, story.case
    assert case is not None
    if rng.random() < 0.02:
        return  # some cases sit: the sweep will warn and escalate them
    if rng.random() < 0.05 and story.at(hours=rng.uniform(1, 20)):
        _duplicate(story)
    if rng.random() < 0.05:
        if not story.at(days=rng.uniform(1, 4)):
            return
        workflow.request_extension(
            story.session,
            case,
            actor=story.handler(),
            now=story.t,
            working_days=rng.choice((3, 5, 8)),
            settings=story.settings,
            reason=corpus.generate_extension_reason(rng),
        )
        if not story.at(hours=rng.uniform(1, 30)):
            return
        workflow.decide_extension(
            story.session,
            case,
            actor=story.cast.supervisor,
            now=story.t,
            approve=rng.random() < 0.8,
            settings=story.settings,
        )
    for round_ in range(3):
        if not story.at(days=rng.lognormvariate(1.0, 0.7)):
            return
        workflow.reply(
            story.session,
            case,
            actor=story.handler(),
            now=story.t,
            text=corpus.generate_reply(story.message, case.department.name, rng),
        )  # type: ignore[union-attr]
        if not _follow_up(story, second_round=round_ > 0):
            return
        if case.status is not Status.REOPENED:
            return
        if not story.at(hours=rng.uniform(2, 30)):
            return
        workflow.accept(story.session, case, actor=story.handler(), now=story.t)


def _duplicate(story: Story) -> None:
    """Someone else reports the same problem; the dispatcher merges it into the open case."""
    m, case = story.message, story.case
    assert case is not None
    data = validate_submission(
        {
            "title": "同问：" + m.title[:190],
            "content": m.content,
            "type": m.type,
            "region": m.region,
            "address": m.address,
            "contact_name": corpus.random_name(story.rng),
            "contact_phone": corpus.random_mobile(story.rng),
            "is_public": m.is_public,
        }
    )
    twin = intake.submit(story.session, data=data, channel=Channel.WEB, now=story.t, settings=story.settings).case
    story.at(minutes=story.rng.uniform(10, 90))
    workflow.merge(story.session, twin, into=case, actor=story.rng.choice(story.cast.dispatchers), now=story.t)


def _follow_up(story: Story, *, second_round: bool) -> bool:
    rng, case = story.rng, story.case
    assert case is not None
    if rng.random() < 0.3:  # no rating: the worker closes it after the quiet period
        if story.at(days=story.settings.auto_close_days, minutes=5):
            workflow.auto_close(story.session, now=story.t, settings=story.settings)
        return False
    if not story.at(hours=rng.uniform(2, 72)):
        return False
    roll = rng.random()
    happy = 0.75 if second_round else 0.6
    satisfaction = (
        Satisfaction.SATISFIED
        if roll < happy
        else Satisfaction.BASIC
        if roll < happy + 0.2
        else Satisfaction.UNSATISFIED
    )
    solved = satisfaction is not Satisfaction.UNSATISFIED and rng.random() < 0.9
    workflow.rate(
        story.session,
        case,
        actor=story.secret_actor,
        now=story.t,
        solved=solved,  # type: ignore[arg-type]
        satisfaction=satisfaction,
        settings=story.settings,
        comment=corpus.generate_rating_comment(satisfaction.value, rng),
    )
    return True


def open_queues(story_of: Callable[[corpus.DemoMessage], Story], messages: list[corpus.DemoMessage]) -> None:
    """This morning's work: a few cases stopped on purpose in each waiting state, so every queue has some."""
    scripts: list[Callable[[Story], None]] = [
        _unclassified,
        _unclassified,
        _unclassified,
        _returned_once,
        _returned_twice,
        _just_dispatched,
        _near_deadline,
        _reopened,
    ]
    for message, script in zip(messages, scripts, strict=False):
        script(story_of(message))


def _unclassified(story: Story) -> None:
    story.submit(drop_category=True)


def _returned_once(story: Story) -> None:
    story.submit(drop_category=True)
    story.at(minutes=20)
    story.dispatch(_wrong_department(story), with_category=True)
    story.at(minutes=40)
    story.give_back()


def _returned_twice(story: Story) -> None:
    """Two departments said no: under the first-receiver rule the supervisor now decides."""
    _returned_once(story)
    story.at(minutes=15)
    story.dispatch(_wrong_department(story), with_category=False)
    story.at(minutes=30)
    story.give_back()


def _just_dispatched(story: Story) -> None:
    story.submit(drop_category=True)
    story.at(minutes=15)
    story.dispatch(story.right_department, with_category=True)


def _near_deadline(story: Story) -> None:
    story.submit(drop_category=True)
    story.at(minutes=10)
    story.dispatch(story.right_department, with_category=True)
    story.at(minutes=30)
    workflow.accept(story.session, story.case, actor=story.handler(), now=story.t)  # type: ignore[arg-type]


def _reopened(story: Story) -> None:
    """Replied this morning, and the citizen was not satisfied: back to the department."""
    _near_deadline(story)
    story.at(minutes=50)
    case = story.case
    assert case is not None and case.department is not None
    workflow.reply(
        story.session,
        case,
        actor=story.handler(),
        now=story.t,
        text=corpus.generate_reply(story.message, case.department.name, story.rng),
    )
    story.at(minutes=40)
    workflow.rate(
        story.session,
        case,
        actor=story.secret_actor,
        now=story.t,
        solved=False,  # type: ignore[arg-type]
        satisfaction=Satisfaction.UNSATISFIED,
        settings=story.settings,
        comment=corpus.generate_rating_comment(Satisfaction.UNSATISFIED.value, story.rng),
    )
