"""Multi-step work on staff-published datasets: create from a CSV file, describe columns, publish, withdraw.

Each function does its work in one transaction and writes one audit entry (`PublishedDataset.log_action`),
so a file that fails a check leaves nothing behind and every change says who made it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from . import csvdata
from .models import DatasetColumn, DatasetRow, PublishedDataset

ROW_BATCH = 1000


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """A URL name from the title, with -2, -3… when another dataset has it (or a built-in one)."""
    from .builtin import BUILTIN, RESERVED_SLUGS

    base = (slugify(title) or "dataset")[:70]
    taken = PublishedDataset.objects.exclude(pk=exclude_pk).filter(slug__startswith=base).values_list("slug",
                                                                                                      flat=True)
    taken = set(taken) | set(BUILTIN) | RESERVED_SLUGS
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def create_dataset(*, jurisdiction, title: str, description: str, keywords: str, frequency: str, data: bytes,
                   file_name: str, user) -> PublishedDataset:
    """Check the CSV file and save it as a draft dataset with its columns (types detected) and rows.

    Raises csvdata.CsvProblem, with nothing saved, when the file cannot be published as it is.
    """
    table = csvdata.read_table(data)
    with transaction.atomic():
        dataset = PublishedDataset.objects.create(
            jurisdiction=jurisdiction, slug=unique_slug(title), title=title, description=description,
            keywords=keywords, frequency=frequency, source_name=file_name[:255], row_count=len(table.rows),
            created_by=user)
        _save_table(dataset, table)
        dataset.log_action("opendata.dataset_created", user=user, data={
            "title": title, "file": file_name, "rows": len(table.rows),
            "columns": [column.name for column in table.columns]})
    return dataset


def replace_file(dataset: PublishedDataset, *, data: bytes, file_name: str, user) -> PublishedDataset:
    """Replace the rows with a new CSV file. Columns whose heading is unchanged keep their titles,
    descriptions and types; new columns get detected types. Raises csvdata.CsvProblem, changing nothing."""
    table = csvdata.read_table(data)
    with transaction.atomic():
        dataset = PublishedDataset.objects.select_for_update().get(pk=dataset.pk)
        described = {column.key: column for column in dataset.columns.all()}
        dataset.columns.all().delete()
        dataset.rows.all().delete()
        _save_table(dataset, table, described=described)
        dataset.row_count, dataset.source_name, dataset.updated_at = len(table.rows), file_name[:255], timezone.now()
        dataset.save(update_fields=["row_count", "source_name", "updated_at"])
        dataset.log_action("opendata.dataset_file_replaced", user=user, data={
            "file": file_name, "rows": len(table.rows), "columns": [column.name for column in table.columns]})
    return dataset


def _save_table(dataset: PublishedDataset, table: csvdata.ParsedTable, *, described: dict | None = None) -> None:
    described = described or {}
    columns = []
    for position, parsed in enumerate(table.columns):
        before = described.get(parsed.key)
        columns.append(DatasetColumn(
            dataset=dataset, position=position, name=parsed.name, key=parsed.key, example=parsed.example,
            title=before.title if before else parsed.name, description=before.description if before else "",
            type=before.type if before else parsed.type))
    DatasetColumn.objects.bulk_create(columns)
    DatasetRow.objects.bulk_create((DatasetRow(dataset=dataset, position=position, values=values)
                                    for position, values in enumerate(table.rows, start=1)), batch_size=ROW_BATCH)


def describe(dataset: PublishedDataset, *, fields: dict, columns: list[dict], user) -> PublishedDataset:
    """Save the dataset's description (`fields`: title, description, keywords, frequency) and each column's
    title, meaning and type (`columns`: dicts with pk, title, description, type). Audit-logs what changed."""
    changes: dict[str, dict] = {}
    with transaction.atomic():
        for name, value in fields.items():
            if getattr(dataset, name) != value:
                changes[name] = {"from": getattr(dataset, name), "to": value}
                setattr(dataset, name, value)
        existing = {column.pk: column for column in dataset.columns.all()}
        for values in columns:
            column = existing[values["pk"]]
            changed = {key: {"from": getattr(column, key), "to": values[key]}
                       for key in ("title", "description", "type") if getattr(column, key) != values[key]}
            if changed:
                for key, change in changed.items():
                    setattr(column, key, change["to"])
                column.save(update_fields=list(changed))
                changes[f"column:{column.name}"] = changed
        if changes:
            dataset.updated_at = timezone.now()
            dataset.save()
            dataset.log_action("opendata.dataset_described", user=user, data={"changes": changes})
    return dataset


def publish(dataset: PublishedDataset, *, user) -> PublishedDataset:
    """Put the dataset in the public catalogue (and /data.json). Publishing twice changes nothing."""
    with transaction.atomic():
        dataset = PublishedDataset.objects.select_for_update().get(pk=dataset.pk)
        if dataset.published_at is None:
            dataset.published_at = timezone.now()
            dataset.save(update_fields=["published_at"])
            dataset.log_action("opendata.dataset_published", user=user, data={"slug": dataset.slug})
    return dataset


def unpublish(dataset: PublishedDataset, *, user, reason: str = "") -> PublishedDataset:
    """Take the dataset out of the public catalogue; its page, downloads and API answer 404 again."""
    with transaction.atomic():
        dataset = PublishedDataset.objects.select_for_update().get(pk=dataset.pk)
        if dataset.published_at is not None:
            dataset.published_at = None
            dataset.save(update_fields=["published_at"])
            dataset.log_action("opendata.dataset_unpublished", user=user, data={"slug": dataset.slug,
                                                                                 "reason": reason})
    return dataset
