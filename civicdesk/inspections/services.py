"""Inspections' multi-step work: publishing availability, booking (no double booking), results, reminders, and
the gate that holds a review step until an inspection passed. Each function is atomic; refused input raises
ApplicationError (words for the person who tried) and writes nothing."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.applications.models import Application, Event
from civicdesk.applications.services import ApplicationError, _event, _tell_applicant
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.lib import media
from civicdesk.notifications.services import notify
from civicdesk.subscriptions.services import recipient_for_user
from civicdesk.throttle.services import Limit, check

from .models import Booking, InspectionPhoto, InspectionRule, Slot

INSPECTOR_ROLES = (StaffMembership.Role.STAFF, StaffMembership.Role.SUPERVISOR)
#: Bookings one applicant may make per hour (each sends a confirmation).
BOOKINGS_PER_APPLICANT_PER_HOUR = 10
MAX_PHOTOS = 10
#: Reminders go out for inspections starting within this many hours.
REMIND_HOURS = 24


def rule_for(application: Application) -> InspectionRule | None:
    return InspectionRule.objects.select_related("before_step", "department").filter(
        application_type_id=application.application_type_id).first()


def is_inspector(user, department) -> bool:
    """True when `user` holds a staff or supervisor seat in `department` (or is a superuser)."""
    if getattr(user, "is_superuser", False):
        return True
    return StaffMembership.objects.filter(user=user, department=department, role__in=INSPECTOR_ROLES).exists()


def inspector_departments(user):
    """Departments whose inspections `user` may do: those of an inspection rule where they hold a seat."""
    from civicdesk.jurisdictions.models import Department

    ruled = Department.objects.filter(pk__in=InspectionRule.objects.values("department_id"))
    if getattr(user, "is_superuser", False):
        return ruled
    return ruled.filter(pk__in=StaffMembership.objects.filter(user=user, role__in=INSPECTOR_ROLES)
                        .values("department_id"))


def local_time(department, day: dt.date, time: dt.time) -> dt.datetime | None:
    """`time` on `day` as a clock in the department's jurisdiction shows it (aware, in that zone), or None when
    no such time exists there that day (skipped when the clocks go forward). Of a time that happens twice (the
    clocks go back), the first."""
    tz = department.jurisdiction.tz
    moment = dt.datetime.combine(day, time, tzinfo=tz)
    back = moment.astimezone(dt.UTC).astimezone(tz)
    return moment if back.replace(tzinfo=None) == moment.replace(tzinfo=None) else None


def add_slot(*, user, department, starts_at: dt.datetime, ends_at: dt.datetime, capacity: int) -> Slot:
    """Publish availability: a slot of the inspector `user` in `department`; audited (the times as the
    jurisdiction's clock shows them, with its zone). `starts_at` and `ends_at` are aware; a form builds them
    from what staff typed with `local_time()`."""
    if not is_inspector(user, department):
        raise ApplicationError(_("Only the department's staff publish its inspection times."))
    if ends_at <= starts_at:
        raise ApplicationError(_("The end must be after the start."))
    if starts_at <= timezone.now():
        raise ApplicationError(_("Choose a time in the future."))
    if not 1 <= capacity <= 20:
        raise ApplicationError(_("A slot holds between 1 and 20 inspections."))
    with transaction.atomic():
        slot = Slot.objects.create(department=department, inspector=user, starts_at=starts_at, ends_at=ends_at,
                                   capacity=capacity)
        slot.log_action("inspection.slot_added", user=user, data={
            "starts_at": slot.local_starts_at().isoformat(), "ends_at": slot.local_ends_at().isoformat(),
            "time_zone": department.jurisdiction.time_zone, "capacity": capacity})
    return slot


def open_slots(application: Application):
    """Future slots of the rule's department with a place left, soonest first."""
    rule = rule_for(application)
    if rule is None:
        return Slot.objects.none()
    return (Slot.objects.filter(department=rule.department, starts_at__gt=timezone.now(),
                                booked__lt=F("capacity")).select_related("inspector", "department__jurisdiction")
            .order_by("starts_at", "id"))


def needs_booking(application: Application) -> bool:
    """True when the type needs an inspection, the application is open, and it has neither an open booking
    nor a passed inspection (a failed one is booked again)."""
    if rule_for(application) is None or not application.is_active():
        return False
    return not application.inspections.filter(status__in=[Booking.Status.BOOKED, Booking.Status.PASSED]).exists()


def book(application: Application, *, user, slot: Slot) -> Booking:
    """The applicant books `slot`. The place is taken by one conditional UPDATE (`booked < capacity`), and one
    open booking per application is a unique constraint, so concurrent bookers never overfill a slot or book
    twice. The applicant is told through notify()."""
    if application.applicant_id != user.pk:
        raise ApplicationError(_("You have no application with that number."))
    if not needs_booking(application):
        raise ApplicationError(_("This application has no inspection to book."))
    rule = rule_for(application)
    if slot.department_id != rule.department_id or slot.starts_at <= timezone.now():
        raise ApplicationError(_("That time cannot be booked. Please choose another."))
    check(Limit(f"inspections:book:{user.pk}", BOOKINGS_PER_APPLICANT_PER_HOUR, 3600),
          message=_("Too many bookings. Please wait an hour and try again."))
    try:
        with transaction.atomic():
            if not Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1):
                raise ApplicationError(_("That time was just taken. Please choose another."))
            booking = Booking.objects.create(slot=slot, application=application)
            booking.log_action("inspection.booked", user=user, data={"slot": slot.pk,
                                                                     "starts_at": slot.local_starts_at().isoformat()})
            event = _event(application, Event.Kind.INSPECTION_BOOKED, user=user, message=slot.when_text())
            _tell_applicant(application, event)
    except IntegrityError:
        raise ApplicationError(_("This application already has an inspection booked.")) from None
    return booking


