"""Background work for single sign-on: forgetting nonces too old to be replayed."""

from __future__ import annotations

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def forget_old_nonces_task() -> int:
    """Delete used nonces older than oidc.NONCE_KEPT_FOR; returns how many. Safe to run twice.

    A token that old is refused by its issue time anyway (oidc.Backend.verify_id_token), so forgetting its
    nonce opens no replay. A busy or unreachable database is logged and left to the next day.
    """
    from django.utils import timezone

    from civicdesk.core.periodic import is_transient_database_error

    from .models import UsedNonce
    from .oidc import NONCE_KEPT_FOR

    try:
        return UsedNonce.objects.filter(used_at__lt=timezone.now() - NONCE_KEPT_FOR).delete()[0]
    except Exception as exc:
        if is_transient_database_error(exc):
            log.warning("sso: old nonces not forgotten, database busy or unreachable: %s", exc)
            return 0
        raise
