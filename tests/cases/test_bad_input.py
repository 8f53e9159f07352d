"""What the API answers to bad input: the right 4xx, with a message that names what is wrong — never a 500.

Every response in this module passes through ``_no_server_error``, so a 500 anywhere fails the test
that caused it, even where the test itself looks at something else.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func, select

from gongzhi.cases import notify
from gongzhi.cases.models import Case, Notification, Status
from gongzhi.config import Settings
from gongzhi.db import Database
from tests.cases.steps import ANSWER, Api, Desk
from tests.factories import submission

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
LIMIT = 1024


@pytest.fixture(autouse=True)
def _no_server_error(client: TestClient) -> Iterator[list[Response]]:
    seen: list[Response] = []

    def check(response: Response) -> None:
        seen.append(response)
        request = response.request
        assert response.status_code < 500, f"{request.method} {request.url} answered {response.status_code}"

    client.event_hooks["response"].append(check)
    yield seen
    assert seen, "the hook saw no response: is it still installed?"


@pytest.fixture
def small_attachments(settings: Settings) -> int:
    """Attachments up to 1 KB, so that "too big" needs no megabytes."""
    settings.attachment_max_bytes = LIMIT
    return LIMIT


def _error(response: Response, status: int, *, field: str | None = None, says: str = "") -> dict[str, object]:
    assert response.status_code == status, response.text
    body = response.json()
    if field is not None:
        assert body.get("field") == field, body
    assert says in body["error"], body
    return body


def _post_case(client: TestClient, **fields: object) -> Response:
    return client.post("/api/v1/cases", json=submission(**fields))


def _cases(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Case)) or 0


# JSON bodies


def test_malformed_json_is_400(client: TestClient, world: object) -> None:
    response = client.post(
        "/api/v1/cases", content='{"title": "停水", '.encode(), headers={"Content-Type": "application/json"}
    )
    _error(response, 400, field="body", says="not valid JSON")


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", 123), ("is_public", "maybe"), ("lat", "north"), ("type", "rant"), ("contact_email", "not-an-email")],
)
def test_a_wrong_type_is_422_naming_the_field(client: TestClient, world: object, field: str, value: object) -> None:
    body = _error(_post_case(client, **{field: value}), 422, field=field, says=field)
    assert [d["field"] for d in body["details"]] == [field]  # type: ignore[union-attr]


def test_a_body_that_is_not_an_object_is_422(client: TestClient, world: object) -> None:
    _error(client.post("/api/v1/cases", json=["停水"]), 422)


@pytest.mark.parametrize(("field", "code"), [("category", "Z9999"), ("region", "atlantis")])
def test_an_unknown_code_is_404_naming_it(
    client: TestClient, db: Database, world: object, field: str, code: str
) -> None:
    _error(_post_case(client, **{field: code}), 404, field=field, says=repr(code))
    assert _cases(db) == 0


def test_an_unknown_department_is_404_naming_it(api: Api) -> None:
    code, _ = api.submit(category=None)
    _error(api.move(code, "dispatch", by="dispatcher", department="mars"), 404, field="department", says="'mars'")


def test_an_unknown_case_is_404_naming_it(api: Api) -> None:
    _error(api.case("20260302-NOSUCH", by="dispatcher"), 404, says="20260302-NOSUCH")
    _error(api.move("20260302-NOSUCH", "accept", by="handler_water"), 404, says="20260302-NOSUCH")


@pytest.mark.parametrize(("field", "limit"), [("title", 200), ("content", 4000)])
def test_too_long_is_422_naming_the_field(client: TestClient, world: object, field: str, limit: int) -> None:
    assert _post_case(client, **{field: "长" * limit}).status_code == 201
    _error(_post_case(client, **{field: "长" * (limit + 1)}), 422, field=field, says=str(limit))


@pytest.mark.parametrize("title", ["", "   "])
def test_an_empty_title_is_422(client: TestClient, world: object, title: str) -> None:
    _error(_post_case(client, title=title), 422, field="title")


def test_an_unknown_field_is_422_naming_it(client: TestClient, world: object) -> None:
    _error(_post_case(client, colour="red"), 422, field="colour", says="unknown field")
    api = Api(client)
    code, _ = api.submit(category=None)
    _error(api.move(code, "dispatch", by="dispatcher", department="water", priority=1), 422, field="priority")


def test_a_missing_field_is_422_naming_it(api: Api) -> None:
    code, _ = api.submit(category="A0102")
    api.move(code, "accept", by="handler_water")
    response = api.client.post(f"/api/v1/cases/{code}/reply", json={}, headers=api.auth("handler_water"))
    _error(response, 422, field="text", says="required")


def test_nul_characters_are_refused_on_every_backend(api: Api) -> None:
    _error(api.client.post("/api/v1/cases", json=submission(title="停水\x00")), 400, field="title", says="NUL")
    _error(api.client.post("/api/v1/cases", json=submission(category="A\x00")), 400, field="category")
    _error(api.get("/cases", by="dispatcher", q="水\x00"), 400, field="q")
    _error(api.get("/public/cases", department="water\x00"), 400, field="department")
    _error(api.get("/cases/2026%00", by="dispatcher"), 400, field="path")
    _error(api.client.post("/api/v1/auth/login", json={"username": "a\x00", "password": "x"}), 400)


# Query parameters


@pytest.mark.parametrize(
    "params",
    [{"page": 0}, {"per_page": 1000}, {"page": 10**20}, {"status": "lost"}, {"submitted_from": "last week"}],
    ids=["page-0", "per_page-1000", "page-huge", "status", "submitted_from"],
)
def test_bad_listing_parameters_are_refused(api: Api, params: dict[str, object]) -> None:
    for path, by in (("/cases", "dispatcher"), ("/public/cases", None)):
        response = api.get(path, by=by, **params)
        assert 400 <= response.status_code < 500, response.text
        assert response.json()["field"].split(".")[0] == next(iter(params))  # status.0: the first status


@pytest.mark.parametrize("start", ["2026-03-02", "2026-03-02T00:00:00", "2026-03-02T00:00:00+08:00"])
def test_a_date_without_zone_is_read_in_the_jurisdictions_zone(api: Api, start: str) -> None:
    code, _ = api.submit(category=None, is_public=True)  # submitted Monday 2 March, 09:00 local
    for path, by in (("/cases", "dispatcher"), ("/public/cases", None)):
        found = api.get(path, by=by, submitted_from=start)
        assert found.status_code == 200, found.text
        assert [c["tracking_code"] for c in found.json()["items"]] == [code]
        assert api.get(path, by=by, submitted_to=start).json()["total"] == 0


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00", "9999-12-31T23:59:59-10:00"])
def test_an_instant_without_utc_equivalent_is_400(api: Api, when: str) -> None:
    _error(api.get("/cases", by="dispatcher", submitted_from=when), 400, field="submitted_from")
    _error(api.get("/public/cases", submitted_to=when), 400, field="submitted_to")


def test_an_attachment_id_beyond_the_database_is_refused(api: Api) -> None:
    code, _ = api.submit(category=None)
    response = api.get(f"/cases/{code}/attachments/{10**20}", by="dispatcher")
    assert response.status_code == 422, response.text
    _error(api.get(f"/cases/{code}/attachments/7", by="dispatcher"), 404, says="no attachment 7")


# Attachments (multipart)


def _upload(client: TestClient, files: list[tuple[str, bytes, str]], **fields: str) -> Response:
    form = {"title": "井盖缺失", "content": "湖畔路口井盖丢失，夜间很危险。", **fields}
    parts = [("files", (name, data, content_type)) for name, data, content_type in files]
    return client.post("/api/v1/cases/with-attachments", data=form, files=parts)


def test_an_attachment_at_the_limit_is_kept(client: TestClient, api: Api, small_attachments: int) -> None:
    response = _upload(client, [("photo.png", PNG + b"\x00" * (small_attachments - len(PNG)), "image/png")])
    assert response.status_code == 201, response.text
    shown = api.case(response.json()["tracking_code"], secret=response.json()["secret"])
    assert shown.status_code == 200


def test_an_oversized_attachment_is_413(
    client: TestClient, db: Database, world: object, small_attachments: int
) -> None:
    response = _upload(client, [("photo.png", PNG + b"\x00" * small_attachments, "image/png")])
    _error(response, 413, field="attachments", says="photo.png is larger than 1 KB")
    assert _cases(db) == 0


def test_a_forbidden_file_type_is_400(client: TestClient, db: Database, world: object) -> None:
    response = _upload(client, [("setup.exe", b"MZ\x90\x00", "application/x-msdownload")])
    _error(response, 400, field="attachments", says="application/x-msdownload")
    assert _cases(db) == 0


def test_a_file_that_is_not_what_it_claims_is_400(client: TestClient, world: object) -> None:
    response = _upload(client, [("photo.png", b"GIF89a" + b"\x00" * 20, "image/png")])
    _error(response, 400, field="attachments", says="not really image/png")


def test_too_many_attachments_is_400(client: TestClient, settings: Settings, world: object) -> None:
    notes = [(f"note{i}.txt", "第{i}页".encode(), "text/plain") for i in range(settings.attachment_max_count + 1)]
    _error(_upload(client, notes), 400, field="attachments", says=f"at most {settings.attachment_max_count}")
    assert _upload(client, notes[:-1]).status_code == 201


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"title": "长" * 201}, "title"), ({"contact_email": "nobody"}, "contact_email"), ({"lat": "north"}, "lat")],
)
def test_bad_form_fields_are_422_like_json(
    client: TestClient, world: object, fields: dict[str, str], field: str
) -> None:
    _error(_upload(client, [], **fields), 422, field=field)


def test_an_overlong_file_name_is_422(client: TestClient, world: object) -> None:
    _error(_upload(client, [("图" * 201 + ".png", PNG, "image/png")]), 422, field="files.filename")


# Who is asking


def test_a_wrong_tracking_secret_is_403(api: Api) -> None:
    code, secret = api.submit(category="A0102")
    wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    _error(api.case(code, secret=wrong), 403, field="secret", says="tracking secret")
    _error(api.client.get(f"/api/v1/cases/{code}/events", headers={"X-Tracking-Secret": wrong}), 403)
    _error(api.move(code, "rating", secret=wrong, solved=True, satisfaction="satisfied"), 403)
    _error(api.move(code, "withdraw", secret=wrong), 403)
    assert api.case(code, secret=secret).status_code == 200


STAFF_CALLS = [
    ("GET", "/api/v1/cases", None),
    ("GET", "/api/v1/cases/{code}", None),
    ("GET", "/api/v1/cases/{code}/events", None),
    ("POST", "/api/v1/cases/{code}/dispatch", {"department": "water"}),
    ("POST", "/api/v1/cases/{code}/arbitrate", {"department": "water"}),
    ("POST", "/api/v1/cases/{code}/accept", None),
    ("POST", "/api/v1/cases/{code}/return", {"reason": "不属于本单位职责"}),
    ("POST", "/api/v1/cases/{code}/extension", {"working_days": 2, "reason": "需要更多时间"}),
    ("POST", "/api/v1/cases/{code}/extension/decision", {"approve": True}),
    ("POST", "/api/v1/cases/{code}/reply", {"text": ANSWER}),
    ("POST", "/api/v1/cases/{code}/invalidate", {"reason": "广告信息"}),
    ("POST", "/api/v1/cases/{code}/merge", {"into": "{code}"}),
    ("POST", "/api/v1/cases/{code}/supervise", {"reason": "请尽快办理"}),
    ("POST", "/api/v1/cases/{code}/contact", None),
    ("GET", "/api/v1/extensions", None),
    ("GET", "/api/v1/kpi", None),
    ("GET", "/api/v1/notifications", None),
]


@pytest.mark.parametrize("token", [None, "Bearer not-a-session"], ids=["no-auth", "bad-token"])
def test_staff_endpoints_need_a_login(api: Api, desk: Desk, token: str | None) -> None:
    code, _ = api.submit(category=None)
    headers = {"Authorization": token} if token else {}
    answers = {}
    for method, path, body in STAFF_CALLS:
        body = {"into": code} if body and "into" in body else body
        response = api.client.request(method, path.format(code=code), json=body, headers=headers)
        answers[f"{method} {path}"] = (response.status_code, "log in" in response.json()["error"])
    assert answers == dict.fromkeys(answers, (401, True))
    assert desk.case(code).status is Status.SUBMITTED


# A case once accepted is never lost


def test_an_unreachable_mail_server_loses_nothing(api: Api, desk: Desk, settings: Settings) -> None:
    settings.smtp_host, settings.smtp_port = "127.0.0.1", 9  # nothing listens on the discard port
    code, secret = api.submit(category="A0102", contact_email="citizen@example.org")
    api.move(code, "accept", by="handler_water")
    assert api.move(code, "reply", by="handler_water", text=ANSWER).status_code == 200

    with desk.db.transaction() as session:
        sent = notify.send_pending_emails(session, settings=settings, now=desk.clock.now)
    assert sent == 0
    with desk.db.reading() as session:
        outbox = session.execute(
            select(Notification.email_to, Notification.emailed_at, Notification.email_error).where(
                Notification.email_to.is_not(None)
            )
        ).all()
    assert {to for to, _, _ in outbox} >= {"handler_water@example.org", "citizen@example.org"}
    assert all(sent_at is None and error for _, sent_at, error in outbox), outbox

    shown = api.case(code, secret=secret).json()
    assert (shown["status"], [r["text"] for r in shown["replies"]]) == ("replied", [ANSWER])
    assert [r.text for r in desk.replies(code)] == [ANSWER]
