"""The help hub's section registry."""

from civicdesk.editorial import hub


def test_it_lists_registered_sections_in_order_and_skips_unknown_pages(monkeypatch):
    monkeypatch.setattr(hub, "_SECTIONS", dict(hub._SECTIONS))
    hub.register(hub.HubSection("zz-late", "Late", "content:glossary", order=999))
    hub.register(hub.HubSection("zz-missing", "Missing", "no_such:page", order=1))
    keys = [section.key for section in hub.sections()]
    assert "zz-missing" not in keys
    assert keys[-1] == "zz-late"
    assert keys.index("faq") < keys.index("glossary")
