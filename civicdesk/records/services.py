"""Multi-step work on public-records requests: acknowledging, asking for clarification, extending the answer
deadline, gathering responsive documents and marking exemptions, releasing through an expiring signed link,
and the requester asking for a new link. Each function is atomic: refused input raises RecordsError (words for
the person who tried) and writes nothing; every staff write is audited and every step is sent to the requester
through notify().
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.applications import deadlines
from civicdesk.applications import services as applications
from civicdesk.applications.models import Application, Event, ReviewStep
from civicdesk.formengine.models import Question
from civicdesk.lib import documents as checks
from civicdesk.lib.media import MediaError
from civicdesk.notifications.services import notify
from civicdesk.subscriptions.services import recipient_for_user
from civicdesk.throttle.services import Limit, check

from .models import ExemptionReason, Extension, Outcome, RecordsRequest, ResponsiveDocument

Status = Application.Status
Treatment = ResponsiveDocument.Treatment
MB = 1024 * 1024
#: Largest responsive document staff upload.
MAX_DOCUMENT_MB = 25
#: Responsive documents on one request.
MAX_DOCUMENTS = 200
#: New release links a requester may ask for per request per day (each sends a message).
NEW_LINKS_PER_DAY = 3
#: Extensions and acknowledgements are limited by the policy; messages to one requester per day overall.
MESSAGES_PER_REQUEST_PER_DAY = 20
LINK_SALT = "civicdesk.records.release"
ACCEPTED_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  "application/vnd.oasis.opendocument.text", "text/csv",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "application/vnd.oasis.opendocument.spreadsheet"}


ApplicationError = applications.ApplicationError


class RecordsError(ApplicationError):
    """A change refused, with words for the person who tried."""


def is_records_application(application: Application) -> bool:
    return hasattr(application.application_type, "records_policy")


def default_summary(application: Application) -> str:
    """What the request asks for, the answer to the form's first free-text question: the log's summary until
    staff edit it. Only that answer: never the requester's name or contact details."""
    for question in application.application_type.form.questions_in_order():
        value = application.answers.get(question.field_name)
        if question.kind == Question.Kind.TEXT and isinstance(value, str) and value.strip():
            return value.strip()[:2000]
    return ""


def records_for(application: Application) -> RecordsRequest:
    """The records side of a submitted records application, created on first use (with its default summary)."""
    if not is_records_application(application):
        raise RecordsError(_("This application is not a public-records request."))
    found, _created = RecordsRequest.objects.get_or_create(
        application=application, defaults={"public_summary": default_summary(application)})
    found.application = application
    return found


def _tell_requester(records: RecordsRequest, event: Event, *, link: str = "") -> None:
    """The requester's message about `event` (their channels and language; at most once per event)."""
    application = records.application
    recipient = recipient_for_user(application.applicant)
    if recipient is None:
        return
    notify(event=f"records.{event.kind}", key=f"records-event:{event.pk}", recipients=[recipient],
           template="records/email/update", scope=f"application:{application.pk}",
           context={"records": records, "application": application, "event": event, "link": link,
                    "public_message": ""})


def _event(application: Application, kind: str, *, user, message: str = "") -> Event:
    return Event.objects.create(application=application, kind=kind, user=user, message=message)


def _require_open(application: Application) -> None:
    if not application.is_active():
        raise RecordsError(_("This request is closed."))


# --- the clock ----------------------------------------------------------------------------------------------

def acknowledge(application: Application, *, user, message: str = "", now: dt.datetime | None = None
                ) -> RecordsRequest:
    """Acknowledge the request (the intake step is done; the answer deadline stays as it is) and tell the
    requester, with staff's message when given."""
    _require_open(application)
    records = records_for(application)
    if records.acknowledged_at is not None or application.step is None \
            or application.step.kind != ReviewStep.Kind.INTAKE:
        raise RecordsError(_("This request has already been acknowledged."))
    if application.status == Status.INFO_REQUESTED:
        raise RecordsError(_("We are waiting for the requester's clarification."))
    with transaction.atomic():
        applications.complete_step(application, user=user)
        records.acknowledged_at = now or timezone.now()
        records.save(update_fields=["acknowledged_at"])
        records.log_action("records.acknowledged", user=user)
        _tell_requester(records, _event(application, Event.Kind.ACKNOWLEDGED, user=user,
                                        message=(message or "").strip()[:5000]))
    return records


