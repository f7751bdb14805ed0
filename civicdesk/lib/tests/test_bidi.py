"""civicdesk/lib/bidi.py: right-to-left text shaped and ordered for WeasyPrint's SVG text."""

from civicdesk.lib.bidi import has_rtl, visual, visual_svg_text


def test_it_leaves_text_without_right_to_left_letters_alone():
    assert not has_rtl("Pothole 12 <b>")
    assert visual("Pothole 12") == "Pothole 12"


def test_it_joins_arabic_letters_and_puts_them_in_display_order():
    shown = visual("أكتوبر")
    assert has_rtl("أكتوبر")
    # Presentation forms (the joined shapes), the first letter of the word drawn last (on the right).
    assert all("\ufe70" <= char <= "\ufeff" for char in shown)
    assert shown[-1] == "\ufe83"  # alef with hamza above, isolated form: the word's first letter
    assert len(shown) == len("أكتوبر")


def test_it_keeps_numbers_left_to_right_inside_an_arabic_label():
    shown = visual("1 أكتوبر")
    assert shown.endswith("1") or shown.startswith("1")
    assert "1" in shown and shown.replace("1", "").strip() == visual("أكتوبر")


def test_it_converts_only_the_text_of_svg_text_elements_and_keeps_it_escaped():
    html = ('<svg><title>أكتوبر</title><text x="1">أكتوبر &amp; ب</text><text x="2">Week &lt;1&gt;</text></svg>')
    converted = visual_svg_text(html)
    assert "<title>أكتوبر</title>" in converted  # what a screen reader reads stays in logical order
    assert '<text x="2">Week &lt;1&gt;</text>' in converted
    assert "أكتوبر &amp;" not in converted and "&amp;" in converted
