"""Documents from the city: staff send one from the application's page; the applicant and staff download it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicdesk.throttle.services import RateLimited

from . import access, outgoing
from .models import SentDocument
from .services import ApplicationError
from .views import serve_document


class SendDocumentForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Document (PDF, Word or OpenDocument, spreadsheet, or photo)"))
    message = forms.CharField(label=gettext_lazy("Message to the applicant (they read this)"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}))


@login_required
@require_POST
def send(request, pk: int):
    """Staff who review the application send a document with a message (checked, audited, the applicant told)."""
    application = access.get_application_for_staff(request.user, pk, "review")
    form = SendDocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the file to send and write a message to go with it."))
    else:
        try:
            outgoing.send_document(application, user=request.user, upload=form.cleaned_data["file"],
                                   message=form.cleaned_data["message"])
        except ApplicationError as exc:
            messages.error(request, exc.messages[0])
        except RateLimited as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Document sent; the applicant has been told."))
    return redirect("applications_staff:detail", pk=application.pk)


@login_required
def applicant_file(request, pk: int, document_pk: int):
    """A document the city sent on the applicant's own application (404 for anyone else's)."""
    application = access.get_application_for_applicant(request.user, pk)
    return serve_document(get_object_or_404(SentDocument, pk=document_pk, application=application))


@login_required
def staff_file(request, pk: int, document_pk: int):
    """The same document for staff who reach the application."""
    application = access.get_application_for_staff(request.user, pk)
    return serve_document(get_object_or_404(SentDocument, pk=document_pk, application=application))
