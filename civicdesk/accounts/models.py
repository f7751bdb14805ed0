"""The user model: residents and staff alike sign in with their email address."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.lib import phones


class UserManager(BaseUserManager):
    """Creates users keyed by a normalised email address."""

    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person who signs in: a resident, a member of staff, or both.

    `is_staff` opens the admin and the staff console; what a staff member may
    see is decided by their memberships (jurisdictions.StaffMembership).
    """

    username = None
    email = models.EmailField(_("email address"), unique=True)
    phone = models.CharField(_("phone number"), max_length=32, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs) -> None:
        # Sign-in lower-cases what is typed, so every way of creating a user must store lower case.
        self.email = (self.email or "").strip().lower()
        # Phones are stored in E.164 so look-ups match however the number was typed (civicdesk/lib/phones.py).
        self.phone = phones.normalise_or_keep(self.phone)[:32]
        super().save(*args, **kwargs)

    @property
    def is_email_verified(self) -> bool:
        """True once the person has followed the link in their verification email."""
        return self.email_verified_at is not None


class SignInFailure(models.Model):
    """One failed sign-in step, kept in the database so every app server counts the same failures.

    `key` is "password:<email>" for a wrong password and "otp:<user id>" for a
    wrong two-factor code; rows older than the lockout window no longer count.
    """

    key = models.CharField(_("what failed"), max_length=300, db_index=True)
    created_at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        verbose_name = _("failed sign-in attempt")
        verbose_name_plural = _("failed sign-in attempts")
        indexes = [models.Index(fields=["key", "created_at"])]

    def __str__(self) -> str:
        return f"{self.key} {self.created_at:%Y-%m-%d %H:%M}"
