"""The embed theme stylesheet, and the staff page for a jurisdiction's embed settings (snippets and preview)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from civicdesk.jurisdictions.models import Jurisdiction

from . import access, services
from .forms import EmbedSettingsForm
from .models import EmbedSettings
from .snippets import snippets_for


def theme_css(request, jurisdiction: str):
    """The jurisdiction's embed theme as a stylesheet, with an ETag (304 when the browser has it already)."""
    found = Jurisdiction.objects.filter(slug=jurisdiction, is_active=True).first()
    if found is None:
        raise Http404(_("No jurisdiction has that short name."))
    row = EmbedSettings.objects.filter(jurisdiction=found).first() or EmbedSettings(jurisdiction=found)
    etag = row.stylesheet_etag()
    # GZipMiddleware weakens the tag of a compressed answer (W/"…"): the browser may send either form back.
    sent = [tag.strip().removeprefix("W/") for tag in request.META.get("HTTP_IF_NONE_MATCH", "").split(",")]
    if etag in sent:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(row.stylesheet(), content_type="text/css; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=300"
    return response


@login_required
def staff_list(request):
    """The jurisdictions the user administers; with one, straight to its page."""
    access.require_embed_admin(request.user)
    jurisdictions = list(access.jurisdictions_for(request.user))
    if len(jurisdictions) == 1:
        return redirect("embed_staff:edit", slug=jurisdictions[0].slug)
    return render(request, "embed/staff_list.html", {"jurisdictions": jurisdictions})


@login_required
def staff_edit(request, slug: str):
    """Edit the theme and allowed sites (audit-logged); the snippets to copy and a live preview."""
    jurisdiction = access.get_jurisdiction_for_admin(request.user, slug)
    row = EmbedSettings.objects.filter(jurisdiction=jurisdiction).first() or EmbedSettings(jurisdiction=jurisdiction)
    form = EmbedSettingsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        services.save_settings(form.instance, user=request.user)
        messages.success(request, _("The embed settings are saved."))
        return redirect("embed_staff:edit", slug=jurisdiction.slug)
    return render(request, "embed/staff_edit.html", {
        "jurisdiction": jurisdiction, "form": form, "snippets": snippets_for(jurisdiction),
        "preview_url": f"/embed/{jurisdiction.slug}/report/", "saved": row,
    }, status=400 if form.errors else 200)
