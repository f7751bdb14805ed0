"""Staff pages for bill imports: upload a bill file, follow its run, download its rejected rows."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.staff import access

from . import billformat
from .billimport import ImportFailed, reject_rows, start_run
from .models import BillImportRun

#: Who may load bills into a jurisdiction: its administrators, and its finance supervisors where that role exists.
IMPORT_ROLES = {access.Role.ADMIN, access.SUPERUSER} | (
    {access.Role.FINANCE_SUPERVISOR} if hasattr(access.Role, "FINANCE_SUPERVISOR") else set())
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
REJECTS_SHOWN = 100


def jurisdictions_for(user):
    """Jurisdictions whose bills `user` may import."""
    queryset = Jurisdiction.objects.order_by("name", "id")
    if getattr(user, "is_superuser", False):
        return queryset
    return queryset.filter(pk__in={seat.jurisdiction_id for seat in access.seats(user) if seat.role in IMPORT_ROLES})


def require_bill_importer(user) -> None:
    """PermissionDenied unless `user` may import bills somewhere (and passed two-factor)."""
    access.require_staff(user)
    if not jurisdictions_for(user).exists():
        raise PermissionDenied(_("Only jurisdiction administrators and finance supervisors import bills."))


def get_run_for_staff(user, pk: int) -> BillImportRun:
    """The import run, or Http404 when it is not in a jurisdiction the user imports bills for."""
    require_bill_importer(user)
    run = BillImportRun.objects.select_related("jurisdiction", "started_by").filter(
        pk=pk, jurisdiction__in=jurisdictions_for(user)).first()
    if run is None:
        raise Http404(_("No bill import you can see has that number."))
    return run


class BillUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Bill file (CSV)"), help_text=gettext_lazy(
        "One row per bill line, with the columns of the template. UTF-8 or Excel's Windows CSV; at most 200 MB "
        "(larger files: ask an operator to run manage.py import_bills)."))
    jurisdiction = forms.ModelChoiceField(label=gettext_lazy("Jurisdiction"), queryset=Jurisdiction.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions_for(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB. Ask an operator to run "
                                          "manage.py import_bills with it."))
        return upload


@require_http_methods(["GET", "POST"])
def imports(request):
    """The list of bill imports and the upload form; a valid upload is stored and imported by the task worker."""
    require_bill_importer(request.user)
    form = BillUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = default_storage.save(f"bill-imports/{uuid.uuid4().hex}.csv", upload)
        try:
            run = start_run(jurisdiction=form.cleaned_data["jurisdiction"], path=name, filename=upload.name,
                            in_storage=True, user=request.user)
        except ImportFailed as exc:
            default_storage.delete(name)
            form.add_error("file", str(exc))
        else:
            _enqueue(run)
            messages.success(request, _("The file was received; its bills are being imported."))
            return redirect("bills:import_detail", pk=run.pk)
    runs = (BillImportRun.objects.filter(jurisdiction__in=jurisdictions_for(request.user))
            .select_related("jurisdiction", "started_by")[:50])
    return render(request, "payments/bill_imports.html", {"form": form, "runs": runs,
                                                          "columns": billformat.COLUMNS})


def _enqueue(run: BillImportRun) -> None:
    from .bill_tasks import import_uploaded_bills

    transaction.on_commit(lambda: import_uploaded_bills.enqueue(run.pk))


@require_http_methods(["GET", "POST"])
def import_detail(request, pk: int):
    """One import: its counts and first rejected rows; POST "continue" hands an interrupted run back to the worker."""
    run = get_run_for_staff(request.user, pk)
    if request.method == "POST":
        if run.is_finished():
            messages.info(request, _("This import has already finished."))
        else:
            run.log_action("payments.bill_import_continued", user=request.user, data={"offset": run.offset})
            _enqueue(run)
            messages.success(request, _("The import carries on from row %(row)d.") % {"row": run.lines_read})
        return redirect("bills:import_detail", pk=run.pk)
    return render(request, "payments/bill_import.html", {
        "run": run, "rejects": run.rejects.all()[:REJECTS_SHOWN], "rejects_shown": REJECTS_SHOWN})


class _Echo:
    def write(self, value: str) -> str:
        return value


def import_rejects(request, pk: int):
    """The run's rejected rows as CSV (row, reason, original row), streamed. Audited: the rows hold personal data."""
    run = get_run_for_staff(request.user, pk)
    run.log_action("payments.bill_import_rejects_downloaded", user=request.user)

    def rows():
        import csv

        writer = csv.writer(_Echo())
        yield "\ufeff"  # so spreadsheets read the reasons' accents and Arabic names right
        for row in reject_rows(run):
            yield writer.writerow(row)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bill-import-{run.pk}-rejects.csv"'
    return response


def template(request):
    """The documented bill file template (CSV)."""
    require_bill_importer(request.user)
    response = HttpResponse(billformat.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="bills-template.csv"'
    return response
