"""Accessibility checks for browser tests that must show no axe violation at all (any impact)."""

from __future__ import annotations


def assert_no_axe_violations(page, *, context: str = "") -> None:
    """Run axe-core on the page; fail on any violation, minor ones included.

    axe runs as a script, which a page opened without JavaScript cannot do: its HTML is then checked
    in a JavaScript-enabled page of the same size, at the same address (so styles load alike).
    """
    from axe_playwright_python.sync_playwright import Axe

    # A click that navigates returns once the new page is committed, before it is parsed: axe would check an
    # empty document (no main landmark, no heading) on a slow machine. Wait for the page to finish loading.
    page.wait_for_load_state("load")
    target = page
    if getattr(page, "cd_without_javascript", False):
        target = page.context.browser.new_context(viewport=page.viewport_size).new_page()
        target.goto(page.url.split("#")[0], wait_until="commit")
        target.set_content(page.content(), wait_until="load")
    try:
        results = Axe().run(target)
    finally:
        if target is not page:
            target.context.close()
    bad = results.response["violations"]
    assert not bad, f"axe violations {context} on {page.url}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in bad)


def new_phone_page(browser, *, javascript: bool = True, language: str = "en-US"):
    """A phone-sized (390×844) page, optionally without JavaScript, in `language`; close its .context after."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=javascript,
                                  locale=language, extra_http_headers={"Accept-Language": language})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.cd_without_javascript = not javascript
    return page
