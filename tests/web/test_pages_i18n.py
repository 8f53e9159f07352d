"""Languages and assets: Chinese by default, English one click away and sticky, a complete catalogue, small JS."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from gongzhi.web.i18n import DEFAULT, translations
from gongzhi.web.i18n.__main__ import extract
from gongzhi.web.pages import STATIC
from gongzhi.web.pages.render import TEMPLATES
from tests.web.pages_support import csrf

JS_BUDGET = 150 * 1024


def test_chinese_is_the_default(client: TestClient, world) -> None:
    page = client.get("/")
    assert '<html lang="zh-CN">' in page.text and "我要留言" in page.text


def test_the_english_switch_sticks(client: TestClient, world) -> None:
    switched = client.get("/lang/en", params={"next": "/board?q=水"}, follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/board?q=%E6%B0%B4"
    assert "gz_lang=en" in switched.headers["set-cookie"]
    for path in ("/", "/submit", "/board", "/track"):
        page = client.get(path)
        assert '<html lang="en">' in page.text and "Leave a message" in page.text, path
    errors = client.post("/submit", data={"csrf_token": csrf(client, "/submit"), "title": "", "content": ""})
    assert "This field is required." in errors.text
    client.get("/lang/zh_CN")
    assert "我要留言" in client.get("/").text


def test_unknown_languages_are_ignored(client: TestClient, world) -> None:
    client.get("/lang/xx")
    assert "我要留言" in client.get("/").text


def test_every_text_of_the_interface_has_a_chinese_translation() -> None:
    chinese = translations(DEFAULT)
    untranslated = [m.id for m in extract() if m.id and chinese.gettext(str(m.id)) == m.id]
    assert not untranslated, f"run `python -m gongzhi.web.i18n` and translate: {untranslated}"


def test_citizen_pages_load_little_javascript_and_only_from_this_site() -> None:
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', base)
    assert scripts and all(s.startswith("/static/") for s in scripts)
    total = sum((STATIC / s.removeprefix("/static/")).stat().st_size for s in scripts)
    assert total <= JS_BUDGET
    assert "<script>" not in "".join(p.read_text(encoding="utf-8") for p in Path(TEMPLATES).rglob("*.html"))


def test_vendored_assets_carry_their_licences() -> None:
    assert (STATIC / "vendor" / "htmx" / "LICENSE").exists()
    assert (STATIC / "vendor" / "pico" / "LICENSE.md").exists()
