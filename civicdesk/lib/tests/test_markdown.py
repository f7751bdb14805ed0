"""civicdesk.lib.markdown: residents' Markdown becomes safe HTML; links and images only when allowed."""

from __future__ import annotations

from civicdesk.lib.markdown import plain_text, render


def test_it_renders_markdown():
    html = render("**bold** and *soft*\n\n- one\n- two")
    assert "<strong>bold</strong>" in html and "<em>soft</em>" in html and "<li>one</li>" in html


def test_it_shows_raw_html_and_scripts_as_text():
    html = render('<script>alert("xsscanary")</script> <img src=x onerror=alert(1)> <b onclick="x()">b</b>')
    assert "<script" not in html and "<img" not in html and "<b" not in html
    assert "&lt;script&gt;" in html and "onerror" in html  # visible as words, inert


def test_it_marks_links_nofollow_ugc_noopener():
    html = render("[city](https://example.gov/page)")
    assert '<a href="https://example.gov/page" rel="nofollow ugc noopener">city</a>' in html


def test_it_drops_javascript_and_data_links():
    html = render("[a](javascript:alert(1)) [b](data:text/html;base64,PHNjcmlwdD4=) [c](vbscript:x)")
    assert "javascript:" not in html.split("[a]")[0] and "href=\"javascript" not in html
    assert 'href="data:' not in html and 'href="vbscript' not in html


def test_it_leaves_links_as_text_when_links_are_not_allowed():
    html = render("[spam](https://spam.example) <https://auto.example> ![pic](https://x.example/a.png)",
                  allow_links=False)
    assert "<a" not in html and "<img" not in html
    assert "[spam](https://spam.example)" in html


def test_it_allows_only_https_images():
    html = render("![ok](https://x.example/a.png) ![no](http://x.example/b.png)", allow_images=True)
    assert '<img src="https://x.example/a.png" alt="ok">' in html
    assert 'src="http://' not in html


def test_it_moves_headings_under_the_page_outline():
    assert "<h3>Title</h3>" in render("# Title")


def test_it_gives_plain_words_for_previews():
    assert plain_text("**bold** <i>x</i> [l](https://x.example)", 100) == "bold <i>x</i> [l](https://x.example)"
    assert plain_text("word " * 100, 20).endswith("…")


def test_it_turns_images_into_links_when_only_links_are_allowed():
    html = render('![the "pond"](https://x.example/pond.png) ![](javascript:alert(1))', allow_images=False)
    assert '<a href="https://x.example/pond.png" rel="nofollow ugc noopener">the "pond"</a>' in html
    assert "<img" not in html and 'href="javascript' not in html
    assert "![](javascript:alert(1))" in html  # refused by the parser: left as the words typed
