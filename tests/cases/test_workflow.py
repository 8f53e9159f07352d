"""The workflow use cases of DESIGN.md §2: who may do what, when, and what each move leaves behind.

The clock starts on Monday 2 March 2026, 09:00 in Shanghai. Category A0102 (水质) is a normal matter
routed to ``water`` (respond within 24 working hours, resolve within 7 working days); A0101 (停水) is
an outage; A0201 (占道经营) goes to the street office of the case's street.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from gongzhi.accounts.permissions import SYSTEM
from gongzhi.cases import workflow
from gongzhi.cases.models import ExtensionStatus, Satisfaction, Status
from gongzhi.errors import Conflict, Forbidden, InvalidInput
from tests.cases.steps import ANSWER, Api, Desk, local

NORMAL = "A0102"


def _error(response, status: int, *words: str) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    message = response.json()["error"]
    for word in words:
        assert word in message, message
    return message


# Routing on submission


def test_an_outage_goes_to_water_at_once(desk: Desk) -> None:
    code, _ = desk.submit(category="A0101")
    case = desk.case(code)
    assert (case.status, case.department.code, case.urgency.value) == (Status.DISPATCHED, "water", "outage")
    dispatch = desk.events(code, "dispatch")[0]
    assert dispatch.actor_role == "system" and dispatch.data["by_rule"] is True
    assert case.response_due == desk.clock.now + timedelta(hours=2)  # outages: 2 clock hours


def test_a_street_matter_goes_to_the_office_of_its_street(desk: Desk) -> None:
    code, _ = desk.submit(category="A0201", region="cn-hp-1")  # 柳岸社区 lies in 湖畔街道
    case = desk.case(code)
    assert (case.status, case.department.code) == (Status.DISPATCHED, "st-hp")


def test_a_street_matter_in_a_street_without_office_waits_for_a_dispatcher(desk: Desk) -> None:
    code, _ = desk.submit(category="A0201", region="cn-sx")
    assert (desk.case(code).status, desk.case(code).department) == (Status.SUBMITTED, None)


def test_without_category_a_case_waits_for_a_dispatcher(desk: Desk) -> None:
    code, _ = desk.submit(category=None)
    case = desk.case(code)
    assert (case.status, case.department, case.response_due) == (Status.SUBMITTED, None, None)
    assert desk.kinds(code) == ["submit"]
    assert desk.notified("dispatched") == []


# Dispatch and accept


def test_only_a_dispatcher_dispatches(desk: Desk, api: Api) -> None:
    code, _ = desk.submit(category=None)
    with pytest.raises(Forbidden, match="dispatcher"):
        desk.dispatch(code, "water", by="handler_water")
    _error(api.move(code, "dispatch", by="handler_water", department="water"), 403, "dispatch")
    assert desk.case(code).status is Status.SUBMITTED

    desk.dispatch(code, "water", category=NORMAL)
    case = desk.case(code)
    assert (case.status, case.department.code, case.category.code) == (Status.DISPATCHED, "water", NORMAL)
    assert case.response_due == local(2026, 3, 3, 9)  # 24 working hours


def test_dispatch_tells_the_department_handlers(desk: Desk) -> None:
    code, _ = desk.submit(category=None)
    desk.dispatch(code, "water")
    assert desk.notified("dispatched", code) == ["handler_water"]


def test_only_the_department_accepts(desk: Desk, api: Api) -> None:
    code, _ = desk.submit(category=NORMAL)
    with pytest.raises(Forbidden, match="handler of the department"):
        desk.accept(code, by="handler_urban")
    _error(api.move(code, "accept", by="handler_urban"), 403)
    _error(api.move(code, "accept", by="dispatcher"), 403)
    desk.accept(code, by="handler_water")
    case = desk.case(code)
    assert (case.status, case.accepted_at) == (Status.ACCEPTED, desk.clock.now)


# Returns (退单) and arbitration


def test_a_return_needs_a_reason(desk: Desk, api: Api) -> None:
    code, _ = desk.submit(category=NORMAL)
    with pytest.raises(InvalidInput, match="reason"):
        desk.return_(code, by="handler_water", reason="  ")
    response = api.move(code, "return", by="handler_water", reason="no")
    _error(response, 400, "reason")
    assert response.json()["field"] == "reason"
    assert desk.case(code).status is Status.DISPATCHED


def test_a_return_must_come_within_the_response_deadline(desk: Desk, api: Api) -> None:
    code, _ = desk.submit(category=NORMAL)
    desk.clock.now = local(2026, 3, 3, 9, 1)  # one minute past 24 working hours
    with pytest.raises(Conflict, match="response deadline"):
        desk.return_(code, by="handler_water")
    _error(api.move(code, "return", by="handler_water", reason="不属于本单位职责"), 409, "deadline")
    assert desk.case(code).return_count == 0


def test_returns_are_counted_against_the_department(desk: Desk) -> None:
    code, _ = desk.submit(category=NORMAL)
    desk.clock.advance(hours=1)
    desk.return_(code, by="handler_water")
    case = desk.case(code)
    assert (case.status, case.department, case.return_count, case.response_due) == (Status.RETURNED, None, 1, None)
    event = desk.events(code, "return")[0]
    assert (event.department.code, event.reason, event.actor_role) == (
        "water",
        "依据三定方案，该事项不属于本单位职责",
        "handler",
    )


def test_too_many_returns_go_to_the_supervisor(desk: Desk, api: Api) -> None:
    assert desk.settings.max_returns == 2
    code, _ = desk.submit(category=None)
    desk.dispatch(code, "urban")
    desk.return_(code, by="handler_urban")
    desk.dispatch(code, "water")
    desk.return_(code, by="handler_water")
    case = desk.case(code)
    assert (case.return_count, case.needs_arbitration) == (2, True)
    assert desk.notified("arbitration_needed", code) == ["supervisor"]

    with pytest.raises(Conflict, match="supervisor decides"):
        desk.dispatch(code, "urban")
    _error(api.move(code, "dispatch", by="dispatcher", department="urban"), 409, "arbitrate")
    with pytest.raises(Forbidden):
        desk.arbitrate(code, "urban", by="dispatcher")

    desk.arbitrate(code, "urban")
    case = desk.case(code)
    assert (case.status, case.department.code, case.needs_arbitration) == (Status.DISPATCHED, "urban", False)
    assert desk.kinds(code)[-2:] == ["arbitrate", "arbitration_reason"]
    with pytest.raises(Conflict, match="arbitration"):
        desk.return_(code, by="handler_urban")
    _error(api.move(code, "return", by="handler_urban", reason="不属于本单位职责"), 409, "arbitration")
    desk.accept(code, by="handler_urban")
    assert desk.case(code).status is Status.ACCEPTED


# Extensions


def test_an_approved_extension_moves_the_resolution_deadline_in_working_days(desk: Desk) -> None:
    code, _ = desk.submit(category=NORMAL)
    desk.accept(code, by="handler_water")
    assert desk.case(code).resolution_due == local(2026, 3, 11, 9)  # 7 working days from Monday 09:00

    desk.request_extension(code, by="handler_water", working_days=3)
    assert desk.notified("extension_requested", code) == ["supervisor"]
    with pytest.raises(Conflict, match="already waiting"):
        desk.request_extension(code, by="handler_water", working_days=5)
    with pytest.raises(Forbidden):
        desk.decide_extension(code, approve=True, by="handler_water")

    desk.decide_extension(code, approve=True)
    # Wednesday 11 March 09:00 + 3 working days: Thursday, Friday, (weekend), Monday → Monday 16 March 09:00
    assert desk.case(code).resolution_due == local(2026, 3, 16, 9)
    decision = desk.events(code, "decide_extension")[0]
    assert decision.data == {"approved": True, "working_days": 3}
    with pytest.raises(Conflict, match="no extension request"):
        desk.decide_extension(code, approve=True)


def test_a_rejected_extension_leaves_the_deadline(desk: Desk, api: Api) -> None:
    code, _ = desk.submit(category=NORMAL)
    desk.accept(code, by="handler_water")
    response = api.move(code, "extension", by="handler_water", working_days=4, reason="需要协调多个部门")
    assert response.status_code == 200, response.text
    pending = api.get("/extensions", by="supervisor").json()
    assert [(e["case"], e["working_days"], e["status"]) for e in pending] == [(code, 4, "pending")]
    _error(api.move(code, "extension", by="handler_water", working_days=2, reason="再申请两天"), 409, "already")
    assert api.move(code, "extension/decision", by="supervisor", approve=False).status_code == 200
    assert desk.case(code).resolution_due == local(2026, 3, 11, 9)
    assert api.get("/extensions", by="supervisor").json() == []
    rejected = api.get("/extensions", by="supervisor", status=ExtensionStatus.REJECTED.value).json()
    assert [e["case"] for e in rejected] == [code]


def test_a_reply_cancels_a_pending_extension_request(desk: Desk, api: Api) -> None:
    code, _ = desk.submit(category=NORMAL)
    desk.accept(code, by="handler_water")
    desk.request_extension(code, by="handler_water", working_days=3)
    desk.reply(code, by="handler_water")
    assert api.get("/extensions", by="supervisor").json() == []
    cancelled = api.get("/extensions", by="supervisor", status=ExtensionStatus.CANCELLED.value).json()
    assert [(e["case"], e["status"]) for e in cancelled] == [(code, "cancelled")]


def test_an_extension_is_for_a_case_being_handled(desk: Desk) -> None:
    code, _ = desk.submit(category=NORMAL)
    with pytest.raises(Conflict, match="that is dispatched"):
        desk.request_extension(code, by="handler_water", working_days=3)


# Replies: public and private


def _on_the_board(api: Api, code: str) -> bool:
    board = api.get("/public/cases").json()
    return code in [item["tracking_code"] for item in board["items"]]


def test_the_reply_to_a_private_case_is_never_published(desk: Desk, api: Api) -> None:
    code, secret = api.submit(category=NORMAL, is_public=False)
    api.move(code, "accept", by="handler_water")
    answer = "已派人疏通管道，水质检测合格，详情请见附件。"
    assert api.move(code, "reply", by="handler_water", text=answer, public=True).status_code == 200

    assert [r.is_public for r in desk.replies(code)] == [False]
    _error(api.get(f"/public/cases/{code}"), 404, "not published")
    assert not _on_the_board(api, code)
    assert answer not in api.client.get("/api/v1/public/cases").text
    own = api.case(code, secret=secret).json()  # the citizen still sees it
    assert [r["text"] for r in own["replies"]] == [answer]


def test_a_public_case_shows_public_replies_only(desk: Desk, api: Api) -> None:
    code, _ = api.submit(category=NORMAL, is_public=True)
    api.move(code, "accept", by="handler_water")
    api.move(code, "reply", by="handler_water", text="内部答复：涉及个人信息，不予公开。", public=False)
    public = api.get(f"/public/cases/{code}").json()
    assert (public["status"], public["replies"]) == ("replied", [])
    assert _on_the_board(api, code)


def test_a_reply_is_published_by_default_when_the_citizen_allowed_it(desk: Desk, api: Api) -> None:
    code, _ = api.submit(category=NORMAL, is_public=True)
    api.move(code, "accept", by="handler_water")
    api.move(code, "reply", by="handler_water", text=ANSWER)
    assert [r["text"] for r in api.get(f"/public/cases/{code}").json()["replies"]] == [ANSWER]


def test_withdrawn_and_invalid_cases_leave_the_board(api: Api) -> None:
    withdrawn, secret = api.submit(category=None, is_public=True)
    invalid, _ = api.submit(category=None, is_public=True)
    assert _on_the_board(api, withdrawn) and _on_the_board(api, invalid)
    api.move(withdrawn, "withdraw", secret=secret)
    api.move(invalid, "invalidate", by="dispatcher", reason="广告信息，与政务无关")
    assert not _on_the_board(api, withdrawn) and not _on_the_board(api, invalid)
    _error(api.get(f"/public/cases/{invalid}"), 404, "not published")


def test_a_reply_must_say_something(desk: Desk) -> None:
    code, _ = desk.submit(category=NORMAL)
    desk.accept(code, by="handler_water")
    with pytest.raises(InvalidInput, match="10 characters"):
        desk.reply(code, by="handler_water", text="已处理")


# Ratings (回访), reopening and auto-closing


def test_unsatisfied_reopens_until_the_reopenings_are_used_up(desk: Desk) -> None:
    assert desk.settings.max_reopens == 2
    code, secret = desk.submit(category=NORMAL)
    desk.accept(code, by="handler_water")
    for reopened in (1, 2):
        desk.reply(code, by="handler_water")
        desk.rate(code, secret, Satisfaction.UNSATISFIED, solved=False)
        case = desk.case(code)
        assert (case.status, case.reopen_count, case.closed_at) == (Status.REOPENED, reopened, None)
        assert desk.notified("reopened", code) == ["handler_water"] * reopened
    desk.reply(code, by="handler_water")
    desk.rate(code, secret, Satisfaction.UNSATISFIED, solved=False)
    case = desk.case(code)
    assert (case.status, case.reopen_count, case.closed_at) == (Status.CLOSED, 2, desk.clock.now)
    assert desk.notified("closed_unsatisfied", code) == ["supervisor"]
    assert desk.kinds(code).count("reopen") == 2 and desk.kinds(code)[-1] == "close"


def test_a_reopened_case_gets_a_new_resolution_deadline(desk: Desk) -> None:
    code, secret = desk.submit(category=NORMAL)
    desk.accept(code, by="handler_water")
    desk.reply(code, by="handler_water")
    desk.clock.now = local(2026, 3, 4, 9)  # Wednesday
    desk.rate(code, secret, Satisfaction.UNSATISFIED, solved=False)
    assert desk.case(code).resolution_due == local(2026, 3, 13, 9)  # 7 working days from Wednesday


def test_satisfied_closes(desk: Desk) -> None:
    code, secret = desk.submit(category=NORMAL)
    desk.accept(code, by="handler_water")
    desk.reply(code, by="handler_water")
    desk.rate(code, secret, Satisfaction.BASIC, solved=True)
    assert desk.case(code).status is Status.CLOSED


def test_an_unrated_reply_closes_after_auto_close_days(desk: Desk) -> None:
    code, _ = desk.submit(category=NORMAL)
    desk.accept(code, by="handler_water")
    desk.reply(code, by="handler_water")
    replied = desk.clock.now

    def auto_close() -> int:
        with desk.db.transaction() as session:
            return workflow.auto_close(session, now=desk.clock.now, settings=desk.settings)

    desk.clock.now = replied + timedelta(days=desk.settings.auto_close_days) - timedelta(minutes=1)
    assert auto_close() == 0
    assert desk.case(code).status is Status.REPLIED
    desk.clock.now = replied + timedelta(days=desk.settings.auto_close_days)
    assert auto_close() == 1
    case = desk.case(code)
    assert (case.status, case.closed_at) == (Status.CLOSED, desk.clock.now)
    event = desk.events(code, "auto_close")[0]
    assert (event.actor_role, event.data) == (SYSTEM.label, {"after_days": 7})
    assert auto_close() == 0


# Merging duplicates (合并)


def test_the_reporter_of_a_duplicate_gets_the_reply(desk: Desk, api: Api) -> None:
    primary, _ = api.submit(category=NORMAL)
    duplicate, dup_secret = api.submit(as_user="citizen", category=None, title="湖畔小区的水发黄")
    anonymous, _ = api.submit(category=None, contact_email="neighbour@example.org")
    for code in (duplicate, anonymous):
        merged = api.move(code, "merge", by="dispatcher", into=primary)
        assert merged.status_code == 200, merged.text
        assert (merged.json()["status"], merged.json()["merged_into"]) == ("merged", primary)
    assert desk.case(primary).supporters == 2
    assert desk.notified("merged") == ["citizen", "neighbour@example.org"]

    api.move(primary, "accept", by="handler_water")
    api.move(primary, "reply", by="handler_water", text=ANSWER)
    mine = api.get("/notifications", by="citizen").json()
    assert [(n["kind"], n["case"]) for n in mine if n["kind"] == "replied"] == [("replied", duplicate)]
    assert ANSWER in next(n["message"] for n in mine if n["kind"] == "replied")
    assert desk.notified("replied", anonymous) == ["neighbour@example.org"]

    shown = api.case(duplicate, secret=dup_secret).json()
    assert (shown["status"], shown["merged_into"]) == ("merged", primary)
    assert [r["text"] for r in shown["replies"]] == [ANSWER]


def test_a_duplicate_merged_after_the_reply_receives_it_at_once(desk: Desk) -> None:
    primary, _ = desk.submit(category=NORMAL)
    desk.accept(primary, by="handler_water")
    desk.reply(primary, by="handler_water")
    late, _ = desk.submit(category=None, contact_email="late@example.org")
    desk.merge(late, into=primary)
    assert desk.notified("replied", late) == ["late@example.org"]


def test_merging_a_case_that_has_duplicates_brings_them_along(desk: Desk) -> None:
    first, _ = desk.submit(category=None, contact_email="first@example.org")
    second, _ = desk.submit(category=None, contact_email="second@example.org")
    primary, _ = desk.submit(category=NORMAL, contact_email="primary@example.org")
    desk.merge(first, into=second)
    desk.merge(second, into=primary)
    assert (desk.case(first).merged_into_id, desk.case(primary).supporters) == (desk.case(primary).id, 2)
    desk.accept(primary, by="handler_water")
    desk.reply(primary, by="handler_water")
    for code, address in (
        (primary, "primary@example.org"),
        (second, "second@example.org"),
        (first, "first@example.org"),
    ):
        assert desk.notified("replied", code) == [address]


def test_merge_refuses_itself_and_closed_cases(desk: Desk, api: Api) -> None:
    first, _ = api.submit(category=None)
    _error(api.move(first, "merge", by="dispatcher", into=first), 400, "itself")
    _error(api.move(first, "merge", by="handler_water", into=first), 403)
    second, _ = api.submit(category=None)
    api.move(second, "invalidate", by="dispatcher", reason="重复的测试留言")
    _error(api.move(first, "merge", by="dispatcher", into=second), 409, "invalid")


# The citizen withdraws; staff invalidate


def test_withdraw_with_the_tracking_secret(desk: Desk, api: Api) -> None:
    code, secret = api.submit(category=NORMAL)
    _error(api.move(code, "withdraw", secret="not-the-secret"), 403, "secret")
    _error(api.move(code, "withdraw", by="dispatcher"), 403, "citizen")
    assert desk.case(code).status is Status.DISPATCHED
    response = api.move(code, "withdraw", secret=secret, reason="问题已自行解决")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "withdrawn"
    assert desk.events(code, "withdraw")[0].reason == "问题已自行解决"
    _error(api.move(code, "withdraw", secret=secret), 409, "that is withdrawn")


def test_a_logged_in_citizen_withdraws_their_own_case_only(api: Api) -> None:
    own, _ = api.submit(as_user="citizen", category=None)
    other, _ = api.submit(category=None)
    _error(api.move(other, "withdraw", by="citizen"), 403)
    assert api.move(own, "withdraw", by="citizen").json()["status"] == "withdrawn"


def test_invalidate_needs_a_reason(desk: Desk, api: Api) -> None:
    code, _ = api.submit(category=None)
    response = api.move(code, "invalidate", by="dispatcher", reason="")
    _error(response, 400, "reason")
    _error(api.move(code, "invalidate", by="handler_water", reason="广告信息，与政务无关"), 403)
    assert desk.case(code).status is Status.SUBMITTED
    response = api.move(code, "invalidate", by="dispatcher", reason="广告信息，与政务无关")
    assert response.json()["status"] == "invalid"
    assert desk.events(code, "invalidate")[0].reason == "广告信息，与政务无关"


# Contact details and optimistic locking


def test_revealing_the_contact_is_recorded_and_not_for_citizens(desk: Desk, api: Api) -> None:
    code, secret = api.submit(as_user="citizen", category=NORMAL)
    masked = api.case(code, by="handler_water").json()
    assert (masked["contact_name_masked"], masked["contact_phone_masked"]) == ("王**", "138****5678")

    _error(api.move(code, "contact", by="citizen"), 403)
    _error(api.move(code, "contact", secret=secret), 401)
    _error(api.move(code, "contact", by="handler_urban"), 403)
    assert desk.events(code, "contact_viewed") == []

    shown = api.move(code, "contact", by="handler_water")
    assert shown.status_code == 200, shown.text
    assert shown.json() == {"name": "王小明", "phone": "13812345678", "email": None}
    viewed = desk.events(code, "contact_viewed")
    assert [(e.actor.username, e.actor_role) for e in viewed] == [("handler_water", "handler")]
    assert desk.case(code).status is Status.DISPATCHED


def test_a_stale_version_is_refused(desk: Desk, api: Api) -> None:
    code, _ = api.submit(category=None)
    seen = api.case(code, by="dispatcher").json()["version"]
    _error(api.move(code, "dispatch", by="dispatcher", department="water", version=seen + 1), 409, "reload")
    dispatched = api.move(code, "dispatch", by="dispatcher", department="water", version=seen)
    assert dispatched.status_code == 200, dispatched.text
    assert dispatched.json()["version"] > seen
    _error(api.move(code, "accept", by="handler_water", version=seen), 409, "changed since you loaded it")
    with pytest.raises(Conflict):
        desk.dispatch(code, "urban", version=seen)
    assert desk.case(code).department.code == "water"


# Supervision (督办) and escalation


def test_a_supervisor_presses_the_department(desk: Desk, api: Api) -> None:
    code, secret = api.submit(category=NORMAL)
    _error(api.move(code, "supervise", by="dispatcher", reason="请尽快办理"), 403)
    _error(api.move(code, "supervise", by="supervisor", reason="快"), 400, "reason")
    assert api.move(code, "supervise", by="supervisor", reason="群众反映强烈，请今日内办结").status_code == 200
    assert desk.notified("supervised", code) == ["handler_water"]
    assert [(e.actor_role, e.reason) for e in desk.events(code, "supervise")] == [
        ("supervisor", "群众反映强烈，请今日内办结")
    ]
    assert desk.case(code).status is Status.DISPATCHED
    api.move(code, "withdraw", secret=secret)
    _error(api.move(code, "supervise", by="supervisor", reason="请尽快办理"), 409, "that is withdrawn")


def test_an_overdue_response_is_escalated_to_the_supervisor(desk: Desk) -> None:
    code, _ = desk.submit(category=NORMAL)
    desk.clock.now = local(2026, 3, 3, 9)
    assert desk.sweep().escalated == 1
    assert desk.notified("deadline_escalation", code) == ["supervisor"]
    assert desk.notified("dispatched", code) == ["handler_water"]
