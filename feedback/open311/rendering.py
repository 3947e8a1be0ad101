"""The two formats of GeoReport v2: JSON, and XML with the element names the standard gives."""

import json
import xml.etree.ElementTree as ET

from django.http import HttpResponse

# Root and item element names of each kind of response (GeoReport v2).
XML_NAMES = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
}
LIST_CHILDREN = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value"}
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(parent: ET.Element, name: str, value) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, child in value.items():
            _append(element, key, child)
    elif isinstance(value, list):
        child_name = LIST_CHILDREN.get(name, "item")
        for child in value:
            _append(element, child_name, child)
    else:
        element.text = _text(value)


def to_xml(kind: str, data) -> bytes:
    if kind in XML_NAMES:
        root_name, item_name = XML_NAMES[kind]
        root = ET.Element(root_name)
        for entry in data:
            _append(root, item_name, entry)
        # A one-element wrapper is what _append builds for the entry itself; unwrap nothing else.
    else:
        root = ET.Element(kind)
        for key, value in data.items():
            _append(root, key, value)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def respond(kind: str, data, fmt: str, status: int = 200) -> HttpResponse:
    content = to_xml(kind, data) if fmt == "xml" else json.dumps(data, ensure_ascii=False).encode("utf-8")
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return respond("errors", [{"code": status, "description": description}], fmt, status=status)
