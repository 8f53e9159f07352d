"""Discovery, services and service definitions, in JSON and XML, checked against the GeoReport v2 schemas."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from tests.open311.helpers import BASE, check, check_error

SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]


def test_discovery_names_the_endpoint_and_its_formats(client):
    response = client.get(f"{BASE}/discovery.json")
    assert response.status_code == 200
    body = response.json()
    check(body, "local/discovery.json")
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://127.0.0.1:8000/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["type"] == "production"

    xml = ET.fromstring(client.get(f"{BASE}/discovery.xml").content)
    assert xml.tag == "discovery"
    assert [f.text for f in xml.iterfind("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


def test_services_are_the_active_third_level_categories(client, world):
    response = client.get(f"{BASE}/services.json", params={"jurisdiction_id": "ignored.example.org"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = response.json()
    check(body, "services.json")
    assert [s["service_code"] for s in body] == ["A0101", "A0102", "A0201", "A0202"]
    assert body[0] == {
        "service_code": "A0101",
        "service_name": "停水",
        "description": "城乡建设 › 供水 › 停水",
        "metadata": False,
        "type": "realtime",
        "keywords": "城乡建设,供水",
        "group": "城乡建设",
    }
    for service in body:
        check(service, "service.json")


def test_services_in_xml(client, world):
    response = client.get(f"{BASE}/services.xml")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(response.content)
    assert root.tag == "services"
    assert [s.tag for s in root] == ["service"] * 4
    first = root[0]
    assert [child.tag for child in first] == SERVICE_FIELDS
    assert first.findtext("service_code") == "A0101"
    assert first.findtext("service_name") == "停水"
    assert first.findtext("metadata") == "false"
    assert first.findtext("group") == "城乡建设"


def test_service_definition(client, world):
    response = client.get(f"{BASE}/services/A0201.json")
    assert response.status_code == 200
    body = response.json()
    check(body, "service-definition.json")
    assert body == {"service_code": "A0201", "attributes": []}

    root = ET.fromstring(client.get(f"{BASE}/services/A0201.xml").content)
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "A0201"
    assert root.find("attributes") is not None and len(root.find("attributes")) == 0


def test_unknown_service_is_a_404_in_the_specifications_format(client, world):
    check_error(client.get(f"{BASE}/services/NOPE.json"), 404, "NOPE", "services.json")
    check_error(client.get(f"{BASE}/services/A01.json"), 404, "A01")  # a second-level category is no service

    response = client.get(f"{BASE}/services/NOPE.xml")
    assert response.status_code == 404
    root = ET.fromstring(response.content)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"
    assert "NOPE" in root.findtext("error/description")


def test_unknown_format_or_resource_is_a_404_with_a_hint(client, world):
    check_error(client.get(f"{BASE}/services.yaml"), 404, "yaml", ".json or .xml")
    check_error(client.get(f"{BASE}/services"), 404, "add .json or .xml")
    check_error(client.get(f"{BASE}/nothing.json"), 404, "discovery.json")
    check_error(client.delete(f"{BASE}/requests.json"), 404, "DELETE")