def ask_clarification(application: Application, *, user, message: str) -> None:
    """Ask the requester to clarify (the message is sent to them); the clock pauses until they answer on
    their application's page (applications.services.request_information / provide_information)."""
    records_for(application)
    applications.request_information(application, user=user, message=message)


def extend(application: Application, *, user, days: int, reason: str) -> Extension:
    """Move the answer deadline `days` business days later, for a reason the requester is sent. At most the
    policy's `max_extensions`, each at most `max_extension_days`; audited."""
    _require_open(application)
    records = records_for(application)
    policy = application.application_type.records_policy
    reason = (reason or "").strip()
    if not reason:
        raise RecordsError(_("Give the reason for the extension: the requester reads it."))
    if not 1 <= days <= policy.max_extension_days:
        raise RecordsError(_("An extension is from 1 to %(days)s business days.") % {"days": policy.max_extension_days})
    check(Limit(f"records:messages:{application.pk}", MESSAGES_PER_REQUEST_PER_DAY, 86400))
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("jurisdiction").get(pk=application.pk)
        if records.extensions.count() >= policy.max_extensions:
            raise RecordsError(_("This request has had every extension the law allows (%(count)s).")
                               % {"count": policy.max_extensions})
        calendar = deadlines.calendar_for(locked.jurisdiction)
        before = locked.decision_due_on
        locked.decision_due_on = deadlines.add_business_days(calendar, before, days)
        locked.save(update_fields=["decision_due_on", "updated_at"])
        extension = Extension.objects.create(records_request=records, days=days, reason=reason[:5000],
                                             due_before=before, due_after=locked.decision_due_on, user=user)
        records.log_action("records.extended", user=user, data={"days": days, "due_before": str(before),
                                                                "due_after": str(locked.decision_due_on)})
        message = _("New answer deadline: %(due)s. Reason: %(reason)s") % {
            "due": locked.decision_due_on.isoformat(), "reason": extension.reason}
        records.application = locked
        _tell_requester(records, _event(locked, Event.Kind.EXTENDED, user=user, message=message))
    application.refresh_from_db()
    return extension


# --- responsive documents -----------------------------------------------------------------------------------

def _checked(upload) -> checks.CheckedFile:
    """The upload checked by its content (PDF, office documents, spreadsheets, CSV, photos or scans)."""
    try:
        checked = checks.check_document(upload, limit=MAX_DOCUMENT_MB * MB, allow_images=True)
    except MediaError as exc:
        raise RecordsError(str(exc)) from exc
    if checked.content_type not in ACCEPTED_TYPES:
        raise RecordsError(str(checks.not_accepted()))
    return checked


def _store(field, checked: checks.CheckedFile) -> None:
    field.save(f"record.{checked.extension}", ContentFile(checked.content), save=False)


def add_document(application: Application, *, user, upload) -> ResponsiveDocument:
    """Add a responsive document (checked by its content first: nothing is stored when refused); audited."""
    _require_open(application)
    records = records_for(application)
    if records.documents.count() >= MAX_DOCUMENTS:
        raise RecordsError(_("This request has as many documents as it can hold."))
    checked = _checked(upload)
    document = ResponsiveDocument(records_request=records, original_name=checked.original_name[:255] or "record",
                                  content_type=checked.content_type, size=len(checked.content),
                                  sha256=hashlib.sha256(checked.content).hexdigest())
    _store(document.file, checked)
    try:
        with transaction.atomic():
            document.save()
            records.log_action("records.document_added", user=user,
                               data={"document": document.pk, "type": checked.content_type, "size": document.size})
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    return document


