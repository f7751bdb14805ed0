"""Keeping the index current as pages change: a save or delete of a watched model re-indexes that object
once the transaction commits (the periodic sync repairs anything this misses)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save

log = logging.getLogger(__name__)


def watch(source) -> None:
    """Re-index on commit: the object itself when a `source.model` row changes, the page holding it when a row
    of one of `source.also_watch`'s models does."""
    from django.apps import apps

    watched = [(source.model_class(), lambda instance: instance.pk)]
    watched += [(apps.get_model(label), page_of) for label, page_of in source.also_watch.items()]
    for model, page_of in watched:
        def changed(sender, instance, page_of=page_of, **kwargs):
            if kwargs.get("raw"):
                return  # loaddata: the next sync indexes fixtures
            name, pk = source.name, page_of(instance)
            if pk is not None:
                transaction.on_commit(lambda: _reindex(name, pk))

        uid = f"search:{source.name}:{model._meta.label}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}:save")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}:delete")


def _reindex(name: str, pk) -> None:
    from . import registry, services

    source = registry.get(name)
    if source is None:
        return
    try:
        services.index_objects(source, [pk])
    except Exception:  # the page was saved; its entry catches up at the next sync
        log.exception("search: could not re-index %s %s", name, pk)
