"""Multi-step work on applications: configuring types, the applicant's steps, the reviewers' steps, the
deadline sweep. Views, demo data and tasks all call these, so each rule lives in one place. Every function
is atomic: refused input raises ApplicationError (words for the person who tried) and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.formengine import services as engine
from civicdesk.formengine.models import Form, Section
from civicdesk.formengine.text import pick
from civicdesk.lib import documents as checks
from civicdesk.lib.media import MediaError
from civicdesk.notifications.services import Recipient, notify
from civicdesk.subscriptions.services import recipient_for_user
from civicdesk.throttle.services import Limit, check

from . import deadlines, hooks
from .models import (
    Application,
    ApplicationDocument,
    ApplicationType,
    ChecklistMark,
    DocumentRequirement,
    Event,
    FeeRule,
    Permit,
    ReviewStep,
)

Status = Application.Status
MB = 1024 * 1024
#: Applicant actions that send a message (start, submit, answer, withdraw) per person per hour.
APPLICANT_ACTIONS_PER_HOUR = 30
#: Requests for more information sent on one application per day (each messages the applicant).
INFO_REQUESTS_PER_APPLICATION_PER_DAY = 5
#: Documents on one application.
MAX_DOCUMENTS = 30


class ApplicationError(ValidationError):
    """A change refused, with words for the person who tried."""


# --- configuring types (staff console) ----------------------------------------------------------------------

def create_type(*, jurisdiction, slug: str, name: dict, user, kind: str = ApplicationType.Kind.PERMIT
                ) -> ApplicationType:
    """A new unpublished type with an empty form (one section) and the two steps every type has: the intake
    check and the decision (reviews by departments go between them); audited."""
    if ApplicationType.objects.filter(slug=slug).exists():
        raise ApplicationError(_("Another application type already uses this web address."))
    with transaction.atomic():
        form = Form.objects.create(title=name)
        Section.objects.create(form=form, position=1)
        kind_type = ApplicationType.objects.create(jurisdiction=jurisdiction, slug=slug, name=name, form=form,
                                                   kind=kind)
        ReviewStep.objects.create(application_type=kind_type, position=1, kind=ReviewStep.Kind.INTAKE,
                                  name={"en": "Intake check"})
        ReviewStep.objects.create(application_type=kind_type, position=100, kind=ReviewStep.Kind.DECISION,
                                  name={"en": "Decision"})
        kind_type.log_action("applicationtype.created", user=user, data={"slug": slug})
    return kind_type


TYPE_FIELDS = ("name", "description", "kind", "intake_days", "decision_days", "warn_days", "pauses_clock",
               "decider_role", "valid_days", "is_published", "currency", "fee_due", "renewal_window_days",
               "second_reminder_days")


def update_type(application_type: ApplicationType, *, user, **fields) -> ApplicationType:
    """Change a type's settings (keys of TYPE_FIELDS); audited with what changed. Publishing needs a form
    with at least one question."""
    unknown = set(fields) - set(TYPE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    if fields.get("is_published") and not application_type.form.questions_in_order():
        raise ApplicationError(_("Add at least one question to the form before residents can apply."))
    if fields.get("intake_days", 0) and fields.get("decision_days") is not None \
            and fields["intake_days"] > fields["decision_days"]:
        raise ApplicationError(_("The intake check cannot be due after the decision."))
    window, second = (fields.get(key, getattr(application_type, key)) for key in ("renewal_window_days",
                                                                                 "second_reminder_days"))
    if second is not None and (window is None or second >= window):
        raise ApplicationError(_("The second renewal reminder must come after the first: give fewer days."))
    changed = {key: [getattr(application_type, key), value] for key, value in fields.items()
               if getattr(application_type, key) != value}
    with transaction.atomic():
        for key, value in fields.items():
            setattr(application_type, key, value)
        application_type.save()
        if "name" in fields:
            application_type.form.title = fields["name"]
            application_type.form.save(update_fields=["title"])
        application_type.log_action("applicationtype.changed", user=user, data={"changed": changed})
    return application_type


def add_step(application_type: ApplicationType, *, user, name: dict, department=None, checklist=()) -> ReviewStep:
    """A department review, placed after the last review (before the decision); audited."""
    if department is not None and department.jurisdiction_id != application_type.jurisdiction_id:
        raise ApplicationError(_("That department belongs to another jurisdiction."))
    with transaction.atomic():
        last = (application_type.steps.exclude(kind=ReviewStep.Kind.DECISION).order_by("-position")
                .values_list("position", flat=True).first() or 1)
        step = ReviewStep.objects.create(application_type=application_type, position=last + 1,
                                         kind=ReviewStep.Kind.REVIEW, name=name, department=department,
                                         checklist=[item for item in checklist if any(item.values())])
        application_type.log_action("applicationtype.step_added", user=user, data={"step": step.pk})
    return step


def update_step(step: ReviewStep, *, user, name: dict, department=None, checklist=()) -> ReviewStep:
    """Change a step's name, department and checklist (any kind of step); audited."""
    if department is not None and department.jurisdiction_id != step.application_type.jurisdiction_id:
        raise ApplicationError(_("That department belongs to another jurisdiction."))
    with transaction.atomic():
        step.name, step.department = name or step.name, department
        step.checklist = [item for item in checklist if any(item.values())]
        step.save()
        step.application_type.log_action("applicationtype.step_changed", user=user, data={"step": step.pk})
    return step


