"""Background work for single sign-on: forgetting nonces too old to be replayed."""

from __future__ import annotations

from django_tasks import task


@task()
def forget_old_nonces_task() -> int:
    """Delete used nonces older than oidc.NONCE_KEPT_FOR; returns how many. Safe to run twice.

    A token that old is refused by its issue time anyway (oidc.Backend.verify_id_token), so forgetting its
    nonce opens no replay. A busy or unreachable database is logged and left to the next day.
    """
    from django.utils import timezone

    from civicdesk.core.periodic import unless_database_busy

    from .models import UsedNonce
    from .oidc import NONCE_KEPT_FOR

    def forget() -> int:
        return UsedNonce.objects.filter(used_at__lt=timezone.now() - NONCE_KEPT_FOR).delete()[0]

    return unless_database_busy(forget, "forgetting old sign-in nonces")
