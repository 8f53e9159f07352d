"""Staff pages: dispatcher queue, department inbox, case workspace, supervisor desk, administration."""

from __future__ import annotations

from fastapi.testclient import TestClient

from gongzhi.cases.lookup import case_by_code
from gongzhi.cases.models import Status
from gongzhi.cases.queries import timeline
from tests.web.pages_support import HTML, login, submit


def _citizen_case(client: TestClient, **fields: str) -> str:
    with TestClient(client.app) as citizen:
        code, _ = submit(citizen, **fields)
    return code


def test_pages_need_a_staff_login(client: TestClient, world) -> None:
    assert client.get("/staff/queue", follow_redirects=False).headers["location"] == "/login?next=/staff/queue"
    login(client, "citizen")
    refused = client.get("/staff/queue")
    assert refused.status_code == 403 and "staff" in refused.text


def test_dispatcher_queue_and_dispatch_in_two_clicks(client: TestClient, world, db) -> None:
    code = _citizen_case(client, category="", title="路灯不亮")
    token = login(client, "dispatcher")
    assert client.get("/staff", follow_redirects=False).headers["location"] == "/staff/queue"
    queue = client.get("/staff/queue", params={"tab": "unclassified"})
    assert queue.status_code == 200 and code in queue.text and "路灯不亮" in queue.text
    done = client.post(
        f"/staff/cases/{code}/dispatch",
        data={"csrf_token": token, "department": "urban"},
        headers={"HX-Request": "true"},
    )
    assert done.status_code == 200 and "已派至" in done.text and "<html" not in done.text
    with db.reading() as session:
        assert case_by_code(session, code).status is Status.DISPATCHED
    assert code not in client.get("/staff/queue", params={"tab": "unclassified"}).text


def test_handler_inbox_workspace_accept_contact_and_reply(client: TestClient, world, db, clock) -> None:
    code = _citizen_case(client)
    token = login(client, "handler_water")
    inbox = client.get("/staff/inbox")
    assert inbox.status_code == 200 and code in inbox.text and "剩余" in inbox.text
    page = client.get(f"/staff/cases/{code}")
    assert "13812345678" not in page.text and "查看联系方式" in page.text
    shown = client.post(f"/staff/cases/{code}/contact", data={"csrf_token": token}, headers={"HX-Request": "true"})
    assert "13812345678" in shown.text and "王小明" in shown.text
    assert "签收" in client.post(f"/staff/cases/{code}/accept", data={"csrf_token": token}).text
    assert code in client.get("/staff/inbox", params={"tab": "in_progress"}).text
    assert "现场解决" in client.get(f"/staff/cases/{code}").text  # the reply templates
    template = client.get("/staff/reply-template", params={"template": 0})
    assert template.status_code == 200 and "现场核实处理" in template.text
    short = client.post(f"/staff/cases/{code}/reply", data={"csrf_token": token, "text": "好"})
    assert short.status_code == 400 and "at least 10 characters" in short.text
    text = "已于今日修复管道，恢复供水，感谢反映。"
    replied = client.post(f"/staff/cases/{code}/reply", data={"csrf_token": token, "text": text})
    assert replied.status_code == 200 and text in replied.text
    with db.reading() as session:
        case = case_by_code(session, code)
        assert case.status is Status.REPLIED
        assert "contact_viewed" in [e.kind for e in timeline(session, case)]


def test_inbox_colours_overdue_cases(client: TestClient, world, clock) -> None:
    code = _citizen_case(client)
    clock.advance(days=30)
    login(client, "handler_water")
    overdue = client.get("/staff/inbox", params={"tab": "overdue"})
    assert code in overdue.text and 'class="row-late"' in overdue.text and "已超期" in overdue.text


def test_return_extension_and_the_supervisor_desk(client: TestClient, world, db, clock) -> None:
    code = _citizen_case(client)
    other = _citizen_case(client, title="另一件停水")
    token = login(client, "handler_water")
    client.post(f"/staff/cases/{other}/accept", data={"csrf_token": token})
    asked = client.post(
        f"/staff/cases/{other}/extension", data={"csrf_token": token, "working_days": "3", "reason": "需要更换主管道"}
    )
    assert asked.status_code == 200 and "申请延期" in asked.text
    returned = client.post(f"/staff/cases/{code}/return", data={"csrf_token": token, "reason": "不属于本单位职责"})
    assert returned.status_code == 200 and "操作成功" in returned.text and code not in returned.text
    clock.advance(days=30)
    token = login(client, "supervisor")
    desk = client.get("/staff/supervisor")
    assert desk.status_code == 200 and other in desk.text and "需要更换主管道" in desk.text and "已超期" in desk.text
    decided = client.post(
        f"/staff/cases/{other}/extension/decision", data={"csrf_token": token, "decision": "approve", "note": "同意"}
    )
    assert decided.status_code == 200
    pressed = client.post(f"/staff/cases/{other}/supervise", data={"csrf_token": token, "reason": "请尽快恢复供水"})
    assert pressed.status_code == 200 and "请尽快恢复供水" in client.get("/staff/supervisor").text


def test_merge_and_invalidate_from_the_workspace(client: TestClient, world, db) -> None:
    first, second, spam = (_citizen_case(client) for _ in range(3))
    token = login(client, "dispatcher")
    merged = client.post(f"/staff/cases/{second}/merge", data={"csrf_token": token, "into": first})
    assert merged.status_code == 200 and "已合并" in merged.text
    client.post(f"/staff/cases/{spam}/invalidate", data={"csrf_token": token, "reason": "广告信息"})
    with db.reading() as session:
        assert case_by_code(session, second).status is Status.MERGED
        assert case_by_code(session, spam).status is Status.INVALID


def test_illegal_move_is_an_html_409_with_the_domain_message(client: TestClient, world) -> None:
    code = _citizen_case(client)
    token = login(client, "handler_water")
    refused = client.post(f"/staff/cases/{code}/reply", data={"csrf_token": token, "text": "答复内容答复内容答复内容"})
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("text/html") and "accept the case before replying" in refused.text


def test_admin_pages_change_the_directory(client: TestClient, world, db) -> None:
    token = login(client, "admin")
    page = client.get("/staff/admin")
    assert page.status_code == 200 and "水务局" in page.text and "handler_water" in page.text
    forms = {
        "departments": {"code": "gas", "name": "燃气公司", "kind": "enterprise", "supervisor": "hotline"},
        "users": {"username": "handler_gas", "password": "long-enough-pw", "role": "handler", "department": "gas"},
        "categories": {"code": "A0103", "name": "水压低", "level": "3", "parent": "A01"},
        "routing": {"category": "A0103", "department": "water"},
        "sla": {"urgency": "normal", "respond": "24wh", "resolve": "5wd", "category": "A0103"},
        "calendar": {"day": "2026-03-09", "note": "台风停工"},
    }
    for path, form in forms.items():
        response = client.post(f"/staff/admin/{path}", data={"csrf_token": token, **form})
        assert response.status_code == 200 and "已保存" in response.text, (path, response.text[-500:])
    page = client.get("/staff/admin").text
    for text in ("燃气公司", "handler_gas", "水压低", "5wd", "台风停工"):
        assert text in page
    bad = client.post(
        "/staff/admin/sla", data={"csrf_token": token, "urgency": "normal", "respond": "x", "resolve": "y"}
    )
    assert bad.status_code == 400 and "respond" in bad.text


def test_only_admins_administer(client: TestClient, world) -> None:
    login(client, "dispatcher")
    assert client.get("/staff/admin", headers=HTML).status_code == 403