def delete_step(step: ReviewStep, *, user) -> None:
    """Remove a department review (the intake check and the decision stay) while no application is at it."""
    if step.kind != ReviewStep.Kind.REVIEW:
        raise ApplicationError(_("Every type keeps its intake check and its decision."))
    if Application.objects.filter(step=step).exists():
        raise ApplicationError(_("Applications are at this step: it cannot be removed now."))
    with transaction.atomic():
        step.application_type.log_action("applicationtype.step_deleted", user=user, data={"step": step.pk})
        step.delete()


def add_requirement(application_type: ApplicationType, *, user, name: dict, formats: list[str], max_mb: int,
                    required: bool = True, help_text: dict | None = None) -> DocumentRequirement:
    """A document the applicant must (or may) upload; audited."""
    known = {code for code, _label in DocumentRequirement.Format.choices}
    if not formats or set(formats) - known:
        raise ApplicationError(_("Choose at least one format."))
    if not 1 <= max_mb <= 50:
        raise ApplicationError(_("The largest file must be between 1 and 50 MB."))
    with transaction.atomic():
        last = application_type.requirements.order_by("-position").values_list("position", flat=True).first() or 0
        found = DocumentRequirement.objects.create(application_type=application_type, position=last + 1, name=name,
                                                   help_text=help_text or {}, formats=list(formats), max_mb=max_mb,
                                                   required=required)
        application_type.log_action("applicationtype.document_added", user=user, data={"document": found.pk})
    return found


def delete_requirement(requirement: DocumentRequirement, *, user) -> None:
    with transaction.atomic():
        requirement.application_type.log_action("applicationtype.document_deleted", user=user,
                                                data={"document": requirement.pk})
        requirement.delete()


def add_fee_rule(application_type: ApplicationType, *, user, kind: str, amount_cents: int, label: dict,
                 question=None, choice=None) -> FeeRule:
    """A line of the fee schedule; the question (and answer) must belong to the type's form; audited."""
    if kind != FeeRule.Kind.FIXED:
        if question is None or question.section.form_id != application_type.form_id:
            raise ApplicationError(_("Choose a question of this form."))
        if kind == FeeRule.Kind.PER_UNIT and question.kind != "number":
            raise ApplicationError(_("A fee per unit needs a number question."))
        if kind == FeeRule.Kind.BY_ANSWER and (choice is None or choice.question_id != question.pk):
            raise ApplicationError(_("Choose one of that question's answers."))
    with transaction.atomic():
        rule = FeeRule.objects.create(application_type=application_type, kind=kind, amount_cents=amount_cents,
                                      label=label, question=question if kind != FeeRule.Kind.FIXED else None,
                                      choice=choice if kind == FeeRule.Kind.BY_ANSWER else None)
        application_type.log_action("applicationtype.fee_added", user=user,
                                    data={"rule": rule.pk, "kind": kind, "amount_cents": amount_cents})
    return rule


