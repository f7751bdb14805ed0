"""Single sign-on: the table mapping group claims to staff seats, per-jurisdiction rules, linked identities."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel
from civicdesk.jurisdictions.models import Department, Jurisdiction, StaffMembership


class SsoRoleMapping(LoggedModel):
    """One row of the table admins edit: people whose group claim holds `claim_value` get this seat.

    A seat is a jurisdiction, optionally a department, and a role, exactly as
    StaffMembership has them. Several rows may share a claim value (one group,
    several seats); a person in several groups gets every matching seat.
    """

    claim_value = models.CharField(_("group or role claim"), max_length=200, help_text=_(
        "The value as the identity provider sends it, e.g. a group's object id (Microsoft Entra ID), "
        "a group email (Google Workspace) or a group name (Okta)."))
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("jurisdiction"))
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("department"))
    role = models.CharField(_("role"), max_length=16, choices=StaffMembership.Role.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("single sign-on seat mapping")
        verbose_name_plural = _("single sign-on seat mappings")
        ordering = ["jurisdiction__name", "claim_value", "id"]
        constraints = [models.UniqueConstraint(fields=["claim_value", "jurisdiction", "department"],
                                               name="sso_one_mapping_per_seat")]

    def __str__(self) -> str:
        return f"{self.claim_value} → {self.get_role_display()} ({self.department or self.jurisdiction})"

    def clean(self) -> None:
        if self.department_id and self.jurisdiction_id and self.department.jurisdiction_id != self.jurisdiction_id:
            raise ValidationError({"department": _("The department belongs to another jurisdiction.")})


class SsoJurisdictionPolicy(LoggedModel):
    """How a jurisdiction's staff may sign in. Without a row: passwords allowed, no accounts created."""

    jurisdiction = models.OneToOneField(Jurisdiction, on_delete=models.CASCADE, related_name="+",
                                        verbose_name=_("jurisdiction"))
    passwords_allowed = models.BooleanField(_("staff may also sign in with a password and code"), default=True,
                                            help_text=_("Turn off to make single sign-on the only way in for "
                                                        "staff whose every seat is in this jurisdiction."))
    create_accounts = models.BooleanField(_("create accounts at the first single sign-on"), default=False,
                                          help_text=_("When on, someone unknown whose groups map to a seat here "
                                                      "gets an account with those seats only."))

    class Meta:
        verbose_name = _("single sign-on rule")
        verbose_name_plural = _("single sign-on rules")

    def __str__(self) -> str:
        return str(self.jurisdiction)


class SsoIdentity(models.Model):
    """A CivicDesk account linked to the identity provider's subject (`sub`) after its first single sign-on."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity")
    issuer = models.CharField(max_length=500)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(default=timezone.now)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="sso_one_account_per_subject")]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"


class SsoSeat(models.Model):
    """Marks a staff seat as granted by single sign-on: only these are added and removed at each sign-in.

    Seats given by hand have no row here and are never touched by a sign-in.
    """

    membership = models.OneToOneField(StaffMembership, on_delete=models.CASCADE, related_name="sso_grant")
    granted_at = models.DateTimeField(default=timezone.now)


class UsedNonce(models.Model):
    """A nonce of an ID token already accepted: a token carrying it again is a replay and is refused."""

    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(default=timezone.now, db_index=True)
