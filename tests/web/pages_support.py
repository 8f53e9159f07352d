"""Helpers for the HTML page tests: read the CSRF token off a page, log in through the form, submit a case."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.factories import PASSWORD

HTML = {"accept": "text/html"}
_TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def csrf(client: TestClient, path: str = "/login") -> str:
    """The CSRF token of a page (and, on the first visit, the cookie it belongs to)."""
    page = client.get(path)
    found = _TOKEN.search(page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def login(client: TestClient, username: str) -> str:
    token = csrf(client)
    response = client.post(
        "/login", data={"csrf_token": token, "username": username, "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return token


def submit(client: TestClient, **fields: str) -> tuple[str, str]:
    """Submit through the form; returns the tracking code and the secret shown on the confirmation."""
    data = {
        "title": "湖畔小区停水两天了",
        "content": "柳岸社区湖畔小区3栋从前天早上开始停水，没有任何通知。",
        "type": "help",
        "category": "A0101",
        "region": "cn-hp-1",
        "contact_name": "王小明",
        "contact_phone": "13812345678",
        "is_public": "on",
        **fields,
    }
    response = client.post("/submit", data={"csrf_token": csrf(client, "/submit"), **data}, follow_redirects=True)
    assert response.status_code == 200, response.text
    code = re.search(r'id="tracking-code">([^<]+)<', response.text)
    secret = re.search(r'id="tracking-secret">([^<]+)<', response.text)
    assert code and secret, response.text
    return code.group(1), secret.group(1)
