"""XML and JSON spellings of one document tree."""

from __future__ import annotations

import json

from civicdesk.open311.renderers import ListOf, render, render_errors, to_json, to_xml


def test_it_wraps_containers_and_drops_the_root_list_in_json():
    document = ListOf("service", [{"service_code": "a", "attributes": ListOf("attribute", [{"code": "x"}])}])
    assert to_xml("services", document) == (
        '<?xml version="1.0" encoding="utf-8"?><services><service><service_code>a</service_code>'
        "<attributes><attribute><code>x</code></attribute></attributes></service></services>")
    assert json.loads(to_json(document)) == [{"service_code": "a", "attributes": [{"code": "x"}]}]


def test_it_writes_none_and_empty_as_empty_elements_and_null():
    document = {"a": None, "b": "", "c": ListOf("d"), "e": 0, "f": False}
    assert to_xml("r", document).endswith("<r><a/><b/><c/><e>0</e><f>false</f></r>")
    assert json.loads(to_json(document)) == {"a": None, "b": "", "c": [], "e": 0, "f": False}


def test_it_escapes_markup_and_drops_characters_xml_cannot_carry():
    xml = to_xml("r", {"d": "Tom & Jerry <b>\x01\x0b\x1f\ufffe ok\ttab\nline ünï"})
    assert xml.endswith("<r><d>Tom &amp; Jerry &lt;b&gt; ok\ttab\nline ünï</d></r>")


def test_it_labels_the_charset_and_keeps_utf8_as_is():
    response = render("json", "x", {"name": "Bache ñ"})
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.content == '{"name":"Bache ñ"}'.encode()
    assert render("xml", "x", {})["Content-Type"] == "text/xml; charset=utf-8"


def test_it_writes_one_error_element_per_problem_with_headers():
    response = render_errors("xml", 429, [(429, "Slow down"), (400, "Also this")], headers={"Retry-After": "5"})
    assert response.status_code == 429 and response["Retry-After"] == "5"
    assert response.content.decode().endswith(
        "<errors><error><code>429</code><description>Slow down</description></error>"
        "<error><code>400</code><description>Also this</description></error></errors>")