def delete_fee_rule(rule: FeeRule, *, user) -> None:
    with transaction.atomic():
        rule.application_type.log_action("applicationtype.fee_deleted", user=user, data={"rule": rule.pk})
        rule.delete()


# --- telling people -----------------------------------------------------------------------------------------

def _event(application: Application, kind: str, *, user=None, message: str = "", internal: bool = False) -> Event:
    return Event.objects.create(application=application, kind=kind, user=user, message=message, internal=internal)


def _tell_applicant(application: Application, event: Event) -> None:
    """Queue the applicant's message about `event` (their channels and language; at most once per event)."""
    recipient = recipient_for_user(application.applicant)
    if recipient is None:
        return
    notify(event=f"application.{event.kind}", key=f"application-event:{event.pk}", recipients=[recipient],
           template="applications/email/update", scope=f"application:{application.pk}",
           context={"application": application, "event": event, "public_message": ""})


def _staff_recipients(application: Application) -> list[Recipient]:
    """Who answers for the application now: its reviewer, else the seats of its department, else the
    jurisdiction's administrators."""
    from civicdesk.accounts.models import User

    if application.assignee_id:
        people = [application.assignee]
    else:
        seats = {"memberships__jurisdiction_id": application.jurisdiction_id}
        if application.department_id:
            seats["memberships__department_id"] = application.department_id
            seats["memberships__role__in"] = ["staff", "supervisor"]
        else:
            seats["memberships__role"] = "admin"
        people = list(User.objects.filter(is_active=True, **seats).distinct().order_by("id"))
    return [Recipient(email=person.email, language=person.language or "", name=person.get_full_name(),
                      user_id=person.pk) for person in people if person.email]


# --- the applicant's side ---------------------------------------------------------------------------------

def _applicant_limit(user) -> Limit:
    return Limit(f"applications:applicant:{user.pk}", APPLICANT_ACTIONS_PER_HOUR, 3600)


def start_application(application_type: ApplicationType, *, user, language: str) -> Application:
    """A new draft of a published type for a signed-in resident."""
    if not application_type.is_published:
        raise ApplicationError(_("This permit or licence is not open for applications."))
    check(_applicant_limit(user))
    with transaction.atomic():
        application = Application.objects.create(application_type=application_type, applicant=user,
                                                 jurisdiction_id=application_type.jurisdiction_id,
                                                 language=language[:8])
        application.log_action("application.started", user=user)
    return application


def _require_draft(application: Application) -> None:
    if application.status != Status.DRAFT:
        raise ApplicationError(_("This application has been sent: its answers can no longer change."))


def save_answers(application: Application, *, answers: dict, section_at: int) -> None:
    """Keep the draft's answers (those that still apply) and where the applicant is, to resume later."""
    _require_draft(application)
    sections = application.application_type.form.ordered_sections()
    application.answers = engine.shown_answers(sections, answers)
    application.section_at = max(0, section_at)
    application.save(update_fields=["answers", "section_at", "updated_at"])


def _check_file(requirement: DocumentRequirement | None, upload) -> checks.CheckedFile:
    """The upload checked by its content against the requirement's formats and size (MediaError → words)."""
    limit = (requirement.max_mb if requirement else 10) * MB
    accepted = requirement.accepted_types() if requirement else {"application/pdf", "image/jpeg", "image/png",
                                                                 "image/webp"}
    labels = ", ".join(requirement.format_labels()) if requirement else _("PDF, or a photo or scan")
    wrong_format = ApplicationError(_("This file is not in a format accepted here. Please upload: %(formats)s.")
                                    % {"formats": labels})
    try:
        checked = checks.check_document(upload, limit=limit, allow_images=bool(accepted & {"image/jpeg"}))
    except MediaError as exc:
        # The library's "not accepted" speaks to staff publishing documents: residents get this type's formats.
        raise (wrong_format if str(exc) == str(checks.not_accepted()) else ApplicationError(str(exc))) from exc
    if checked.content_type not in accepted:
        raise wrong_format
    return checked