def record_result(booking: Booking, *, user, passed: bool, notes: str, photos=()) -> Booking:
    """The inspector records pass or fail with notes (required for a fail) and photos (checked and re-encoded);
    audited, in the timeline, the applicant told. A result is recorded once."""
    notes = (notes or "").strip()
    if not is_inspector(user, booking.slot.department):
        raise ApplicationError(_("Only the department's inspectors record results."))
    if booking.status != Booking.Status.BOOKED:
        raise ApplicationError(_("This inspection's result is already recorded."))
    if not passed and not notes:
        raise ApplicationError(_("Say what must be fixed before the next inspection."))
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise ApplicationError(_("At most 10 photos per inspection."))
    processed = []
    for upload in photos:
        try:
            found = media.process_upload(upload)
        except media.MediaError as exc:
            raise ApplicationError(str(exc)) from exc
        if found.kind != "photo":
            raise ApplicationError(_("Only photos can be added to an inspection."))
        processed.append(found)
    stored = []
    try:
        with transaction.atomic():
            locked = Booking.objects.select_for_update().get(pk=booking.pk)
            if locked.status != Booking.Status.BOOKED:
                raise ApplicationError(_("This inspection's result is already recorded."))
            locked.status = Booking.Status.PASSED if passed else Booking.Status.FAILED
            locked.notes, locked.recorded_by, locked.recorded_at = notes[:5000], user, timezone.now()
            locked.save()
            for found in processed:
                photo = InspectionPhoto(booking=locked, content_type=found.content_type)
                photo.image.save(f"photo.{found.extension}", ContentFile(found.content), save=False)
                stored.append(photo.image.name)
                photo.save()
            locked.log_action(f"inspection.{locked.status}", user=user, data={"photos": len(processed)})
            application = locked.application
            kind = Event.Kind.INSPECTION_PASSED if passed else Event.Kind.INSPECTION_FAILED
            _tell_applicant(application, _event(application, kind, user=user, message=notes[:5000]))
    except Exception:
        for name in stored:
            InspectionPhoto.image.field.storage.delete(name)
        raise
    return locked


def require_passed_inspection(application: Application, step) -> None:
    """applications.gates callback: the rule's step cannot be finished before an inspection passed."""
    rule = rule_for(application)
    if rule is None or step is None or rule.before_step_id != step.pk:
        return
    if not application.inspections.filter(status=Booking.Status.PASSED).exists():
        raise ApplicationError(_("An inspection must pass before this step."))


