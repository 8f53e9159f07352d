"""Citizens' pages through the test client: home, submit, confirmation, tracking, rating, the message board."""

from __future__ import annotations

from fastapi.testclient import TestClient

from gongzhi.cases.lookup import case_by_code
from gongzhi.cases.models import Status
from tests.web.pages_support import csrf, login, submit


def test_home_shows_what_to_do_and_live_figures(client: TestClient, world) -> None:
    submit(client)
    page = client.get("/")
    assert page.status_code == 200
    assert "我要留言" in page.text and "本月诉求" in page.text and "满意率" in page.text
    assert '<p class="figure">1</p>' in page.text


def test_submit_form_offers_types_categories_regions_and_attachments(client: TestClient, world) -> None:
    page = client.get("/submit")
    assert page.status_code == 200
    for text in ('value="complaint"', 'value="A0101"', "停水", 'value="cn-hp-1"', 'type="file"', 'name="is_public"'):
        assert text in page.text


def test_category_picker_searches_every_level(client: TestClient, world) -> None:
    found = client.get("/submit/categories", params={"q": "供水"})
    assert found.status_code == 200
    assert "停水" in found.text and "水质" in found.text and "占道经营" not in found.text


def test_submission_errors_are_shown_next_to_the_field_in_chinese(client: TestClient, world) -> None:
    data = {"csrf_token": csrf(client, "/submit"), "title": "", "content": "有内容", "contact_phone": "abc"}
    page = client.post("/submit", data=data)
    assert page.status_code == 400
    assert 'id="title-error"' in page.text and "此项必填" in page.text
    assert 'id="contact_phone-error"' in page.text and "请输入电话号码" in page.text
    assert "有内容" in page.text  # what the citizen typed is kept


def test_unknown_category_is_reported_on_its_field(client: TestClient, world) -> None:
    data = {"csrf_token": csrf(client, "/submit"), "title": "标题", "content": "内容", "category": "ZZZ"}
    page = client.post("/submit", data=data)
    assert page.status_code == 400
    assert 'id="category-error"' in page.text and "ZZZ" in page.text


def test_confirmation_gives_code_and_secret_and_tracking_shows_the_timeline(client: TestClient, world, db) -> None:
    code, secret = submit(client)
    assert code and len(secret) >= 12
    page = client.get(f"/track/{code}")
    assert page.status_code == 200
    assert "湖畔小区停水两天了" in page.text and "已提交" in page.text and "派单至承办单位" in page.text
    assert "办理时限" in page.text  # the resolution deadline of the dispatched case


def test_tracking_from_another_browser_needs_the_secret(app, client: TestClient, world) -> None:
    code, secret = submit(client)
    with TestClient(app) as other:
        assert 'name="secret"' in other.get(f"/track/{code}").text
        token = csrf(other, "/track")
        wrong = other.post("/track", data={"csrf_token": token, "code": code, "secret": "nope"})
        assert wrong.status_code == 403 and "does not match" in wrong.text
        right = other.post("/track", data={"csrf_token": token, "code": code.lower(), "secret": secret})
        assert right.status_code == 200 and "湖畔小区停水两天了" in right.text


def test_citizen_sees_the_reply_rates_unsatisfied_and_the_case_reopens(client: TestClient, world, db) -> None:
    code, _ = submit(client)
    _reply_as_handler(client, code)
    page = client.get(f"/track/{code}")
    assert "已经恢复供水" in page.text and "您对答复满意吗" in page.text
    token = csrf(client, f"/track/{code}")
    rated = client.post(
        f"/track/{code}/rating",
        data={"csrf_token": token, "solved": "no", "satisfaction": "unsatisfied", "comment": "还是没水"},
    )
    assert rated.status_code == 200 and "市民不满意，重办" in rated.text
    with db.reading() as session:
        assert case_by_code(session, code).status is Status.REOPENED


def _reply_as_handler(client: TestClient, code: str) -> None:
    """Accept and reply through the staff pages in a second session, leaving the citizen's cookies alone."""
    with TestClient(client.app) as staff:
        token = login(staff, "handler_water")
        assert staff.post(f"/staff/cases/{code}/accept", data={"csrf_token": token}).status_code == 200
        text = "已经恢复供水，管道已修复，感谢您的反映。"
        assert staff.post(f"/staff/cases/{code}/reply", data={"csrf_token": token, "text": text}).status_code == 200


def test_withdraw(client: TestClient, world, db) -> None:
    code, _ = submit(client)
    token = csrf(client, f"/track/{code}")
    page = client.post(f"/track/{code}/withdraw", data={"csrf_token": token, "reason": "已自行解决"})
    assert page.status_code == 200 and "已撤回" in page.text


def test_board_lists_published_cases_with_search_filters_and_stable_links(client: TestClient, world) -> None:
    code, _ = submit(client)
    private, _ = submit(client, title="不公开的留言", is_public="")
    board = client.get("/board")
    assert board.status_code == 200 and code in board.text and private not in board.text
    assert code in client.get("/board", params={"q": "停水", "department": "water", "status": "dispatched"}).text
    assert code not in client.get("/board", params={"q": "噪音"}).text
    assert code not in client.get("/board", params={"since": "2030-01-01"}).text
    partial = client.get("/board", params={"region": "cn-hp"}, headers={"HX-Request": "true"})
    assert code in partial.text and "<html" not in partial.text
    page = client.get(f"/cases/{code}")
    assert page.status_code == 200 and "湖畔小区停水两天了" in page.text
    assert "王小明" not in page.text and "13812345678" not in page.text
    assert client.get(f"/cases/{private}").status_code == 404


def test_board_paginates(client: TestClient, world) -> None:
    for n in range(21):
        submit(client, title=f"第{n}号留言")
    first = client.get("/board")
    assert "第 1 / 2 页" in first.text and "page=2" in first.text
    assert "第0号留言" in client.get("/board", params={"page": 2}).text


def test_citizen_html_is_escaped_everywhere(client: TestClient, world) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    code, _ = submit(client, title=evil, content=evil, address=evil)
    for path in (f"/track/{code}", f"/cases/{code}", "/board"):
        text = client.get(path).text
        assert "<script>alert" not in text and "<img src=x" not in text, path
        assert "&lt;script&gt;" in text, path


def test_departments_and_their_public_kpis(client: TestClient, world) -> None:
    page = client.get("/departments")
    assert page.status_code == 200 and "水务局" in page.text and "响应率" in page.text
    one = client.get("/departments/water")
    assert one.status_code == 200 and "满意率" in one.text and "近 30 天" in one.text
    assert client.get("/departments/nope").status_code == 404


def test_register_log_in_my_cases_log_out(client: TestClient, world) -> None:
    token = csrf(client, "/register")
    short = client.post("/register", data={"csrf_token": token, "username": "li", "password": "x"})
    assert short.status_code == 400 and 'id="password-error"' in short.text
    data = {"csrf_token": token, "username": "lisi", "password": "long-enough-pw", "display_name": "李四"}
    mine = client.post("/register", data=data)
    assert mine.status_code == 200 and "我的诉求" in mine.text and "李四" in mine.text
    code, _ = submit(client)
    assert code in client.get("/my").text
    token = csrf(client, "/my")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 200
    assert client.get("/my", follow_redirects=False).headers["location"] == "/login?next=/my"
    taken = client.post("/register", data={**data, "csrf_token": csrf(client, "/register")})
    assert taken.status_code == 409 and "taken" in taken.text
