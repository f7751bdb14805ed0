"""Permits and licences: the types staff configure, the applications residents make, and the permits issued.

An `ApplicationType` holds a form of the shared form engine (civicdesk/formengine), the documents it needs,
its fee schedule, its review steps and its statutory deadlines in business days. An `Application` walks
draft → submitted → in review (step by step) → approved / denied, or is withdrawn; a request for more
information pauses it (and its clock, when the type says so). An approved application issues a `Permit`
whose public page says whether it is genuine and valid, expired or revoked.

Later slices plug in here: public-records requests are a further `ApplicationType.Kind` with their own
clock, renewals read `Permit.valid_until`, inspections hang off an application's step.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel
from civicdesk.formengine.text import pick
from civicdesk.jurisdictions.models import StaffMembership

Role = StaffMembership.Role


def _token() -> str:
    return secrets.token_urlsafe(12)


class ApplicationType(LoggedModel):
    """What residents may apply for: a fence permit, a block-party permit, a dog licence.

    Deadlines are business days of the jurisdiction's calendar (its opening days and holidays, see
    `deadlines.py`): `intake_days` for the intake check, `decision_days` for the decision, both counted from
    the day of submission. `pauses_clock`: while the city waits for the applicant's answer to a request for
    more information, the days do not count."""

    class Kind(models.TextChoices):
        PERMIT = "permit", _("Permit")
        LICENCE = "licence", _("Licence")

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE,
                                     related_name="application_types", verbose_name=_("jurisdiction"))
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PERMIT)
    name = models.JSONField(_("name"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    form = models.OneToOneField("formengine.Form", on_delete=models.PROTECT, related_name="application_type")
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    fee_due = models.CharField(
        _("the fee must be paid"), max_length=10, default="issue",
        choices=[("submission", _("before the review starts")), ("issue", _("before the permit is issued"))],
        help_text=_("Before the review starts: the intake check cannot be completed until the fee is paid or "
                    "waived. Before the permit is issued: the review goes on, approval waits for the fee."))
    intake_days = models.PositiveSmallIntegerField(_("intake check within (business days)"), default=3)
    decision_days = models.PositiveSmallIntegerField(_("decision within (business days)"), default=15)
    warn_days = models.PositiveSmallIntegerField(
        _("warn staff this many business days before a deadline"), default=2)
    pauses_clock = models.BooleanField(_("the clock pauses while waiting for the applicant"), default=True)
    decider_role = models.CharField(_("who may decide"), max_length=16, default=Role.SUPERVISOR,
                                    choices=[(Role.STAFF, _("Staff")), (Role.SUPERVISOR, _("Supervisor")),
                                             (Role.ADMIN, _("Jurisdiction admin"))])
    valid_days = models.PositiveIntegerField(_("a permit is valid for (days; empty: no expiry)"), null=True,
                                             blank=True)
    renewal_window_days = models.PositiveSmallIntegerField(
        _("send a renewal reminder this many days before expiry (empty: none)"), null=True, blank=True)
    second_reminder_days = models.PositiveSmallIntegerField(
        _("send a second reminder this many days before expiry (empty: none)"), null=True, blank=True)
    is_published = models.BooleanField(_("residents can apply"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("application type")
        verbose_name_plural = _("application types")
        ordering = ["jurisdiction_id", "slug"]

    def __str__(self) -> str:
        return pick(self.name) or self.slug

    def audit_jurisdiction_id(self) -> int | None:
        return self.jurisdiction_id

    def get_absolute_url(self) -> str:
        return reverse("applications:type", args=[self.slug])

    def ordered_steps(self) -> list[ReviewStep]:
        return list(self.steps.select_related("department").order_by("position", "id"))

    def fee_cents(self, answers: dict) -> int:
        """The fee in cents for these answers (field name → stored value, see formengine/forms.py): the sum of
        the type's fee rules. Never negative."""
        return max(0, sum(rule.amount_for(answers) for rule in self.fee_rules.all()))

    def decider_roles(self) -> set[str]:
        """Seats that may decide: the configured role and those above it."""
        ladder = [Role.STAFF, Role.SUPERVISOR, Role.ADMIN]
        return set(ladder[ladder.index(self.decider_role):]) if self.decider_role in ladder else {Role.ADMIN}


