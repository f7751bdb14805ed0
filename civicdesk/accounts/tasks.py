"""Background work for accounts: the password reset email (queued so the page answers alike for every address)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_password_reset(*, user_pk: int) -> bool:
    """Email a reset link to the user; False (nothing sent) when the account is gone or inactive meanwhile."""
    from . import services
    from .models import User

    user = User.objects.filter(pk=user_pk, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    services.send_password_reset_email(user)
    return True
