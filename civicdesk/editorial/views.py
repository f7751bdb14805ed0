"""The editorial staff console (/staff/content/): one list, edit, history and workflow pages for every
registered content type (editorial.registry), the missing-translation list, the image library; and the public
image files."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from civicdesk.lib.media import MediaError

from . import access, registry, services, text
from .diff import has_changes, word_diff
from .forms import ApproveForm, ImageUploadForm, ListFilterForm, SendBackForm
from .models import EditorialImage, PendingChange, Revision, Status

LIST_LIMIT = 300


def _editable_or_404(key: str) -> registry.Editable:
    editable = registry.get(key)
    if editable is None:
        raise Http404(_("There is no such kind of content."))
    return editable


def _urls(editable: registry.Editable, obj) -> dict:
    return {
        "edit": reverse("editorial:edit", args=[editable.key, obj.pk]),
        "history": reverse("editorial:history", args=[editable.key, obj.pk]),
        "action": reverse("editorial:action", args=[editable.key, obj.pk]),
        "public": obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "",
    }


@never_cache
@require_safe
def content_list(request):
    """Every content item of the editor's jurisdictions, newest change first, filtered by state and type."""
    access.require_editor(request.user)
    editables = registry.editables()
    form = ListFilterForm(request.GET or None, editables=editables)
    state = kind = ""
    if form.is_valid():
        state, kind = form.cleaned_data["state"], form.cleaned_data["type"]
    ids = access.editable_jurisdiction_ids(request.user)
    now = timezone.now()
    rows = []
    for editable in editables:
        if kind and editable.key != kind:
            continue
        queryset = (editable.model_class().objects.for_jurisdictions(ids)
                    .select_related("jurisdiction", "updated_by", *editable.list_related))
        if state == "scheduled":
            queryset = queryset.filter(status=Status.PUBLISHED, publish_at__gt=now)
        elif state == "expired":
            queryset = queryset.filter(status=Status.PUBLISHED, unpublish_at__lte=now)
        elif state:
            queryset = queryset.filter(status=state)
        objects = list(queryset.order_by("-updated_at")[:LIST_LIMIT])
        changes = PendingChange.states_for(editable.model_class(), [obj.pk for obj in objects]) if objects else {}
        for obj in objects:
            rows.append({"obj": obj, "editable": editable, "urls": _urls(editable, obj),
                         "state": obj.schedule_label(changes.get(obj.pk))})
    rows.sort(key=lambda row: row["obj"].updated_at, reverse=True)
    return render(request, "editorial/list.html", {
        "form": form, "rows": rows[:LIST_LIMIT], "editables": editables, "truncated": len(rows) > LIST_LIMIT,
        "console_links": registry.console_links(),
    })


@never_cache
def edit(request, key: str, pk: int | None = None):
    """Create or edit an item: per-language fieldsets, a Markdown preview (a Preview button without
    JavaScript; live as you type with it), and the workflow actions the item's state allows."""
    editable = _editable_or_404(key)
    model = editable.model_class()
    change = None
    if pk is None:
        access.require_editor(request.user)
        obj = model()
    else:
        obj = access.get_for_editor(request.user, model, pk)
        change = obj.pending_change() if obj.status == Status.PUBLISHED else None
    form = _edit_form(request, editable, obj, change)
    previews = None
    if request.method == "POST":
        if "preview" in request.POST:
            form.is_valid()
            previews = form.markdown_previews()
        elif form.is_valid():
            item = form.save(commit=False)
            try:
                saved = services.save_draft(item, user=request.user, after_save=form.save_m2m,
                                            m2m=form.m2m_values())
            except services.EditorialError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Saved as a pending change: the published version stays on the site "
                                            "until another editor approves it.") if isinstance(saved, PendingChange)
                                 else _("Saved as a draft. Send it for review when it is ready."))
                return redirect("editorial:edit", editable.key, item.pk)
    context = {"form": form, "obj": obj if obj.pk else None, "editable": editable, "previews": previews,
               "images": _images(request.user),
               "preview_url": reverse("editorial:preview")}
    if obj.pk:
        context.update(_workflow_context(request, editable, obj))
    return render(request, "editorial/edit.html", context)


def _edit_form(request, editable, obj, change):
    """The edit form of `obj`. On a published item the form edits its pending change (filled from the change
    when there is one, on a separate copy so the live item is untouched) and its jurisdiction is fixed."""
    initial = {}
    instance = obj
    if obj.status == Status.PUBLISHED:
        instance = type(obj).objects.get(pk=obj.pk)
        if change is not None:
            m2m = instance.apply_snapshot(change.data)
            initial = dict(m2m)
    form = editable.form_class(request.POST or None, instance=instance, initial=initial, user=request.user)
    if obj.status == Status.PUBLISHED and "jurisdiction" in form.fields:
        form.fields["jurisdiction"].disabled = True
    return form