class ReviewStep(models.Model):
    """One step of review, in order: the intake check, one or more reviews by a department, the decision.
    `checklist` is a list of language→text maps: what the reviewer ticks before the step is done."""

    class Kind(models.TextChoices):
        INTAKE = "intake", _("Intake check")
        REVIEW = "review", _("Department review")
        DECISION = "decision", _("Decision")

    application_type = models.ForeignKey(ApplicationType, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    department = models.ForeignKey("jurisdictions.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("department"),
                                   help_text=_("Empty: the jurisdiction's administrators handle it."))
    name = models.JSONField(_("name"), default=dict, blank=True)
    checklist = models.JSONField(_("checklist"), default=list, blank=True)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return pick(self.name) or str(self.get_kind_display())

    def checklist_items(self) -> list[str]:
        return [pick(item) for item in self.checklist or []]


class DocumentRequirement(models.Model):
    """A document the applicant uploads: its kind (a name), the formats accepted and the size limit. Files
    are checked by their content (civicdesk/lib/documents.py), never by name or declared type."""

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF")
        IMAGE = "image", _("Photo or scan (JPEG, PNG, WebP, HEIC)")
        WORD = "word", _("Word or OpenDocument text")

    #: format → the sniffed content types it admits.
    CONTENT_TYPES = {
        Format.PDF: {"application/pdf"},
        Format.IMAGE: {"image/jpeg", "image/png", "image/webp"},
        Format.WORD: {"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                      "application/vnd.oasis.opendocument.text"},
    }

    application_type = models.ForeignKey(ApplicationType, on_delete=models.CASCADE, related_name="requirements")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.JSONField(_("document"), default=dict)
    help_text = models.JSONField(_("hint"), default=dict, blank=True)
    formats = models.JSONField(_("formats accepted"), default=list)
    max_mb = models.PositiveSmallIntegerField(_("largest file (MB)"), default=10)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return pick(self.name) or f"document {self.pk}"

    def accepted_types(self) -> set[str]:
        return set().union(*(self.CONTENT_TYPES.get(code, set()) for code in self.formats or []))

    def format_labels(self) -> list[str]:
        labels = dict(self.Format.choices)
        return [str(labels[code]) for code in self.formats or [] if code in labels]


class FeeRule(models.Model):
    """One line of a fee schedule. FIXED: `amount_cents` always. PER_UNIT: `amount_cents` × the number
    answered to `question` (a number question; rounded to the cent). BY_ANSWER: `amount_cents` when the
    answer to `question` is or includes `choice`."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("Fixed amount")
        PER_UNIT = "per_unit", _("Per unit of a number answer")
        BY_ANSWER = "by_answer", _("When an answer is chosen")

    application_type = models.ForeignKey(ApplicationType, on_delete=models.CASCADE, related_name="fee_rules")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    label = models.JSONField(_("label"), default=dict, blank=True)
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    question = models.ForeignKey("formengine.Question", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("question"))
    choice = models.ForeignKey("formengine.Choice", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("answer"))

    class Meta:
        verbose_name = _("fee rule")
        verbose_name_plural = _("fee rules")
        ordering = ["id"]

    def __str__(self) -> str:
        return pick(self.label) or self.get_kind_display()

    def amount_for(self, answers: dict) -> int:
        """What this rule adds, in cents, for these stored answers."""
        if self.kind == self.Kind.FIXED:
            return self.amount_cents
        if self.question_id is None:
            return 0
        given = answers.get(f"q{self.question_id}")
        if given in (None, ""):
            return 0
        if self.kind == self.Kind.PER_UNIT:
            try:
                units = Decimal(str(given))
            except ArithmeticError:
                return 0
            return int((units * self.amount_cents).quantize(Decimal(1))) if units > 0 else 0
        chosen = {int(v) for v in given} if isinstance(given, list) else {int(given)} if str(given).isdigit() else set()
        return self.amount_cents if self.choice_id in chosen else 0


class ApplicationQuerySet(models.QuerySet):
    def active(self):
        """Applications staff still have to act on (submitted, in review, waiting for the applicant)."""
        return self.filter(status__in=Application.ACTIVE)


class Application(LoggedModel):
    """One resident's application. `answers` holds the form's answers while it is a draft (field name →
    stored value); on submission they are also saved as a form-engine Response. The deadlines are dates in
    the jurisdiction's time zone: `intake_due_on` (until the intake check is done) and `decision_due_on`;
    a pause for the applicant moves both by the business days it lasted (when the type pauses the clock)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        INFO_REQUESTED = "info_requested", _("Waiting for your information")
        APPROVED = "approved", _("Approved")
        DENIED = "denied", _("Denied")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    ACTIVE = (Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED)
    WITHDRAWABLE = (Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED)

    application_type = models.ForeignKey(ApplicationType, on_delete=models.PROTECT, related_name="applications")
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    step = models.ForeignKey(ReviewStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("jurisdictions.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("department"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("reviewer"))
    answers = models.JSONField(default=dict, blank=True)
    section_at = models.PositiveSmallIntegerField(default=0)
    response = models.OneToOneField("formengine.Response", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    language = models.CharField(max_length=8, default=settings.LANGUAGE_CODE)
    fee_cents = models.PositiveIntegerField(default=0)
    fee_received_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    intake_due_on = models.DateField(null=True, blank=True)
    decision_due_on = models.DateField(null=True, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True)
    paused_status = models.CharField(max_length=16, blank=True)
    warned_for = models.CharField(max_length=40, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True)
    renews = models.ForeignKey("Permit", null=True, blank=True, on_delete=models.PROTECT, related_name="renewals",
                               verbose_name=_("renews"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["jurisdiction", "status", "decision_due_on"]),
            models.Index(fields=["department", "status", "decision_due_on"]),
            models.Index(fields=["applicant", "created_at"]),
            # The queues per reach (queues.py): one step's of a department or of a whole jurisdiction, and
            # one reviewer's (few enough to filter by step as they are read in due order).
            models.Index(fields=["department", "status", "step", "decision_due_on"]),
            models.Index(fields=["jurisdiction", "status", "step", "decision_due_on"]),
            models.Index(fields=["assignee", "status", "decision_due_on"]),
        ]

    def __str__(self) -> str:
        return self.number

    def audit_jurisdiction_id(self) -> int | None:
        return self.jurisdiction_id

    @property
    def number(self) -> str:
        """The reference residents and staff quote: APP-000042."""
        return f"APP-{self.pk:06d}" if self.pk else "APP-new"

    def get_absolute_url(self) -> str:
        return reverse("applications:detail", args=[self.pk])

    def get_staff_url(self) -> str:
        return reverse("applications_staff:detail", args=[self.pk])

    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    def current_deadline(self) -> tuple[str, dt.date | None]:
        """("intake", date) while the intake check is not done, else ("decision", date); (.., None) once decided
        or before submission."""
        if not self.is_active():
            return ("", None)
        at_intake = self.step is not None and self.step.kind == ReviewStep.Kind.INTAKE
        return ("intake", self.intake_due_on) if at_intake else ("decision", self.decision_due_on)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """True when active, not paused, and the decision deadline is before today (the jurisdiction's day)."""
        if not self.is_active() or self.paused_since is not None or self.decision_due_on is None:
            return False
        today = today or timezone.now().astimezone(self.jurisdiction.tz).date()
        return self.decision_due_on < today

    def fee_display(self) -> str:
        return money(self.fee_cents, self.application_type.currency)


def money(cents: int, currency: str) -> str:
    """"$45.00" for dollars, "45.00 EUR" otherwise: amounts are integer cents, never floats."""
    amount = f"{cents // 100:,}.{cents % 100:02d}"
    return f"${amount}" if currency == "USD" else f"{amount} {currency}"


def document_path(instance: ApplicationDocument, filename: str) -> str:
    return f"applications/{timezone.now():%Y/%m}/{instance.application_id}/{secrets.token_hex(8)}-{filename}"


class ApplicationDocument(models.Model):
    """A file the applicant uploaded for a requirement (or with an answer to a request for information).
    Private: served only to the applicant and to staff who may see the application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(DocumentRequirement, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    file = models.FileField(upload_to=document_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Event(models.Model):
    """The application's history. `internal` events (notes, checklist ticks, assignments) are for staff
    only; the others the applicant reads on their page."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        STEP_DONE = "step_done", _("Step completed")
        ASSIGNED = "assigned", _("Assigned")
        NOTE = "note", _("Internal note")
        INFO_REQUESTED = "info_requested", _("More information requested")
        INFO_PROVIDED = "info_provided", _("Information provided")
        FEE_RECEIVED = "fee_received", _("Fee received")
        FEE_WAIVED = "fee_waived", _("Fee waived")
        DOCUMENT_SENT = "document_sent", _("Document from the city")
        INSPECTION_BOOKED = "inspection_booked", _("Inspection booked")
        INSPECTION_PASSED = "inspection_passed", _("Inspection passed")
        INSPECTION_FAILED = "inspection_failed", _("Inspection failed")
        APPROVED = "approved", _("Approved")
        DENIED = "denied", _("Denied")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REVOKED = "revoked", _("Permit revoked")
        DEADLINE_WARNING = "deadline_warning", _("Deadline warning")
        # Public-records requests (civicdesk/records) write these on the same timeline.
        ACKNOWLEDGED = "acknowledged", _("Request acknowledged")
        EXTENDED = "extended", _("Deadline extended")
        RELEASED = "released", _("Records released")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.TextField(blank=True)
    internal = models.BooleanField(default=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class ChecklistMark(models.Model):
    """A ticked item of a step's checklist (by index), by whom and when."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="checks")
    step = models.ForeignKey(ReviewStep, on_delete=models.CASCADE, related_name="+")
    item = models.PositiveSmallIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "step", "item"], name="one_mark_per_item")]


class Permit(LoggedModel):
    """The permit or licence an approved application issues. Its public page (by `code`) shows only public
    facts: kind, number, jurisdiction, dates and whether it is valid, expired or revoked."""

    class State(models.TextChoices):
        VALID = "valid", _("Genuine and valid")
        EXPIRED = "expired", _("Genuine but expired")
        REVOKED = "revoked", _("Revoked")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="permit")
    code = models.CharField(max_length=32, unique=True, default=_token)
    issued_at = models.DateTimeField(default=timezone.now)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    second_reminded_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("permit or licence")
        verbose_name_plural = _("permits and licences")
        indexes = [models.Index(fields=["valid_until"], name="permit_valid_until")]

    def __str__(self) -> str:
        return self.number

    def audit_jurisdiction_id(self) -> int | None:
        return self.application.jurisdiction_id

    @property
    def number(self) -> str:
        return f"{self.application.application_type.slug.upper()}-{self.application_id:06d}"

    def get_verification_url(self) -> str:
        return reverse("applications:verify", args=[self.code])

    def state(self, today: dt.date | None = None) -> str:
        """REVOKED when revoked, EXPIRED when past `valid_until` (the jurisdiction's day), else VALID."""
        if self.revoked_at is not None:
            return self.State.REVOKED
        today = today or timezone.now().astimezone(self.application.jurisdiction.tz).date()
        if self.valid_until is not None and self.valid_until < today:
            return self.State.EXPIRED
        return self.State.VALID

    def state_label(self) -> str:
        """"Genuine and valid", "Genuine but expired" or "Revoked", in the active language."""
        return str(self.State(self.state()).label)


from .fee_models import ApplicationFee  # noqa: F401  (the fee's bill and waiver, fees.py)
from .outgoing_models import SentDocument  # noqa: F401  (documents staff send, outgoing.py)
from .register_models import RegisterEntry, RegisterSettings  # noqa: F401 (public registers: registers.py)