def mark_document(document: ResponsiveDocument, *, user, treatment: str, exemption: ExemptionReason | None,
                  in_public_log: bool, redacted_upload=None) -> ResponsiveDocument:
    """Decide a document's fate before release: release in full, release in part (a redacted version uploaded,
    now or earlier) or withhold; withholding in part or in full needs an exemption of the request's
    jurisdiction. Audited."""
    records = document.records_request
    application = records.application
    _require_open(application)
    if treatment not in Treatment.values:
        raise RecordsError(_("Choose release in full, in part or withhold."))
    if treatment == Treatment.RELEASE:
        exemption = None
    elif exemption is None:
        raise RecordsError(_("Choose the legal reason (exemption) for withholding."))
    if exemption is not None and exemption.jurisdiction_id != application.jurisdiction_id:
        raise RecordsError(_("That exemption belongs to another jurisdiction."))
    checked = _checked(redacted_upload) if redacted_upload is not None else None
    if treatment == Treatment.PARTIAL and checked is None and not document.redacted_file:
        raise RecordsError(_("Upload the redacted version to release this document in part."))
    old_file = document.redacted_file.name if checked is not None else ""
    document.treatment, document.exemption, document.in_public_log = treatment, exemption, in_public_log
    if checked is not None:
        _store(document.redacted_file, checked)
        document.redacted_content_type = checked.content_type
    with transaction.atomic():
        document.save()
        records.log_action("records.document_marked", user=user, data={
            "document": document.pk, "treatment": treatment, "exemption": getattr(exemption, "code", None),
            "in_public_log": in_public_log, "redacted": bool(document.redacted_file)})
        if old_file:
            transaction.on_commit(lambda: document.file.storage.delete(old_file))
    return document


def update_summary(records: RecordsRequest, *, user, summary: str) -> None:
    """Staff's public summary of the request for the log; audited."""
    summary = (summary or "").strip()
    if not summary:
        raise RecordsError(_("Write the public summary."))
    with transaction.atomic():
        records.public_summary = summary[:2000]
        records.save(update_fields=["public_summary"])
        records.log_action("records.summary_changed", user=user)


# --- release ------------------------------------------------------------------------------------------------

def _check_outcome(outcome: str, documents: list[ResponsiveDocument]) -> None:
    releasable = [d for d in documents if d.is_releasable()]
    unfinished = [d for d in documents if d.treatment == Treatment.PARTIAL and not d.redacted_file]
    exempt = [d for d in documents if d.treatment != Treatment.RELEASE]
    if unfinished:
        raise RecordsError(_("Upload the redacted version of every document released in part."))
    if outcome == Outcome.GRANTED and (not documents or exempt):
        raise RecordsError(_("Granted in full: every document must be released in full."))
    if outcome == Outcome.PARTIAL and (not releasable or not exempt):
        raise RecordsError(_("Granted in part: release at least one document and withhold or redact at least one."))
    if outcome == Outcome.DENIED and (not documents or releasable):
        raise RecordsError(_("Denied: every document must be withheld, with its exemption."))
    if outcome == Outcome.NO_RECORDS and documents:
        raise RecordsError(_("No responsive records: documents were found, so choose another outcome."))


