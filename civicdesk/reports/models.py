"""MonthlyReport: one jurisdiction's performance in one calendar month, frozen as computed."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel


def month_label(month: dt.date) -> str:
    """"November 2026" in the active language."""
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def localized(names: dict | str | None) -> str:
    """A name stored per language ({"en": "Pothole", "es": "Bache"}) in the active language, English as fallback."""
    if not isinstance(names, dict):
        return names or ""
    language = (get_language() or "en").split("-")[0]
    return names.get(language) or names.get("en") or next(iter(names.values()), "")


class MonthlyReportQuerySet(models.QuerySet):
    def for_archive(self):
        """Every report without its (large) numbers, newest month first, with its jurisdiction."""
        return self.defer("data").select_related("jurisdiction").order_by("-month", "jurisdiction__name")


class MonthlyReport(LoggedModel):
    """The monthly performance report of a jurisdiction for one calendar month of its own time zone.

    `data` is the plain structure `services.compute_report()` returned when the report was generated
    (counts, percentiles, SLA share, backlog, busiest kinds, biggest changes, daily counts), with the
    names of departments and kinds of problem as they were then: an archived report never changes when
    requests are edited later. Regenerating (the management command, or a supervisor's button) replaces
    `data` and `pdf` in place, so there is exactly one report per (jurisdiction, month). `pdf` is the PDF in
    the site's default language (settings.LANGUAGE_CODE); `translated_pdfs` names the stored PDF of every other
    language the site offers ({"es": "reports/elm/2026-10.es.pdf"}). `notice` is the news item that announced
    it, if any.
    """

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE,
                                     related_name="monthly_reports", verbose_name=_("jurisdiction"))
    month = models.DateField(_("month"), help_text=_("The first day of the month the report covers."))
    data = models.JSONField(_("figures"), default=dict)
    pdf = models.FileField(_("PDF"), upload_to="reports/", max_length=255, blank=True)
    translated_pdfs = models.JSONField(_("PDFs in other languages"), default=dict, blank=True)
    generated_at = models.DateTimeField(_("generated"))
    notice = models.ForeignKey("notices.ServiceNotice", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("announcement"))

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly performance report")
        verbose_name_plural = _("monthly performance reports")
        ordering = ["-month", "jurisdiction_id"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "month"], name="reports_one_per_month"),
        ]
        # No check constraint for "month is a first day": on SQLite it would compile to Django's own
        # django_date_extract(), which no other SQLite client has, so the backup's integrity check (and the
        # sqlite3 shell) could no longer read the table. save() keeps `month` on the first day instead.

    def save(self, *args, **kwargs) -> None:
        self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.month_slug}"

    @property
    def month_slug(self) -> str:
        """"2026-11": the month as it appears in URLs and file names."""
        return self.month.strftime("%Y-%m")

    @property
    def month_label(self) -> str:
        return month_label(self.month)

    def title(self) -> str:
        """"Town of Elm performance report, November 2026" in the active language."""
        from django.utils.translation import gettext

        return gettext("%(jurisdiction)s performance report, %(month)s") % {
            "jurisdiction": self.jurisdiction.name, "month": self.month_label}

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.jurisdiction.slug, self.month_slug])

    def pdf_url(self) -> str:
        return reverse("reports:pdf", args=[self.jurisdiction.slug, self.month_slug])

    def pdf_filename(self, language: str | None = None) -> str:
        """The name a downloaded PDF is saved under: "elm-performance-2026-11.pdf" in the default language,
        "elm-performance-2026-11-es.pdf" in another."""
        suffix = f"-{language}" if language and language != settings.LANGUAGE_CODE else ""
        return f"{self.jurisdiction.slug}-performance-{self.month_slug}{suffix}.pdf"

    def pdf_name_for(self, language: str) -> tuple[str, str]:
        """(storage name, language) of the stored PDF for `language` ("es-mx" counts as "es"): the translated
        one when it was generated, else the default-language PDF; ("", ...) when there is none at all.
        Reports generated before translated PDFs existed have only the default one."""
        base = (language or "").split("-")[0]
        name = (self.translated_pdfs or {}).get(base, "")
        if name:
            return name, base
        return self.pdf.name or "", settings.LANGUAGE_CODE
