"""Safety of the pages: CSRF, cookies, login throttling, error pages, headers, redirects."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gongzhi.web.pages import citizen
from tests.factories import PASSWORD, submission
from tests.web.pages_support import HTML, csrf, login


@pytest.mark.parametrize("path", ["/submit", "/login", "/track", "/register", "/logout", "/staff/admin/calendar"])
def test_forms_without_a_valid_csrf_token_are_refused(client: TestClient, world, path: str) -> None:
    csrf(client, "/login")  # the cookie exists; only the token is missing or wrong
    for data in ({}, {"csrf_token": "0" * 64}):
        refused = client.post(path, data={**data, "title": "x", "username": "admin", "password": PASSWORD})
        assert refused.status_code == 403, path
        assert refused.headers["content-type"].startswith("text/html") and "表单已过期" in refused.text


def test_a_token_from_another_browser_does_not_fit(app, client: TestClient, world) -> None:
    token = csrf(client, "/login")
    with TestClient(app) as other:
        csrf(other, "/login")
        data = {"csrf_token": token, "username": "admin", "password": PASSWORD}
        assert other.post("/login", data=data).status_code == 403


def test_htmx_sends_the_token_in_a_header(client: TestClient, world) -> None:
    page = client.get("/")
    assert 'hx-headers=\'{"X-CSRF-Token": "' in page.text
    token = csrf(client, "/track")
    assert client.get("/submit/categories", params={"q": "水"}).status_code == 200
    data = {"username": "admin", "password": PASSWORD}
    assert client.post("/login", data=data, headers={"X-CSRF-Token": token}).status_code == 200


def test_the_json_api_keeps_working_without_csrf_and_keeps_its_error_format(client: TestClient, world) -> None:
    created = client.post("/api/v1/cases", json=submission())
    assert created.status_code == 201
    missing = client.get("/api/v1/cases/NOPE", headers=HTML)
    assert missing.status_code in (401, 404) and missing.headers["content-type"] == "application/json"
    assert client.get("/api/v1/nope", headers=HTML).json()["error"].startswith("no such address")
    assert client.get("/open311/v2/requests/NOPE.json").status_code == 404


def test_session_and_csrf_cookies_are_httponly_and_samesite(client: TestClient, world) -> None:
    first = client.get("/login")
    assert "httponly" in first.headers["set-cookie"].lower() and "samesite=lax" in first.headers["set-cookie"].lower()
    token = csrf(client)
    response = client.post(
        "/login", data={"csrf_token": token, "username": "admin", "password": PASSWORD}, follow_redirects=False
    )
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("gz_session=") and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # served over plain http in tests; Secure when base_url is https


def test_login_is_throttled_after_five_failures(client: TestClient, world, clock) -> None:
    token = csrf(client)
    for _ in range(5):
        wrong = client.post("/login", data={"csrf_token": token, "username": "admin", "password": "wrong-password"})
        assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    right = {"csrf_token": token, "username": "admin", "password": PASSWORD}
    blocked = client.post("/login", data=right)
    assert blocked.status_code == 429 and "分钟后再试" in blocked.text
    clock.advance(minutes=16)
    assert client.post("/login", data=right, follow_redirects=False).status_code == 303


def test_error_pages_are_html_in_the_users_language(client: TestClient, world) -> None:
    unknown = client.get("/no/such/page", headers=HTML)
    assert unknown.status_code == 404 and "此地址没有页面" in unknown.text
    case = client.get("/cases/20260101-XXXXXX")
    assert case.status_code == 404 and "no case with tracking code" in case.text and "<html" in case.text
    assert client.get("/staff/cases/NOPE", follow_redirects=False).status_code == 303  # to the login page


def test_an_unexpected_error_shows_no_traceback(client: TestClient, world, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(citizen, "home_figures", broken)
    page = client.get("/")
    assert page.status_code == 500 and "系统内部错误" in page.text
    assert "secret internals" not in page.text and "Traceback" not in page.text


def test_pages_send_security_headers(client: TestClient, world) -> None:
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_redirects_stay_on_this_site(client: TestClient, world, target: str) -> None:
    switched = client.get("/lang/en", params={"next": target}, follow_redirects=False)
    assert switched.headers["location"] == "/"
    token = csrf(client)
    data = {"csrf_token": token, "username": "admin", "password": PASSWORD, "next": target}
    assert client.post("/login", data=data, follow_redirects=False).headers["location"] == "/staff"


def test_logged_in_staff_is_sent_back_where_they_were_going(client: TestClient, world) -> None:
    assert (
        client.get("/staff/supervisor", follow_redirects=False).headers["location"] == "/login?next=/staff/supervisor"
    )
    token = csrf(client, "/login?next=/staff/supervisor")
    data = {"csrf_token": token, "username": "supervisor", "password": PASSWORD, "next": "/staff/supervisor"}
    assert client.post("/login", data=data, follow_redirects=False).headers["location"] == "/staff/supervisor"
    login(client, "supervisor")