def release(application: Application, *, user, outcome: str, message: str = "", now: dt.datetime | None = None
            ) -> RecordsRequest:
    """Close the request with its outcome and send the requester the signed download link (when anything is
    released). Refused while waiting for the requester's clarification, or when the outcome does not match the
    documents' treatments. The application ends APPROVED (granted in full or in part) or DENIED (denied, no
    records)."""
    _require_open(application)
    if outcome not in (Outcome.GRANTED, Outcome.PARTIAL, Outcome.DENIED, Outcome.NO_RECORDS):
        raise RecordsError(_("Choose the outcome."))
    if application.status == Status.INFO_REQUESTED:
        raise RecordsError(_("We are waiting for the requester's clarification."))
    records = records_for(application)
    documents = list(records.documents.all())
    _check_outcome(outcome, documents)
    now = now or timezone.now()
    calendar = deadlines.calendar_for(application.jurisdiction)
    submitted = deadlines.local_day(application.jurisdiction, application.submitted_at or now)
    released = deadlines.local_day(application.jurisdiction, now)
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("jurisdiction", "application_type",
                                                                         "applicant").get(pk=application.pk)
        _require_open(locked)
        granted = outcome in (Outcome.GRANTED, Outcome.PARTIAL)
        locked.status = Status.APPROVED if granted else Status.DENIED
        locked.decided_at, locked.decision_reasons = now, (message or "").strip()[:5000] or str(Outcome(outcome).label)
        locked.paused_since = None
        locked.save()
        records.application = locked
        records.outcome, records.released_at = outcome, now
        records.release_note = (message or "").strip()[:5000]
        records.business_days_taken = deadlines.business_days_between(
            calendar, submitted + dt.timedelta(days=1), released + dt.timedelta(days=1))
        records.links_sent = 1 if granted else 0
        records.save()
        records.log_action("records.released", user=user, data={
            "outcome": outcome, "released": [d.pk for d in documents if d.is_releasable()],
            "withheld": [d.pk for d in documents if not d.is_releasable()]})
        event = _event(locked, Event.Kind.RELEASED, user=user,
                       message=f"{Outcome(outcome).label}. {records.release_note}".strip())
        _tell_requester(records, event, link=release_url(records) if granted else "")
    application.refresh_from_db()
    return records


def on_application_change(application: Application, what: str) -> None:
    """The applications hook (civicdesk/applications/hooks.py): a submitted records request gets its records
    side (so the public log lists it at once); a withdrawn one gets the WITHDRAWN outcome."""
    if not is_records_application(application):
        return
    records = records_for(application)
    if what == "withdrawn" and not records.outcome:
        records.outcome = Outcome.WITHDRAWN
        records.save(update_fields=["outcome"])


# --- the signed link ----------------------------------------------------------------------------------------

def release_token(records: RecordsRequest) -> str:
    """A signed, timestamped token naming the request: the release link; it expires after the policy's
    `link_days` (checked by read_release_token)."""
    return signing.dumps({"r": records.application_id}, salt=LINK_SALT, compress=True)


def release_url(records: RecordsRequest) -> str:
    return reverse("records:release", args=[release_token(records)])


class LinkExpired(Exception):
    """A genuine release link past its time: the page says how to ask for a new one."""

    def __init__(self, records: RecordsRequest):
        super().__init__("release link expired")
        self.records = records