def send_reminders(now: dt.datetime | None = None) -> int:
    """Remind applicants of inspections starting within 24 hours, once per booking (notify()'s key)."""
    now = now or timezone.now()
    sent = 0
    for booking in (Booking.objects.filter(status=Booking.Status.BOOKED, slot__starts_at__gt=now,
                                           slot__starts_at__lte=now + dt.timedelta(hours=REMIND_HOURS))
                    .select_related("slot__department__jurisdiction", "application__applicant",
                                    "application__application_type")):
        recipient = recipient_for_user(booking.application.applicant)
        if recipient is None:
            continue
        sent += notify(event="inspection.reminder", key=f"inspection-reminder:{booking.pk}", recipients=[recipient],
                       template="inspections/email/reminder", scope=f"application:{booking.application_id}",
                       context={"booking": booking, "application": booking.application, "slot": booking.slot})
    return sent


def inspector_zones(user) -> list[zoneinfo.ZoneInfo]:
    """The time zones of the jurisdictions the inspector's slots (else their departments) are in, the main one
    first: the one the inspector's "today" is read in. The server's zone when they have neither."""
    names = list(Slot.objects.filter(inspector=user).values_list("department__jurisdiction__time_zone", flat=True)
                 .order_by().distinct())
    if not names:
        names = list(inspector_departments(user).values_list("jurisdiction__time_zone", flat=True).order_by()
                     .distinct())
    return [zoneinfo.ZoneInfo(name) for name in sorted(set(names))] or [timezone.get_default_timezone()]


def bookings_on_day(user, day: dt.date):
    """The bookings in the inspector's slots starting on `day`, the day as each slot's jurisdiction's clock
    reads it (not the server's), in time order."""
    within = Q(pk__in=[])
    for tz in inspector_zones(user):
        start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        within |= Q(slot__department__jurisdiction__time_zone=str(tz), slot__starts_at__gte=start,
                    slot__starts_at__lt=end)
    return (Booking.objects.filter(within, slot__inspector=user)
            .select_related("slot__department__jurisdiction", "application__application_type",
                            "application__applicant").order_by("slot__starts_at", "id"))


def open_bookings_of_type(application_type) -> int:
    """Inspections booked (no result yet) on applications of `application_type`."""
    return Booking.objects.filter(application__application_type=application_type,
                                  status=Booking.Status.BOOKED).count()


def set_rule(application_type, *, user, enabled: bool, department=None, before_step=None) -> InspectionRule | None:
    """Turn the type's inspection requirement on (or change it) or off; audited on the type. The department must
    be one of the type's jurisdiction and the step one of the type's. Turning it off, or moving it to another
    department, is refused while inspections are booked without a result; bookings and results already
    recorded are never deleted (a Booking belongs to its application, not to the rule)."""
    from civicdesk.applications.models import ApplicationType

    with transaction.atomic():
        # One administrator at a time changes a type's rule (the open-bookings check and the write agree).
        ApplicationType.objects.select_for_update().filter(pk=application_type.pk).first()
        rule = InspectionRule.objects.filter(application_type=application_type).first()
        if not enabled:
            if rule is None:
                return None
            if open_bookings_of_type(application_type):
                raise ApplicationError(_("Inspections are booked on this type and have no result yet. Record "
                                         "their results first, then turn the requirement off."))
            application_type.log_action("inspection.rule_off", user=user, data={
                "department": rule.department_id, "before_step": rule.before_step_id})
            rule.delete()
            return None
        if department is None or department.jurisdiction_id != application_type.jurisdiction_id:
            raise ApplicationError(_("Choose a department of this type's jurisdiction."))
        if before_step is None or before_step.application_type_id != application_type.pk:
            raise ApplicationError(_("Choose one of this type's review steps."))
        if rule is not None and rule.department_id != department.pk and open_bookings_of_type(application_type):
            raise ApplicationError(_("Inspections are booked with the current department and have no result "
                                     "yet. Record their results first, then choose another department."))
        data = {"department": department.pk, "before_step": before_step.pk}
        if rule is None:
            rule = InspectionRule.objects.create(application_type=application_type, department=department,
                                                 before_step=before_step)
            application_type.log_action("inspection.rule_on", user=user, data=data)
        elif (rule.department_id, rule.before_step_id) != (department.pk, before_step.pk):
            data["was"] = {"department": rule.department_id, "before_step": rule.before_step_id}
            rule.department, rule.before_step = department, before_step
            rule.save(update_fields=["department", "before_step"])
            application_type.log_action("inspection.rule_changed", user=user, data=data)
    return rule