def upload_document(application: Application, *, user, upload, requirement: DocumentRequirement | None = None
                    ) -> ApplicationDocument:
    """Store a document for a requirement of the application's type (a draft), or with an answer to a request
    for more information; the file is sniffed and checked first, so nothing is stored when it is refused."""
    if application.status not in (Status.DRAFT, Status.INFO_REQUESTED):
        raise ApplicationError(_("Documents can be added to a draft, or when we ask for more information."))
    if requirement is not None and requirement.application_type_id != application.application_type_id:
        raise ApplicationError(_("That document is not one this application needs."))
    if application.documents.count() >= MAX_DOCUMENTS:
        raise ApplicationError(_("This application has as many documents as it can hold."))
    checked = _check_file(requirement, upload)
    document = ApplicationDocument(application=application, requirement=requirement,
                                   original_name=checked.original_name[:255] or "document",
                                   content_type=checked.content_type, size=len(checked.content),
                                   sha256=hashlib.sha256(checked.content).hexdigest())
    document.file.save(f"document.{checked.extension}", ContentFile(checked.content), save=False)
    try:
        with transaction.atomic():
            document.save()
            application.log_action("application.document_added", user=user,
                                   data={"document": document.pk, "type": checked.content_type, "size": document.size})
    except Exception:
        document.file.storage.delete(document.file.name)  # no orphan file when the row cannot be written
        raise
    return document


def remove_document(document: ApplicationDocument, *, user) -> None:
    application = document.application
    _require_draft(application)
    with transaction.atomic():
        application.log_action("application.document_removed", user=user, data={"document": document.pk})
        name = document.file.name
        document.delete()
        transaction.on_commit(lambda: document.file.storage.delete(name))


def missing_documents(application: Application) -> list[DocumentRequirement]:
    have = set(application.documents.values_list("requirement_id", flat=True))
    return [r for r in application.application_type.requirements.all() if r.required and r.pk not in have]


def submit(application: Application, *, user, now: dt.datetime | None = None) -> Application:
    """Send a complete draft: every required question that applies answered, every required document
    uploaded. Stores the answers as a form-engine response, computes the fee, starts the clock (deadlines
    counted in business days from today, the jurisdiction's day) and puts it at the intake check."""
    _require_draft(application)
    now = now or timezone.now()
    kind = application.application_type
    sections = kind.form.ordered_sections()
    missing = engine.missing_required(sections, application.answers)
    if missing:
        raise ApplicationError(_("Answer this question: %(question)s") % {"question": pick(missing[0].text)})
    lacking = missing_documents(application)
    if lacking:
        raise ApplicationError(_("Upload this document: %(document)s") % {"document": pick(lacking[0].name)})
    check(_applicant_limit(user))
    calendar = deadlines.calendar_for(application.jurisdiction)
    today = deadlines.local_day(application.jurisdiction, now)
    first = kind.ordered_steps()[0]
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        _require_draft(locked)
        response = engine.save_response(kind.form, locked.answers, language=locked.language)
        locked.response = response
        locked.fee_cents = kind.fee_cents(locked.answers)
        locked.status, locked.submitted_at = Status.SUBMITTED, now
        locked.step, locked.department = first, first.department
        locked.intake_due_on = deadlines.add_business_days(calendar, today, kind.intake_days)
        locked.decision_due_on = deadlines.add_business_days(calendar, today, kind.decision_days)
        locked.save()
        locked.log_action("application.submitted", user=user,
                          data={"fee_cents": locked.fee_cents, "decision_due_on": str(locked.decision_due_on)})
        _tell_applicant(locked, _event(locked, Event.Kind.SUBMITTED, user=user))
        hooks.changed(locked, "submitted")
    return locked


