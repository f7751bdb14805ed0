"""Open311 documents as XML or JSON: one tree of dicts and tagged lists, two spellings.

A document is built from plain dicts (elements in insertion order), `ListOf`
(a container whose children all share one tag) and scalars. JSON follows the
"Spark convention": a container is an array and the root container disappears;
XML wraps every container in its own element and writes `None` as an empty one.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import HttpResponse

FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}

# Characters XML 1.0 cannot carry at all, even escaped (C0 controls but tab, CR and LF; lone surrogates).
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


class ListOf(list):
    """A list whose XML children are each called `tag` (`<services>` holds `<service>`s)."""

    def __init__(self, tag: str, items=()):
        super().__init__(items)
        self.tag = tag


def _text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return _NOT_XML.sub("", str(value)).translate(_ESCAPES)


def _write(out: list[str], tag: str, value: Any) -> None:
    if value is None or value == "":
        out.append(f"<{tag}/>")
    elif isinstance(value, ListOf):
        if not value:
            out.append(f"<{tag}/>")
            return
        out.append(f"<{tag}>")
        for item in value:
            _write(out, value.tag, item)
        out.append(f"</{tag}>")
    elif isinstance(value, dict):
        out.append(f"<{tag}>")
        for key, child in value.items():
            _write(out, key, child)
        out.append(f"</{tag}>")
    else:
        out.append(f"<{tag}>{_text(value)}</{tag}>")


def to_xml(root: str, document: Any) -> str:
    """The document as an XML string with the declaration; `root` names the outermost element."""
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    _write(out, root, document)
    return "".join(out)


def to_json(document: Any) -> str:
    """The document as JSON (UTF-8 characters kept as they are)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def render(fmt: str, root: str, document: Any, *, status: int = 200) -> HttpResponse:
    """An HttpResponse with the document in `fmt` ("xml" or "json") and its charset-labelled content type."""
    body = to_xml(root, document) if fmt == "xml" else to_json(document)
    return HttpResponse(body.encode("utf-8"), status=status, content_type=CONTENT_TYPES[fmt])


def render_errors(fmt: str, status: int, errors: list[tuple[int, str]], headers: dict[str, str] | None = None
                  ) -> HttpResponse:
    """The Open311 error document: `<errors><error><code/><description/></error>…</errors>` or a JSON array."""
    document = ListOf("error", [{"code": code, "description": description} for code, description in errors])
    response = render(fmt if fmt in FORMATS else "xml", "errors", document, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
