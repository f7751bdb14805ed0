"""A jurisdiction's embed settings: the theme of its embedded pages and the sites allowed to frame them."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.audit.models import LoggedModel

from . import theme


class EmbedSettings(LoggedModel):
    """How one jurisdiction's embedded pages look and which sites may frame them (one row per jurisdiction).

    A jurisdiction without a row, or with no allowed sites, can be framed only by CivicDesk itself (the staff
    preview): `frame_ancestors()` is then just 'self'. Colours are `#rrggbb`; `clean()` refuses any pair a
    resident reads (text on the background, links on the background, button text on the primary colour)
    under WCAG AA's 4.5:1. The logo is a web address the administrator gives (https, or a path on this site):
    the embedded page's Content-Security-Policy then allows images from that one origin.
    """

    jurisdiction = models.OneToOneField("jurisdictions.Jurisdiction", on_delete=models.CASCADE,
                                        related_name="embed_settings", verbose_name=gettext_lazy("jurisdiction"))
    primary_color = models.CharField(gettext_lazy("primary colour (buttons, header bar)"), max_length=7,
                                     default="#005ea2", validators=[theme.validate_hex_colour])
    text_on_primary_color = models.CharField(gettext_lazy("text on the primary colour"), max_length=7,
                                             default="#ffffff", validators=[theme.validate_hex_colour])
    link_color = models.CharField(gettext_lazy("link colour"), max_length=7, default="#005ea2",
                                  validators=[theme.validate_hex_colour])
    text_color = models.CharField(gettext_lazy("text colour"), max_length=7, default="#1b1b1b",
                                  validators=[theme.validate_hex_colour])
    background_color = models.CharField(gettext_lazy("background colour"), max_length=7, default="#ffffff",
                                        validators=[theme.validate_hex_colour])
    font = models.CharField(gettext_lazy("font"), max_length=20, default="source-sans",
                            choices=[(key, label) for key, label, _stack in theme.FONTS])
    logo_url = models.CharField(gettext_lazy("logo address"), max_length=500, blank=True, help_text=gettext_lazy(
        "An https:// address of the city's logo (or a path on this site, starting with /); empty for none."))
    allowed_origins = models.TextField(gettext_lazy("sites allowed to embed"), blank=True, help_text=gettext_lazy(
        "One per line, like https://www.riverbend.gov (no page path). https://*.riverbend.gov allows every "
        "subdomain. Empty: no other site may show these pages."))
    updated_at = models.DateTimeField(gettext_lazy("updated"), auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("embed settings")
        verbose_name_plural = gettext_lazy("embed settings")

    def __str__(self) -> str:
        return str(self.jurisdiction)

    #: (foreground field, background field, what a resident reads there) for the contrast check.
    CONTRAST_PAIRS = [
        ("text_color", "background_color", gettext_lazy("the text on the background")),
        ("link_color", "background_color", gettext_lazy("the links on the background")),
        ("text_on_primary_color", "primary_color", gettext_lazy("the button text on the primary colour")),
    ]

    def contrast_problems(self) -> dict[str, str]:
        """{field: message} for each colour pair under 4.5:1, in plain words with the ratio; {} when all pass.
        Pairs with a colour that is not `#rrggbb` are left to the field's own validator."""
        problems = {}
        for foreground, background, what in self.CONTRAST_PAIRS:
            first, second = getattr(self, foreground), getattr(self, background)
            if not (theme.HEX_COLOUR.match(first or "") and theme.HEX_COLOUR.match(second or "")):
                continue
            ratio = theme.contrast_ratio(first, second)
            if ratio < theme.MINIMUM_CONTRAST:
                problems[foreground] = _(
                    "These colours are too close for %(what)s to be read easily: their contrast is %(ratio)s, and "
                    "at least 4.50:1 is needed (WCAG AA). Choose a darker or lighter colour.") % {
                    "what": what, "ratio": theme.format_ratio(ratio)}
        return problems

    def clean(self) -> None:
        errors: dict[str, list[str]] = {field: [message] for field, message in self.contrast_problems().items()}
        try:
            self.allowed_origins = "\n".join(theme.parse_origins(self.allowed_origins))
        except ValidationError as exc:
            errors["allowed_origins"] = exc.messages
        if self.logo_url:
            self.logo_url = self.logo_url.strip()
            if not self._valid_logo(self.logo_url):
                errors["logo_url"] = [_("Give the logo as an https:// address, or a path on this site that "
                                        "starts with /.")]
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _valid_logo(value: str) -> bool:
        if value.startswith("/") and not value.startswith("//"):
            return " " not in value
        try:
            URLValidator(schemes=["https"])(value)
        except ValidationError:
            return False
        return True

    def origins(self) -> list[str]:
        """The allowed origins, as stored (already normalised by clean())."""
        return [line for line in self.allowed_origins.splitlines() if line.strip()]

    def frame_ancestors(self) -> list[str]:
        """The CSP frame-ancestors sources: CivicDesk itself (the staff preview) and the allowed sites."""
        return ["'self'", *self.origins()]

    def logo_origin(self) -> str | None:
        """The origin an https logo comes from (for the page's img-src), None for none or a path on this site."""
        if self.logo_url.startswith("https://"):
            return theme.normalise_origin("https://" + self.logo_url[len("https://"):].split("/", 1)[0])
        return None

    def font_stack(self) -> str:
        return theme.FONT_STACKS.get(self.font, theme.FONT_STACKS["source-sans"])

    def stylesheet(self) -> str:
        """The theme as CSS for the embedded pages (only validated `#rrggbb` colours and listed fonts go in)."""
        values = {"primary": self.primary_color, "on_primary": self.text_on_primary_color, "link": self.link_color,
                  "text": self.text_color, "background": self.background_color, "font": self.font_stack()}
        for key in ("primary", "on_primary", "link", "text", "background"):
            theme.validate_hex_colour(values[key])
        return THEME_CSS.format(**values)

    def stylesheet_etag(self) -> str:
        return '"' + hashlib.sha256(self.stylesheet().encode()).hexdigest()[:32] + '"'


THEME_CSS = """/* CivicDesk embed theme (generated from the jurisdiction's embed settings). */
body.cd-embed-body, body.cd-embed-body .usa-prose, body.cd-embed-body .usa-input, body.cd-embed-body .usa-select,
body.cd-embed-body .usa-textarea, body.cd-embed-body .usa-checkbox__label, body.cd-embed-body .usa-radio__label,
body.cd-embed-body .usa-hint, body.cd-embed-body .usa-fieldset, body.cd-embed-body .usa-button {{
  font-family: {font};
}}
body.cd-embed-body {{ color: {text}; background-color: {background}; }}
body.cd-embed-body .cd-embed-main a:not(.usa-button), body.cd-embed-body .cd-embed-main a:not(.usa-button):visited,
body.cd-embed-body .cd-embed-footer a, body.cd-embed-body .usa-link, body.cd-embed-body .usa-link:visited {{ color: {link}; }}
body.cd-embed-body .usa-button:not(.usa-button--outline):not(.usa-button--unstyled),
body.cd-embed-body .cd-embed-bar {{ background-color: {primary}; color: {on_primary}; }}
body.cd-embed-body .usa-button--outline {{ box-shadow: inset 0 0 0 2px {link}; color: {link}; background-color: {background}; }}
"""