def withdraw(application: Application, *, user, now: dt.datetime | None = None) -> None:
    """The applicant withdraws a draft or an application not yet decided."""
    if application.status not in Application.WITHDRAWABLE:
        raise ApplicationError(_("This application has been decided: it can no longer be withdrawn."))
    check(_applicant_limit(user))
    with transaction.atomic():
        was = application.status
        application.status, application.paused_since = Status.WITHDRAWN, None
        application.save(update_fields=["status", "paused_since", "updated_at"])
        application.log_action("application.withdrawn", user=user, data={"was": was})
        event = _event(application, Event.Kind.WITHDRAWN, user=user)
        hooks.changed(application, "withdrawn")
        if was != Status.DRAFT:
            _tell_applicant(application, event)


def provide_information(application: Application, *, user, message: str, now: dt.datetime | None = None) -> None:
    """The applicant answers a request for more information (documents uploaded before this call count with
    it). The application goes back to where it was; a paused clock restarts, and both deadlines move by the
    business days the pause held."""
    if application.status != Status.INFO_REQUESTED:
        raise ApplicationError(_("Nothing has been asked of you on this application."))
    message = (message or "").strip()
    if not message:
        raise ApplicationError(_("Write your answer."))
    check(_applicant_limit(user))
    now = now or timezone.now()
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("jurisdiction").get(pk=application.pk)
        held = _resume_clock(locked, now)
        locked.status = locked.paused_status or Status.IN_REVIEW
        locked.paused_status = ""
        locked.save()
        locked.log_action("application.information_provided", user=user, data={"paused_business_days": held})
        _event(locked, Event.Kind.INFO_PROVIDED, user=user, message=message[:5000])
    application.refresh_from_db()


def _resume_clock(application: Application, now: dt.datetime) -> int:
    """Move the deadlines by the business days the pause held (when the type pauses the clock); returns them."""
    if application.paused_since is None:
        return 0
    held = 0
    if application.application_type.pauses_clock:
        calendar = deadlines.calendar_for(application.jurisdiction)
        held = deadlines.business_days_between(calendar, deadlines.local_day(application.jurisdiction,
                                                                             application.paused_since),
                                               deadlines.local_day(application.jurisdiction, now))
        if held:
            application.intake_due_on = deadlines.add_business_days(calendar, application.intake_due_on, held)
            application.decision_due_on = deadlines.add_business_days(calendar, application.decision_due_on, held)
    application.paused_since = None
    return held


# --- the reviewers' side ----------------------------------------------------------------------------------

def _require_active(application: Application) -> None:
    if not application.is_active():
        raise ApplicationError(_("This application is closed."))


def set_check(application: Application, *, user, item: int, done: bool) -> None:
    """Tick (or untick) an item of the current step's checklist; audited."""
    _require_active(application)
    step = application.step
    if step is None or not 0 <= item < len(step.checklist or []):
        raise ApplicationError(_("That is not an item of this step's checklist."))
    with transaction.atomic():
        if done:
            ChecklistMark.objects.get_or_create(application=application, step=step, item=item,
                                                defaults={"user": user})
        else:
            ChecklistMark.objects.filter(application=application, step=step, item=item).delete()
        application.log_action("application.checklist", user=user, data={"step": step.pk, "item": item, "done": done})


def complete_step(application: Application, *, user) -> Application:
    """Finish the current step (its checklist all ticked) and move to the next one, to that step's
    department; the reviewer is cleared. The decision step is finished by decide()."""
    _require_active(application)
    if application.status == Status.INFO_REQUESTED:
        raise ApplicationError(_("We are waiting for the applicant's information."))
    step = application.step
    if step is None or step.kind == ReviewStep.Kind.DECISION:
        raise ApplicationError(_("This is the decision: approve or deny the application."))
    from .fees import require_fee_before_review

    require_fee_before_review(application)
    from .gates import check_before_step

    check_before_step(application, step)
    ticked = set(ChecklistMark.objects.filter(application=application, step=step).values_list("item", flat=True))
    if len(ticked) < len(step.checklist or []):
        raise ApplicationError(_("Tick every item of the checklist first."))
    steps = application.application_type.ordered_steps()
    following = next(s for s in steps if (s.position, s.pk) > (step.position, step.pk))
    with transaction.atomic():
        application.step, application.department, application.assignee = following, following.department, None
        application.status = Status.IN_REVIEW
        application.save()
        application.log_action("application.step_completed", user=user, data={"step": step.pk, "next": following.pk})
        _event(application, Event.Kind.STEP_DONE, user=user, message=str(step), internal=True)
    return application


