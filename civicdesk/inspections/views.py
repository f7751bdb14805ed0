"""Inspection pages: the applicant's booking (a panel on their application's page and its POST), the inspector's
availability, day list and phone-sized result page."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicdesk.applications import access as app_access
from civicdesk.applications.services import ApplicationError
from civicdesk.staff import access
from civicdesk.throttle.services import RateLimited

from . import services
from .models import Booking, Slot


def applicant_panel(request, application) -> str:
    """The inspection section of the applicant's page: the booking, the results, and the times to book."""
    rule = services.rule_for(application)
    if rule is None:
        return ""
    bookings = list(application.inspections.select_related("slot__department__jurisdiction")
                    .prefetch_related("photos"))
    needs = services.needs_booking(application)
    slots = list(services.open_slots(application)[:30]) if needs else []
    return render_to_string("inspections/_panel.html", {
        "application": application, "bookings": bookings, "slots": slots, "needs": needs,
        "failed": bool(bookings) and bookings[-1].status == Booking.Status.FAILED}, request=request)


@login_required
@require_POST
def book(request, pk: int):
    application = app_access.get_application_for_applicant(request.user, pk)
    slot = Slot.objects.filter(pk=request.POST.get("slot") or 0).first() if (request.POST.get("slot") or "").isdigit() \
        else None
    if slot is None:
        messages.error(request, _("Choose a time for the inspection."))
        return redirect(application.get_absolute_url())
    try:
        services.book(application, user=request.user, slot=slot)
    except ApplicationError as exc:
        messages.error(request, exc.messages[0])
    except RateLimited as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your inspection is booked. We sent you a confirmation."))
    return redirect(application.get_absolute_url())


def _require_inspector(user):
    access.require_staff(user)
    departments = services.inspector_departments(user)
    if not departments.exists():
        raise PermissionDenied(_("Only inspectors of a department that does inspections see this page."))
    return departments


def _may_configure(user) -> bool:
    """True when the user administers a jurisdiction: the pages link to the inspection settings."""
    return app_access.config_jurisdictions(user).exists()


class SlotForm(forms.Form):
    department = forms.ModelChoiceField(label=gettext_lazy("Department"), queryset=None,
                                        widget=forms.Select(attrs={"class": "usa-select"}))
    day = forms.DateField(label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date",
                                                                                      "class": "usa-input"}))
    start = forms.TimeField(label=gettext_lazy("From"), widget=forms.TimeInput(attrs={"type": "time",
                                                                                       "class": "usa-input"}))
    end = forms.TimeField(label=gettext_lazy("Until"), widget=forms.TimeInput(attrs={"type": "time",
                                                                                      "class": "usa-input"}))
    capacity = forms.IntegerField(label=gettext_lazy("Inspections in this slot"), min_value=1, max_value=20,
                                  initial=1, widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small"}))

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments.select_related("jurisdiction")
        zones = sorted({department.jurisdiction.time_zone for department in self.fields["department"].queryset})
        self.fields["start"].help_text = _("Local time of the department's jurisdiction (%(zones)s).") % {
            "zones": ", ".join(zones)}

    def clean(self):
        """The times typed, read on the jurisdiction's clock: `starts_at` and `ends_at` (aware)."""
        data = super().clean()
        department, day = data.get("department"), data.get("day")
        if department is None or day is None:
            return data
        for field, key in (("start", "starts_at"), ("end", "ends_at")):
            if data.get(field) is None:
                continue
            data[key] = services.local_time(department, day, data[field])
            if data[key] is None:
                self.add_error(field, _("There is no such time on that day in %(zone)s: the clocks go forward. "
                                        "Choose another time.") % {"zone": department.jurisdiction.time_zone})
        return data


@login_required
def availability(request):
    """The inspector's availability: add a slot; the slots to come with their bookings."""
    departments = _require_inspector(request.user)
    form = SlotForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_slot(user=request.user, department=data["department"], starts_at=data["starts_at"],
                              ends_at=data["ends_at"], capacity=data["capacity"])
        except ApplicationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Time added: applicants can book it now."))
            return redirect("inspections_staff:availability")
    slots = (Slot.objects.filter(inspector=request.user, ends_at__gte=timezone.now())
             .select_related("department__jurisdiction").order_by("starts_at")[:100])
    return render(request, "inspections/availability.html", {"form": form, "slots": slots,
                                                             "today": _today(request.user),
                                                             "may_configure": _may_configure(request.user)})


def _today(user) -> dt.date:
    """Today on the clock of the inspector's (main) jurisdiction."""
    return timezone.now().astimezone(services.inspector_zones(user)[0]).date()


@login_required
def day(request):
    """The inspector's day: the inspections booked in their slots on one day (on the jurisdiction's clock), in
    order."""
    _require_inspector(request.user)
    try:
        chosen = dt.date.fromisoformat(request.GET.get("date", "")) if request.GET.get("date") else None
    except ValueError:
        chosen = None
    chosen = chosen or _today(request.user)
    bookings = services.bookings_on_day(request.user, chosen)
    return render(request, "inspections/day.html", {"bookings": bookings, "day": chosen,
                                                    "previous": chosen - dt.timedelta(days=1),
                                                    "next": chosen + dt.timedelta(days=1),
                                                    "may_configure": _may_configure(request.user)})


class ResultForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Result"), widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
                                choices=[("pass", gettext_lazy("Passed")), ("fail", gettext_lazy("Failed"))])
    notes = forms.CharField(label=gettext_lazy("Notes (the applicant reads them)"), required=False,
                            max_length=5000, widget=forms.Textarea(attrs={"rows": 4, "class": "usa-textarea"}))


def _booking_for_inspector(user, pk: int) -> Booking:
    _require_inspector(user)
    booking = (Booking.objects.select_related("slot__department__jurisdiction", "application__application_type",
                                              "application__applicant").filter(pk=pk).first())
    if booking is None or not services.is_inspector(user, booking.slot.department):
        raise Http404(_("No inspection you can see has that number."))
    return booking


@login_required
def result(request, pk: int):
    """The phone-sized result page: where, what, pass or fail, notes, photos."""
    booking = _booking_for_inspector(request.user, pk)
    form = ResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_result(booking, user=request.user, passed=form.cleaned_data["outcome"] == "pass",
                                   notes=form.cleaned_data["notes"], photos=request.FILES.getlist("photos"))
        except ApplicationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Result recorded; the applicant has been told."))
            return redirect(f"{request.path}")
    from civicdesk.applications.staff_views import answers_shown

    return render(request, "inspections/result.html", {"booking": booking, "form": form,
                                                       "answers": answers_shown(booking.application)})


@login_required
def photo(request, pk: int, photo_pk: int):
    """A photo of an inspection, for the applicant or the department's inspectors."""
    from django.http import FileResponse

    booking = get_object_or_404(Booking.objects.select_related("application", "slot__department"), pk=pk)
    if booking.application.applicant_id != request.user.pk:
        _booking_for_inspector(request.user, pk)
    found = get_object_or_404(booking.photos, pk=photo_pk)
    response = FileResponse(found.image.open("rb"), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response

