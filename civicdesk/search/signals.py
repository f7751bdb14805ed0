"""Keeping the index current as pages change: a save or delete of a watched model re-indexes that object
once the transaction commits (the periodic sync repairs anything this misses)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save

log = logging.getLogger(__name__)


def watch(source) -> None:
    model = source.model_class()

    def changed(sender, instance, **kwargs):
        if kwargs.get("raw"):
            return  # loaddata: the next sync indexes fixtures
        name, pk = source.name, instance.pk
        transaction.on_commit(lambda: _reindex(name, pk))

    post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"search:{source.name}:save")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"search:{source.name}:delete")


def _reindex(name: str, pk) -> None:
    from . import registry, services

    source = registry.get(name)
    if source is None:
        return
    try:
        services.index_objects(source, [pk])
    except Exception:  # the page was saved; its entry catches up at the next sync
        log.exception("search: could not re-index %s %s", name, pk)