def add_note(application: Application, *, user, message: str) -> Event:
    message = (message or "").strip()
    if not message:
        raise ApplicationError(_("Write the note."))
    with transaction.atomic():
        event = _event(application, Event.Kind.NOTE, user=user, message=message[:5000], internal=True)
        application.log_action("application.note_added", user=user, data={"event": event.pk})
    return event


def assign(application: Application, *, user, department=None, assignee=None) -> None:
    """Send the application to another department of its jurisdiction and/or a reviewer; audited."""
    _require_active(application)
    if department is not None and department.jurisdiction_id != application.jurisdiction_id:
        raise ApplicationError(_("That department belongs to another jurisdiction."))
    if assignee is not None and not assignee.memberships.filter(jurisdiction_id=application.jurisdiction_id).exists():
        raise ApplicationError(_("That person has no seat in this jurisdiction."))
    with transaction.atomic():
        before = (application.department_id, application.assignee_id)
        application.department, application.assignee = department, assignee
        application.save(update_fields=["department", "assignee", "updated_at"])
        application.log_action("application.assigned", user=user,
                               data={"before": list(before), "department": getattr(department, "pk", None),
                                     "assignee": getattr(assignee, "pk", None)})
        names = ", ".join(str(x) for x in (department, assignee and assignee.get_full_name()) if x)
        _event(application, Event.Kind.ASSIGNED, user=user, message=names, internal=True)


def request_information(application: Application, *, user, message: str, now: dt.datetime | None = None) -> None:
    """Ask the applicant for more (the message is sent to them); the clock pauses when the type says so."""
    _require_active(application)
    if application.status == Status.INFO_REQUESTED:
        raise ApplicationError(_("We are already waiting for the applicant's information."))
    message = (message or "").strip()
    if not message:
        raise ApplicationError(_("Write what the applicant should send."))
    check(Limit(f"applications:info:{application.pk}", INFO_REQUESTS_PER_APPLICATION_PER_DAY, 86400))
    now = now or timezone.now()
    with transaction.atomic():
        application.paused_status, application.status = application.status, Status.INFO_REQUESTED
        application.paused_since = now
        application.save()
        application.log_action("application.information_requested", user=user,
                               data={"clock_paused": application.application_type.pauses_clock})
        _tell_applicant(application, _event(application, Event.Kind.INFO_REQUESTED, user=user, message=message[:5000]))


def record_fee(application: Application, *, user, now: dt.datetime | None = None) -> None:
    """Record the fee as received (at the counter, by cheque); audited. Online payment joins with payments."""
    if application.status in (Status.DRAFT, Status.WITHDRAWN):
        raise ApplicationError(_("This application has no fee to receive."))
    if application.fee_received_at is not None:
        raise ApplicationError(_("The fee was already recorded as received."))
    with transaction.atomic():
        application.fee_received_at = now or timezone.now()
        application.save(update_fields=["fee_received_at", "updated_at"])
        application.log_action("application.fee_received", user=user, data={"fee_cents": application.fee_cents})
        _event(application, Event.Kind.FEE_RECEIVED, user=user, message=application.fee_display())


