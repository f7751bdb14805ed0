"""Our XML read the way FixMyStreet's Open311 client reads it (Perl XML::Simple with its options).

FMS calls XMLin with ForceArray => [service, attribute, value, request, error,
request_update, group], GroupTags => {services => service, attributes =>
attribute, values => value, service_requests => request, errors => error,
service_request_updates => request_update, groups => group}, KeyAttr => {}
and SuppressEmpty => undef. So: the root's name is dropped; the listed
elements are always lists; a container holding only its listed children
collapses into that list; an empty element is None; text is a string.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

FORCE_ARRAY = {"service", "attribute", "value", "request", "error", "request_update", "group"}
GROUP_TAGS = {"services": "service", "attributes": "attribute", "values": "value", "service_requests": "request",
              "errors": "error", "service_request_updates": "request_update", "groups": "group"}


def _read(element: ET.Element) -> Any:
    if element.attrib:
        raise AssertionError(f"<{element.tag}> has XML attributes; FixMyStreet reads none")
    children = list(element)
    if not children:
        return element.text if element.text else None
    if element.text and element.text.strip():
        raise AssertionError(f"<{element.tag}> mixes text and elements")
    grouped: dict[str, list] = {}
    for child in children:
        grouped.setdefault(child.tag, []).append(_read(child))
    out = {tag: values if tag in FORCE_ARRAY or len(values) > 1 else values[0] for tag, values in grouped.items()}
    for container, item in GROUP_TAGS.items():
        inner = out.get(container)
        if isinstance(inner, dict) and list(inner) == [item]:
            out[container] = inner[item]
    return out


def xml_simple(body: bytes) -> Any:
    """Parse like FMS: the root element's name is ignored; an empty root is an empty dict."""
    if not body.startswith(b'<?xml version="1.0" encoding="utf-8"?>'):
        raise AssertionError("the XML declaration is missing or differs")
    value = _read(ET.fromstring(body))
    return value if isinstance(value, dict) else {}
