"""Server-rendered SVG charts (civicdesk/lib/svgcharts.py): accessible names, safe text, gaps and scale."""

import re
from xml.etree import ElementTree

from civicdesk.lib.svgcharts import Series, bar_chart, line_chart, nice_ceiling

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(str(svg))


def test_it_names_the_chart_by_its_title_and_description():
    root = parse(bar_chart(["Pothole", "Graffiti"], [120, 45], title="Requests by kind"))
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == "Requests by kind"
    description = root.find(f"{SVG}desc")
    assert description.get("id") == desc_id
    assert "Pothole (120)" in description.text and "Graffiti (45)" in description.text


def test_it_escapes_labels_and_titles():
    svg = str(bar_chart(["<script>x</script>"], [1], title="A & B <b>"))
    root = parse(svg)  # still well-formed XML
    assert "<script>" not in svg
    assert root.find(f"{SVG}title").text == "A & B <b>"


def test_it_draws_bars_in_proportion_to_the_axis_maximum():
    root = parse(bar_chart(["a", "b"], [50, 100], title="t"))
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert widths[1] == 2 * widths[0] > 0


def test_it_uses_no_inline_style_so_the_content_security_policy_allows_it():
    svg = str(line_chart(["w1", "w2"], [Series("2026", [1, 2]), Series("2025", [2, 1])], title="t"))
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg


def test_it_breaks_a_line_where_a_value_is_missing():
    root = parse(line_chart(["1", "2", "3", "4"], [Series("s", [1, None, 3, 4])], title="t"))
    lines = [p for p in root.iter(f"{SVG}polyline")]
    assert [len(p.get("points").split()) for p in lines] == [1, 2]


def test_it_tells_series_apart_without_colour():
    svg = str(line_chart(["1", "2"], [Series("this year", [1, 2]), Series("last year", [2, 1])], title="t"))
    dashes = re.findall(r'<polyline[^>]*stroke-dasharray="([^"]+)"', svg)
    assert len(set(dashes)) == 2


def test_it_says_when_there_is_no_data():
    assert "No data." in str(bar_chart([], [], title="t"))
    assert "No data." in str(line_chart(["1"], [Series("s", [None])], title="t"))


def test_it_rounds_the_axis_up_to_a_readable_number():
    assert [nice_ceiling(v) for v in (0, 0.3, 7, 11, 240, 2600)] == [1.0, 0.5, 10.0, 20.0, 250.0, 5000.0]


def test_it_mirrors_a_bar_chart_for_a_right_to_left_language():
    ltr = parse(bar_chart(["Pothole"], [10], title="t", width=640, rtl=False))
    rtl = parse(bar_chart(["Pothole"], [10], title="t", width=640, rtl=True))
    assert ltr.get("direction") == rtl.get("direction") == "ltr"  # the mirroring is in the coordinates
    (ltr_label, ltr_value), (rtl_label, rtl_value) = ltr.findall(f"{SVG}text"), rtl.findall(f"{SVG}text")
    # The label ends at the axis on the left in English, and starts at it on the right in Arabic.
    assert float(rtl_label.get("x")) == 640 - float(ltr_label.get("x"))
    assert (ltr_label.get("text-anchor"), rtl_label.get("text-anchor")) == ("end", "start")
    assert (ltr_value.get("text-anchor"), rtl_value.get("text-anchor")) == ("start", "end")
    ltr_bar, rtl_bar = ltr.find(f"{SVG}rect"), rtl.find(f"{SVG}rect")
    assert ltr_bar.get("width") == rtl_bar.get("width")
    # The bar grows leftwards from the axis: its right edge is where the English bar's left edge is mirrored.
    assert float(rtl_bar.get("x")) + float(rtl_bar.get("width")) == 640 - float(ltr_bar.get("x"))
    assert float(rtl_value.get("x")) < float(rtl_bar.get("x"))


def test_it_runs_time_from_right_to_left_in_a_right_to_left_language():
    root = parse(line_chart(["w1", "w2", "w3"], [Series("s", [1, 2, 3])], title="t", width=640, rtl=True))
    labels = {text.text: float(text.get("x")) for text in root.findall(f"{SVG}text")}
    assert labels["w1"] > labels["w2"] > labels["w3"]
    xs = [float(point.split(",")[0]) for point in root.find(f"{SVG}polyline").get("points").split()]
    assert xs == sorted(xs, reverse=True)


def test_it_mirrors_by_itself_when_the_active_language_is_arabic():
    from django.utils import translation

    with translation.override("ar"):
        mirrored = str(bar_chart(["a"], [1], title="t"))
    assert 'text-anchor="start"' in mirrored.split("<rect")[0]
    with translation.override("es"):
        assert 'text-anchor="end"' in str(bar_chart(["a"], [1], title="t")).split("<rect")[0]