def decide(application: Application, *, user, approve: bool, reasons: str, now: dt.datetime | None = None
           ) -> Permit | None:
    """Approve or deny, with reasons the applicant reads. Only at the decision step, only when not waiting
    for the applicant, and (to approve) only once a fee due has been received. Approving issues the permit
    (valid for the type's `valid_days` from today, the jurisdiction's day; for a renewal, from the old
    permit's expiry when that is later)."""
    _require_active(application)
    reasons = (reasons or "").strip()
    if not reasons:
        raise ApplicationError(_("Give the reasons for the decision."))
    if application.step is None or application.step.kind != ReviewStep.Kind.DECISION:
        raise ApplicationError(_("Finish the review steps before deciding."))
    if application.status == Status.INFO_REQUESTED:
        raise ApplicationError(_("We are waiting for the applicant's information."))
    if approve and application.fee_cents and application.fee_received_at is None:
        raise ApplicationError(_("Record the fee as received before approving."))
    if approve:
        from .gates import check_before_step

        check_before_step(application, application.step)
    now = now or timezone.now()
    permit = None
    with transaction.atomic():
        application.status = Status.APPROVED if approve else Status.DENIED
        application.decided_at, application.decision_reasons = now, reasons[:5000]
        application.save()
        application.log_action("application.approved" if approve else "application.denied", user=user)
        if approve:
            days = application.application_type.valid_days
            starts = deadlines.local_day(application.jurisdiction, now)
            renewed = application.renews
            if renewed is not None and renewed.valid_until is not None and renewed.valid_until > starts:
                starts = renewed.valid_until  # a renewal continues the old licence, from its expiry
            permit = Permit.objects.create(application=application, issued_at=now, valid_from=starts,
                                           valid_until=starts + dt.timedelta(days=days) if days else None)
            permit.log_action("permit.issued", user=user, data={"application": application.pk})
        event = _event(application, Event.Kind.APPROVED if approve else Event.Kind.DENIED, user=user,
                       message=reasons[:5000])
        _tell_applicant(application, event)
    return permit


def revoke(permit: Permit, *, user, reason: str, now: dt.datetime | None = None) -> None:
    """Revoke an issued permit (its public page then says so); audited, the holder is told why."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for revoking it."))
    if permit.revoked_at is not None:
        raise ApplicationError(_("This permit is already revoked."))
    with transaction.atomic():
        permit.revoked_at, permit.revocation_reason = now or timezone.now(), reason[:2000]
        permit.save(update_fields=["revoked_at", "revocation_reason"])
        permit.log_action("permit.revoked", user=user, data={"reason": permit.revocation_reason})
        _tell_applicant(permit.application, _event(permit.application, Event.Kind.REVOKED, user=user, message=reason))


# --- the deadline sweep -----------------------------------------------------------------------------------

def sweep(now: dt.datetime | None = None) -> int:
    """Warn the staff who answer for each active, running (not paused) application whose current deadline
    (intake, then decision) is at most the type's `warn_days` business days away, or already past: once per
    deadline. A deadline moved by a pause is a new deadline and is warned about again. Returns the warnings
    sent. Safe to run twice (the mark and the message key make the second run a no-op)."""
    now = now or timezone.now()
    sent = 0
    candidates = (Application.objects.active().filter(paused_since__isnull=True)
                  .select_related("application_type", "jurisdiction", "step", "assignee", "department")
                  .order_by("decision_due_on", "id"))
    for application in candidates.iterator(chunk_size=500):
        which, due = application.current_deadline()
        if due is None:
            continue
        mark = f"{which}:{due.isoformat()}"
        if application.warned_for == mark:
            continue
        calendar = deadlines.calendar_for(application.jurisdiction)
        left = deadlines.business_days_left(calendar, deadlines.local_day(application.jurisdiction, now), due)
        if left > application.application_type.warn_days:
            continue
        with transaction.atomic():
            updated = Application.objects.filter(pk=application.pk, warned_for=application.warned_for,
                                                 paused_since__isnull=True).update(warned_for=mark)
            if not updated:
                continue  # another sweep got there first, or the applicant's pause began
            _event(application, Event.Kind.DEADLINE_WARNING, internal=True,
                   message=_("%(which)s deadline %(due)s: %(left)s business days left") % {
                       "which": which, "due": due.isoformat(), "left": left})
            application.log_action("application.deadline_warned", data={"deadline": which, "due": due.isoformat(),
                                                                        "business_days_left": left})
            notify(event="application.deadline_warning", key=f"application-deadline:{application.pk}:{mark}",
                   recipients=_staff_recipients(application), template="applications/email/deadline_warning",
                   scope="staff",
                   context={"application": application, "which": which, "due": due, "left": left,
                            "public_message": ""})
            sent += 1
    return sent
