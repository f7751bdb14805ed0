"""Datasets staff published on /open-data/ as search results (unpublished ones never)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicdesk.search.registry import Document, Source, in_each_language, only, register


def dataset_documents(ids=None):
    from .models import PublishedDataset

    for dataset in only(PublishedDataset.objects.published(), ids).order_by("pk"):
        def build(language, dataset=dataset):
            return Document(object_id=str(dataset.pk), language=language, title=dataset.title,
                            body=dataset.description, keywords=dataset.keywords,
                            url=dataset.get_absolute_url(), jurisdiction_id=dataset.jurisdiction_id,
                            dated=dataset.updated_at)
        yield from in_each_language(build)


def register_sources() -> None:
    register(Source(name="opendata.publisheddataset", kind="data", label=_("Open data"),
                    model="opendata.PublishedDataset", documents=dataset_documents, order=40))