def read_release_token(token: str) -> RecordsRequest | None:
    """The released request the token names; None when the token is not genuine or names nothing released;
    LinkExpired when it is genuine but older than the policy's `link_days`."""
    try:
        pk = int(signing.loads(token, salt=LINK_SALT)["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    records = (RecordsRequest.objects.select_related("application__application_type__records_policy",
                                                     "application__jurisdiction")
               .filter(application_id=pk, released_at__isnull=False).first())
    if records is None:
        return None
    max_age = dt.timedelta(days=records.application.application_type.records_policy.link_days)
    try:
        signing.loads(token, salt=LINK_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkExpired(records) from exc
    except signing.BadSignature:
        return None
    return records


def send_new_link(application: Application, *, user) -> None:
    """The requester asks for a fresh link (the old one expired or was lost): sent like the first; limited
    per request per day."""
    records = records_for(application)
    if records.outcome not in (Outcome.GRANTED, Outcome.PARTIAL):
        raise RecordsError(_("Nothing has been released on this request yet."))
    check(Limit(f"records:new-link:{application.pk}", NEW_LINKS_PER_DAY, 86400))
    with transaction.atomic():
        locked = RecordsRequest.objects.select_for_update().get(pk=records.pk)
        locked.links_sent += 1
        locked.save(update_fields=["links_sent"])
        locked.application = application
        locked.log_action("records.link_resent", user=user, data={"links_sent": locked.links_sent})
        event = _event(application, Event.Kind.RELEASED, user=user, message=_("A new download link was sent."))
        _tell_requester(locked, event, link=release_url(locked))


# --- Settings: the records policy of a type and the jurisdiction's exemption reasons (staff console) ---------

#: The ranges the settings page accepts (also checked here, whatever the caller).
POLICY_RANGES = {"max_extensions": (0, 10), "max_extension_days": (1, 90), "link_days": (1, 365)}


@transaction.atomic
def update_policy(policy, *, user, max_extensions: int, max_extension_days: int, link_days: int) -> None:
    """Change a type's records policy; audited with the values before and after."""
    new = {"max_extensions": max_extensions, "max_extension_days": max_extension_days, "link_days": link_days}
    for name, value in new.items():
        low, high = POLICY_RANGES[name]
        if not isinstance(value, int) or not low <= value <= high:
            raise RecordsError(_("Each setting must be a whole number in its range."))
    before = {name: getattr(policy, name) for name in new}
    for name, value in new.items():
        setattr(policy, name, value)
    policy.save(update_fields=list(new))
    policy.log_action("records.policy_updated", user=user, data={"before": before, "after": new})


@transaction.atomic
def save_exemption(jurisdiction, *, user, reason: ExemptionReason | None = None, code: str = "", label: dict,
                   citation: str, position: int, is_active: bool) -> ExemptionReason:
    """Add an exemption reason to `jurisdiction` (`reason` None: `code` must be new there) or change one (its
    code stays: documents and messages already quote it). Audited."""
    if not label:
        raise RecordsError(_("Give the reason in at least the first language."))
    if reason is None:
        if ExemptionReason.objects.filter(jurisdiction=jurisdiction, code=code).exists():
            raise RecordsError(_("Another exemption reason already uses this code."))
        reason = ExemptionReason(jurisdiction=jurisdiction, code=code)
        action = "records.exemption_added"
    else:
        action = "records.exemption_changed"
    reason.label, reason.citation, reason.position, reason.is_active = label, citation, position, is_active
    reason.save()
    reason.log_action(action, user=user, data={"code": reason.code, "label": label, "citation": citation,
                                               "position": position, "is_active": is_active})
    return reason


@transaction.atomic
def move_exemption(reason: ExemptionReason, *, user, up: bool) -> None:
    """Swap a reason with its neighbour in the jurisdiction's order (positions renumbered 0, 1, 2...). Audited."""
    reasons = list(ExemptionReason.objects.select_for_update().filter(jurisdiction_id=reason.jurisdiction_id))
    index = next(n for n, found in enumerate(reasons) if found.pk == reason.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(reasons):
        reasons[index], reasons[other] = reasons[other], reasons[index]
    for position, found in enumerate(reasons):
        if found.position != position:
            found.position = position
            found.save(update_fields=["position"])
    reason.log_action("records.exemption_moved", user=user, data={"code": reason.code, "up": up,
                                                                  "order": [found.code for found in reasons]})


@transaction.atomic
def delete_exemption(reason: ExemptionReason, *, user) -> None:
    """Delete a reason no document cites; one that a document cites is refused (take it out of use instead)."""
    if reason.is_cited():
        raise RecordsError(_("A document cites this exemption reason, so it cannot be deleted. Take it out of use "
                             "instead: it stays on the documents that cite it and is no longer offered."))
    reason.log_action("records.exemption_deleted", user=user, data={"code": reason.code, "label": reason.label,
                                                                    "citation": reason.citation})
    reason.delete()


def settings_links(application_type) -> list[tuple[str, str]]:
    """The records settings pages of a records-request type, for its staff page (applications.hooks)."""
    if not hasattr(application_type, "records_policy"):
        return []
    return [(_("Records settings: extensions and download links"),
             reverse("records_staff:policy", args=[application_type.pk])),
            (_("Exemption reasons"), reverse("records_staff:exemptions", args=[application_type.jurisdiction_id]))]
