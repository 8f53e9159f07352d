"""POST requests: form-encoded and multipart, the receipt, what the case looks like inside, and every refusal."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from sqlalchemy import func, select

from gongzhi.cases.models import Attachment, Case
from tests.factories import login
from tests.open311.helpers import BASE, check, check_error, post_form, post_request

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_form_encoded_request_becomes_a_private_open311_case(client, world):
    response = post_request(client, world)
    assert response.status_code == 200, response.text
    body = response.json()
    check(body, "local/post-response.json")
    [receipt] = body
    code, secret = receipt["service_request_id"], receipt["tracking_secret"]
    assert receipt["account_id"] is None
    assert code in receipt["service_notice"] and secret in receipt["service_notice"]

    staff = client.get(f"/api/v1/cases/{code}", headers=login(client, "dispatcher")).json()
    assert staff["channel"] == "open311"
    assert staff["is_public"] is False
    assert staff["category"] == "A0102"
    assert staff["title"] == "自来水发黄有异味，已经持续三天，烧开后有沉淀。"
    assert staff["address"] == "湖畔小区5栋"
    assert (staff["lat"], staff["long"]) == (31.2304, 121.4737)
    assert staff["contact_name_masked"] == "李**"  # 李 + 小红, family name first
    assert staff["contact_phone_masked"] == "139****1111"

    own = client.get(f"/api/v1/cases/{code}", headers={"X-Tracking-Secret": secret})
    assert own.status_code == 200, "the secret in the receipt lets the citizen follow the case"


def test_xml_receipt(client, world):
    response = post_request(client, world, fmt="xml")
    assert response.status_code == 200, response.text
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    [request] = list(root)
    assert request.tag == "request"
    assert request.findtext("service_request_id")
    assert request.find("account_id").text is None  # null is an empty element
    assert request.findtext("tracking_secret") in request.findtext("service_notice")


def test_multipart_with_a_media_file(client, world, db):
    files = {"media": ("photo.png", PNG, "image/png")}
    response = client.post(f"{BASE}/requests.json", data=post_form(world), files=files)
    assert response.status_code == 200, response.text
    code = response.json()[0]["service_request_id"]
    with db.reading() as session:
        case = session.scalar(select(Case).where(Case.tracking_code == code))
        count = session.scalar(select(func.count()).select_from(Attachment).where(Attachment.case_id == case.id))
    assert count == 1


def test_location_by_address_string_or_region_code(client, world):
    by_address = post_request(client, world, lat=None, long=None, address_string="石巷街道菜市场门口")
    assert by_address.status_code == 200, by_address.text

    by_region = post_request(client, world, lat=None, long=None, address_string=None, address_id="cn-hp-1")
    assert by_region.status_code == 200, by_region.text
    code = by_region.json()[0]["service_request_id"]
    assert client.get(f"/api/v1/cases/{code}", headers=login(client, "dispatcher")).json()["region"] == "cn-hp-1"


def test_without_description_the_service_name_is_the_title(client, world):
    response = post_request(client, world, description=None, media_url="https://img.example.org/p/1.jpg")
    assert response.status_code == 200, response.text
    code = response.json()[0]["service_request_id"]
    staff = client.get(f"/api/v1/cases/{code}", headers=login(client, "dispatcher")).json()
    assert staff["title"] == "水质"
    assert "https://img.example.org/p/1.jpg" in staff["content"]


def test_description_of_exactly_4000_characters_is_accepted(client, world):
    response = post_request(client, world, description="水" * 4000)
    assert response.status_code == 200, response.text


def test_missing_or_bad_api_key_is_403(client, world):
    check_error(post_request(client, world, api_key=None), 403, "api_key")
    check_error(post_request(client, world, api_key="gz_not-a-key"), 403, "api_key")

    response = post_request(client, world, fmt="xml", api_key=None)
    assert response.status_code == 403
    root = ET.fromstring(response.content)
    assert (root.tag, root.findtext("error/code")) == ("errors", "403")


def test_service_code_missing_or_unknown_is_400(client, world):
    check_error(post_request(client, world, service_code=None), 400, "service_code", "services.json")
    check_error(post_request(client, world, service_code="NOPE"), 400, "service_code", "NOPE")
    check_error(post_request(client, world, service_code="A01"), 400, "A01")


def test_location_is_required(client, world):
    check_error(post_request(client, world, lat=None, long=None, address_string=None), 400, "location")
    check_error(post_request(client, world, long=None, address_string=None), 400, "lat and long")
    check_error(post_request(client, world, lat="north"), 400, "lat", "north")
    check_error(post_request(client, world, long="200"), 400, "long", "180")
    check_error(post_request(client, world, address_id="mars"), 400, "address_id", "mars")


def test_description_over_4000_characters_is_400_naming_description(client, world):
    description = check_error(post_request(client, world, description="水" * 4001), 400, "description", "4000")
    assert description.startswith("description")


def test_bad_contact_fields_are_named_by_their_open311_names(client, world):
    check_error(post_request(client, world, phone="call me"), 400, "phone")
    check_error(post_request(client, world, email="not-an-address"), 400, "email")
    check_error(post_request(client, world, media_url="javascript:alert(1)"), 400, "media_url")


def test_only_forms_are_accepted(client, world):
    response = client.post(f"{BASE}/requests.json", json=post_form(world))
    check_error(response, 400, "application/x-www-form-urlencoded", "multipart/form-data")
    check_error(client.post(f"{BASE}/requests.yaml", data=post_form(world)), 404, "yaml")


def test_a_refused_request_leaves_no_case(client, world, db):
    post_request(client, world, description="水" * 4001)
    post_request(client, world, api_key="gz_wrong")
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0