def _images(user):
    ids = access.editable_jurisdiction_ids(user)
    queryset = EditorialImage.objects.all() if ids is None else EditorialImage.objects.filter(jurisdiction_id__in=ids)
    return list(queryset[:50])


def _workflow_context(request, editable, obj) -> dict:
    is_author = obj.updated_by_id == request.user.pk
    change = obj.pending_change() if obj.status == Status.PUBLISHED else None
    change_diff = []
    if change is not None:
        is_author = change.author_id == request.user.pk
        model = type(obj)
        live = obj.snapshot()
        change_diff = revision_changes(model, live, change.data, related_names(model, [live, change.data]))
    return {
        "change": change,
        "change_diff": change_diff,
        "state_label": obj.schedule_label(change.status if change else None),
        "urls": _urls(editable, obj),
        "approve_form": ApproveForm(prefix="approve"),
        "schedule_form": ApproveForm(prefix="schedule", initial={
            "publish_at": timezone.localtime(obj.publish_at) if obj.publish_at else None,
            "unpublish_at": timezone.localtime(obj.unpublish_at) if obj.unpublish_at else None}),
        "send_back_form": SendBackForm(prefix="send_back"),
        "is_author": is_author,
        "missing": [text.language_name(code) for code in obj.missing_languages()],
    }


ACTIONS = ("submit", "approve", "send_back", "schedule", "unpublish", "archive", "discard")


@never_cache
@require_POST
def action(request, key: str, pk: int):
    """One workflow step (submit, approve, send_back, schedule, unpublish, archive, discard) on an item."""
    editable = _editable_or_404(key)
    obj = access.get_for_editor(request.user, editable.model_class(), pk)
    step = request.POST.get("action", "")
    if step not in ACTIONS:
        raise Http404(_("There is no such step."))
    try:
        _run_action(request, obj, step)
    except services.EditorialError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, {
            "submit": _("Sent for review. Another editor can now approve it."),
            "approve": _("Approved: it is published (or will be at the time you set)."),
            "send_back": _("Sent back to draft with your comment."),
            "schedule": _("The dates are saved."),
            "unpublish": _("Unpublished: residents no longer see it."),
            "archive": _("Archived."),
            "discard": _("The pending change is discarded: the published version stays as it was."),
        }[step])
    return redirect("editorial:edit", editable.key, obj.pk)


def _run_action(request, obj, step: str) -> None:
    user = request.user
    if step == "submit":
        services.submit_for_review(obj, user=user)
    elif step in ("approve", "schedule"):
        form = ApproveForm(request.POST, prefix=step)
        if not form.is_valid():
            raise services.EditorialError(_("Enter the dates as a date and a time, or leave them empty."))
        run = services.approve if step == "approve" else services.schedule
        run(obj, user=user, publish_at=form.cleaned_data["publish_at"],
            unpublish_at=form.cleaned_data["unpublish_at"])
    elif step == "send_back":
        services.send_back(obj, user=user, comment=request.POST.get("send_back-comment", ""))
    elif step == "unpublish":
        services.unpublish(obj, user=user)
    elif step == "archive":
        services.archive(obj, user=user)
    elif step == "discard":
        services.discard_change(obj, user=user)


def related_names(model, snapshots: list[dict]) -> dict[str, dict]:
    """{field: {id: name}} for the related objects (many-to-many and foreign keys) named in `snapshots`, one
    query per field, so the history reads "Trash and recycling" rather than an id."""
    names: dict[str, dict] = {}
    for name in model.snapshot_fields:
        field = model._meta.get_field(name)
        if not field.is_relation:
            continue
        ids = set()
        for data in snapshots:
            value = data.get(name)
            ids.update(value if isinstance(value, list) else [value] if value is not None else [])
        names[name] = {pk: str(obj) for pk, obj in field.related_model._default_manager.in_bulk(ids).items()}
    return names


def revision_changes(model, older: dict | None, newer: dict, names: dict | None = None) -> list[dict]:
    """What changed between two snapshots, field by field and language by language: [{label, language,
    segments}] (only fields that changed; everything for the first revision). `names` (from related_names)
    turns related ids into names."""
    older = older or {}
    names = names or {}
    changes = []
    for name in model.translated_fields:
        label = model._meta.get_field(name).verbose_name
        old_map, new_map = older.get(name) or {}, newer.get(name) or {}
        for code, _name in text.site_languages():
            segments = word_diff(old_map.get(code, ""), new_map.get(code, ""))
            if has_changes(segments):
                changes.append({"label": label, "language": text.language_name(code), "segments": segments})
    for name in model.snapshot_fields:
        label = model._meta.get_field(name).verbose_name
        old_value, new_value = older.get(name), newer.get(name)
        if old_value != new_value:
            labels = names.get(name, {})
            segments = word_diff(_as_text(old_value, labels), _as_text(new_value, labels))
            changes.append({"label": label, "language": "", "segments": segments})
    return changes


