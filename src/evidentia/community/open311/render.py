"""GeoReport v2 documents as XML and JSON.

The JSON is the Spark mapping of the XML: a list becomes repeated child elements named
by the singular of the list's name. XML is built with ElementTree, which escapes markup;
characters XML 1.0 cannot carry at all (control codes) are dropped first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse

XML = "xml"
JSON = "json"
FORMATS = (XML, JSON)
CONTENT_TYPES = {XML: "text/xml; charset=utf-8", JSON: "application/json; charset=utf-8"}
DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
# What a list's items are called in XML.
SINGULAR = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}
_ZERO = timedelta(0)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Inside JSON strings only; keeps the bytes free of markup whatever sniffs them.
_JSON_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def w3(moment: datetime | None) -> str | None:
    """A w3 (ISO 8601) date-time in UTC with a Z, to the second."""
    if moment is None:
        return None
    if moment.utcoffset() != _ZERO:
        moment = moment.astimezone(UTC)
    # isoformat is twice as fast as strftime, which counts at 3,000 dates a page.
    return moment.isoformat(timespec="seconds")[:19] + "Z"


def xml_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return _NOT_XML.sub("", str(value))


def _fill(parent: ET.Element, name: str, value: Any) -> None:
    if isinstance(value, list | tuple):
        holder = ET.SubElement(parent, name)
        item = SINGULAR.get(name, name.rstrip("s"))
        for entry in value:
            _fill(holder, item, entry)
        return
    child = ET.SubElement(parent, name)
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _fill(child, key, inner)
    else:
        child.text = xml_text(value)


def xml_document(root: str, content: Mapping[str, Any] | Iterable[Mapping[str, Any]]) -> bytes:
    """`root` holding either one mapping's fields or a list of items (named by SINGULAR)."""
    top = ET.Element(root)
    if isinstance(content, Mapping):
        for key, value in content.items():
            _fill(top, key, value)
    else:
        item = SINGULAR[root]
        for entry in content:
            _fill(top, item, entry)
    return DECLARATION + ET.tostring(top, encoding="unicode").encode()


def json_document(content: Any) -> bytes:
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.translate(_JSON_SAFE).encode()


def document(fmt: str, root: str, content: Any, *, status: int = 200) -> HttpResponse:
    """The same content in the asked-for format: a list of items, or an object's fields."""
    body = json_document(content) if fmt == JSON else xml_document(root, content)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, problems: Iterable[tuple[int, str]]) -> HttpResponse:
    """The spec's error document: one <error> (code, description) per problem."""
    rows = [{"code": code, "description": description} for code, description in problems]
    return document(fmt if fmt in FORMATS else XML, "errors", rows, status=status)


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return errors(fmt, status, [(status, description)])
