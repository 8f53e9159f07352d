"""Open311 answers as JSON or XML, chosen by the resource's extension (``/services.json``, ``/services.xml``).

The XML follows the examples of the GeoReport v2 specification: a list is an element named for the
whole (``<services>``) holding one element per item (``<service>``); ``null`` is an empty element;
booleans are ``true``/``false``. Both formats are UTF-8.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree import ElementTree as ET

from fastapi.responses import JSONResponse, Response

from gongzhi.errors import NotFound

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

# the element that holds each item of a list, by the name of the list
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot carry


class Format(enum.StrEnum):
    JSON = "json"
    XML = "xml"

    @property
    def media_type(self) -> str:
        return JSON_TYPE if self is Format.JSON else XML_TYPE


def parse_format(extension: str) -> Format:
    try:
        return Format(extension.lower())
    except ValueError:
        raise NotFound(
            f"unknown format {extension!r}: end the resource with .json or .xml, e.g. /open311/v2/services.json"
        ) from None


def format_of_path(path: str) -> Format:
    """The format an error should be written in: XML when the client asked for XML, JSON otherwise."""
    return Format.XML if path.lower().endswith(".xml") else Format.JSON


def respond(fmt: Format, body: Any, *, root: str, status_code: int = 200) -> Response:
    """``body`` as the JSON document, or as XML under the element ``root``."""
    if fmt is Format.JSON:
        return JSONResponse(body, status_code=status_code, media_type=JSON_TYPE)
    return Response(xml_document(root, body), status_code=status_code, media_type=XML_TYPE)


def errors(fmt: Format, status_code: int, description: str) -> Response:
    """The specification's error answer: a list of ``{code, description}``; the code is the HTTP status."""
    return respond(fmt, [{"code": status_code, "description": description}], root="errors", status_code=status_code)


def xml_document(root: str, body: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, body)
    return XML_DECLARATION + ET.tostring(element, encoding="unicode").encode("utf-8")


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        tag = ITEM_TAGS[element.tag]
        for item in value:
            _fill(ET.SubElement(element, tag), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _NOT_XML.sub("", str(value))
