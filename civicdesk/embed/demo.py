"""Demo embed settings for the demo city: a theme and the local sites allowed to frame its pages."""

from __future__ import annotations

from .models import EmbedSettings

#: `python -m http.server 8001 --directory docs/embed-demo` serves a host page from these (docs/embed.md).
DEMO_ORIGINS = ["http://127.0.0.1:8001", "http://localhost:8001"]


def seed(*, jurisdiction, user=None) -> str:
    """Give `jurisdiction` a theme (checked like a staff edit) and the local demo host sites; returns a summary."""
    row = EmbedSettings(jurisdiction=jurisdiction, primary_color="#0b4f6c", text_on_primary_color="#ffffff",
                        link_color="#0b4f6c", text_color="#1b1b1b", background_color="#ffffff",
                        font="source-sans", logo_url="/static/img/logo.svg", allowed_origins="\n".join(DEMO_ORIGINS))
    row.full_clean()
    row.save()
    row.log_action("embed.settings_changed", user=user, data={"demo": True})
    return f"{jurisdiction.slug} may be framed by {', '.join(row.origins())}"
