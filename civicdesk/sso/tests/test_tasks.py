"""forget_old_nonces_task: nonces older than NONCE_KEPT_FOR go, recent ones stay (they still stop replays)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from civicdesk.sso.models import UsedNonce
from civicdesk.sso.oidc import NONCE_KEPT_FOR
from civicdesk.sso.tasks import forget_old_nonces_task


def test_it_forgets_only_nonces_older_than_a_replayable_token(db):
    now = timezone.now()
    UsedNonce.objects.create(digest="old", used_at=now - NONCE_KEPT_FOR - dt.timedelta(minutes=1))
    UsedNonce.objects.create(digest="recent", used_at=now - dt.timedelta(hours=1))
    assert forget_old_nonces_task.call() == 1
    assert list(UsedNonce.objects.values_list("digest", flat=True)) == ["recent"]
    assert forget_old_nonces_task.call() == 0