def _as_text(value, labels: dict) -> str:
    """A snapshot value as words to diff: related ids by name, lists joined, nested data (a list of days with
    their hours, of fees) as JSON."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(sorted(_as_text(v, labels) for v in value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, cls=DjangoJSONEncoder)
    return str(labels.get(value, value))


@never_cache
@require_safe
def history(request, key: str, pk: int):
    """Every revision of an item, newest first, each with what changed since the one before it."""
    editable = _editable_or_404(key)
    model = editable.model_class()
    obj = access.get_for_editor(request.user, model, pk)
    revisions = list(obj.revisions()[:100])
    names = related_names(model, [revision.data for revision in revisions])
    rows = []
    for index, revision in enumerate(revisions):
        previous = revisions[index + 1] if index + 1 < len(revisions) else None
        rows.append({"revision": revision, "changes": revision_changes(model, previous.data if previous else None,
                                                                        revision.data, names),
                     "is_current": index == 0})
    return render(request, "editorial/history.html", {"obj": obj, "editable": editable, "rows": rows,
                                                      "urls": _urls(editable, obj)})


@never_cache
@require_POST
def restore(request, key: str, pk: int, number: int):
    """Bring back an earlier revision's content as a new draft."""
    editable = _editable_or_404(key)
    obj = access.get_for_editor(request.user, editable.model_class(), pk)
    revision = get_object_or_404(Revision.objects.filter(content_type__app_label=obj._meta.app_label,
                                                         content_type__model=obj._meta.model_name,
                                                         object_id=obj.pk), number=number)
    try:
        services.restore(obj, revision=revision, user=request.user)
    except services.EditorialError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Revision %(number)s is back as a new draft.") % {"number": number})
    return redirect("editorial:edit", editable.key, obj.pk)


@never_cache
@require_POST
def preview(request):
    """The sanitised HTML of the posted Markdown ("text"), for the live preview of the edit page."""
    access.require_editor(request.user)
    return HttpResponse(text.render_markdown(request.POST.get("text", "")[:50000]),
                        content_type="text/html; charset=utf-8")


@never_cache
@require_safe
def translations(request):
    """Every item of every registered type that lacks text in a site language, with the languages missing."""
    access.require_editor(request.user)
    ids = access.editable_jurisdiction_ids(request.user)
    rows = []
    for editable in registry.editables():
        queryset = (editable.model_class().objects.for_jurisdictions(ids).exclude(status=Status.ARCHIVED)
                    .select_related("jurisdiction").order_by("-updated_at"))
        for obj in queryset:
            missing = obj.missing_languages()
            if missing:
                rows.append({"obj": obj, "editable": editable, "urls": _urls(editable, obj),
                             "missing": [text.language_name(code) for code in missing]})
    return render(request, "editorial/translations.html", {"rows": rows, "console_links": registry.console_links()})


@never_cache
def images(request):
    """The image library: upload (re-encoded, metadata stripped, alt text required) and copy the snippet."""
    access.require_editor(request.user)
    form = ImageUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            image = services.upload_image(jurisdiction=form.cleaned_data["jurisdiction"],
                                          upload=form.cleaned_data["image"],
                                          alt_text=form.cleaned_data["alt_text"], user=request.user)
        except (services.EditorialError, MediaError) as exc:
            form.add_error("image", str(exc))
        else:
            messages.success(request, _("Image uploaded. Copy its Markdown into your text: %(snippet)s")
                             % {"snippet": image.markdown()})
            return redirect("editorial:images")
    return render(request, "editorial/images.html", {"form": form, "images": _images(request.user),
                                                     "console_links": registry.console_links()})


def _sees_every_image(user) -> bool:
    """Editors and other staff (anyone with a seat, and superusers) see images still only in drafts."""
    from civicdesk.jurisdictions.models import seats_of

    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or bool(seats_of(user))


@require_safe
def image_file(request, pk: int):
    """An editorial image (it holds no metadata). Public only once an item residents can see uses it, so an
    image uploaded for a draft stays private (404 for everyone else) until the draft is published; editors and
    other staff see every image. Public answers may be cached an hour, the others not at all."""
    image = get_object_or_404(EditorialImage, pk=pk)
    public = image.is_in_published_content()
    if not public and not _sees_every_image(request.user):
        raise Http404(_("This image is no longer available."))
    try:
        handle = image.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("This image is no longer available.")) from exc
    response = FileResponse(handle, content_type=image.content_type)
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
