"""Open data: the export files of the built-in datasets, and the datasets staff publish from a CSV file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel


class ExportFile(models.Model):
    """The current download of one built-in dataset in one format (civicdesk.opendata.exports).

    A new export is written under a new name and this row is switched to it in one
    transaction, so a download always reads a whole file; the file it replaced is then deleted.
    """

    dataset = models.CharField(_("dataset"), max_length=64)
    format = models.CharField(_("format"), max_length=16)
    path = models.CharField(_("file"), max_length=255)
    #: The file this one replaced, kept until the next export so a download started before the switch
    #: can finish reading it.
    previous_path = models.CharField(_("previous file"), max_length=255, blank=True)
    size = models.BigIntegerField(_("size in bytes"), default=0)
    row_count = models.BigIntegerField(_("rows"), default=0)
    generated_at = models.DateTimeField(_("generated"), default=timezone.now)
    #: Seconds the export took (querying, formatting and saving the file).
    duration = models.FloatField(_("duration (s)"), default=0)

    class Meta:
        verbose_name = _("open data file")
        verbose_name_plural = _("open data files")
        constraints = [models.UniqueConstraint(fields=["dataset", "format"], name="opendata_one_file_per_format")]

    def __str__(self) -> str:
        return f"{self.dataset}.{self.format}"

    def rows_per_second(self) -> float | None:
        """Rows written per second of the last export; None when it took no measurable time."""
        return self.row_count / self.duration if self.duration > 0 else None


class ColumnType(models.TextChoices):
    TEXT = "text", _("Text")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    DATE = "date", _("Date")
    BOOLEAN = "boolean", _("Yes or no")


class Frequency(models.TextChoices):
    """How often a dataset is updated, with its ISO 8601 repeating duration (DCAT-US accrualPeriodicity)."""

    DAILY = "R/P1D", _("Every day")
    WEEKLY = "R/P1W", _("Every week")
    MONTHLY = "R/P1M", _("Every month")
    QUARTERLY = "R/P3M", _("Every quarter")
    ANNUAL = "R/P1Y", _("Every year")
    IRREGULAR = "irregular", _("When it changes")


class PublishedDatasetQuerySet(models.QuerySet):
    def published(self):
        """Datasets the public sees: published and not withdrawn since."""
        return self.filter(published_at__isnull=False)


class PublishedDataset(LoggedModel):
    """A table staff uploaded as CSV (a budget, a list of capital projects), described column by column.

    Its rows live in `DatasetRow`, so the public page filters and pages them with the database. A draft
    (`published_at` None) is seen only by staff; publishing and withdrawing are audit-logged.
    """

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT,
                                     related_name="open_datasets", verbose_name=_("publisher"))
    slug = models.SlugField(_("address (slug)"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    keywords = models.CharField(_("keywords"), max_length=255, blank=True,
                                help_text=_("Words people may search for, separated by commas."))
    frequency = models.CharField(_("update frequency"), max_length=16, choices=Frequency.choices,
                                 default=Frequency.ANNUAL)
    source_name = models.CharField(_("file name"), max_length=255, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    #: When the data last changed (a new file, or new column descriptions).
    updated_at = models.DateTimeField(_("last updated"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = PublishedDatasetQuerySet.as_manager()

    class Meta:
        verbose_name = _("published dataset")
        verbose_name_plural = _("published datasets")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("opendata:dataset", args=[self.slug])

    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.split(",") if word.strip()]


class DatasetColumn(models.Model):
    """One column of a published dataset: the CSV header (`name`), its API key, and what it means."""

    dataset = models.ForeignKey(PublishedDataset, on_delete=models.CASCADE, related_name="columns")
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("heading in the file"), max_length=200)
    #: The name in JSON and in the API's filters: the heading in lower case, words joined by "_".
    key = models.CharField(_("field name"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("meaning"), blank=True)
    type = models.CharField(_("type"), max_length=16, choices=ColumnType.choices, default=ColumnType.TEXT)
    example = models.CharField(_("example"), max_length=200, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["dataset", "key"], name="opendata_unique_column_key")]

    def __str__(self) -> str:
        return self.title or self.name

    def convert(self, text: str):
        """The cell's value in this column's type for JSON: int, Decimal, date, bool or str; None when blank.
        A cell that does not read as the type (the type was changed by hand) is returned as its text."""
        from . import csvdata

        return csvdata.convert(text, self.type)


class DatasetRow(models.Model):
    """One row of a published dataset: its cells as text, keyed by column key (`DatasetColumn.key`)."""

    dataset = models.ForeignKey(PublishedDataset, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField()
    values = models.JSONField(default=dict)

    class Meta:
        ordering = ["dataset", "position"]
        constraints = [models.UniqueConstraint(fields=["dataset", "position"], name="opendata_unique_row")]

