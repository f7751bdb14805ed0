"""Open data pages: the catalogue, a page per dataset, downloads, the JSON API and /data.json; the staff pages
for publishing a dataset from a CSV file."""

from __future__ import annotations

import csv
import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import http_date, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from civicdesk.cities import city
from civicdesk.lib import svgcharts

from . import access, csvdata, queries, services
from .builtin import BUILTIN, REQUEST_COLUMNS
from .catalog import catalogue_entries, data_json_document, licence_url
from .exports import FORMATS, current_files, csv_value, json_value
from .forms import ColumnFormSet, DatasetForm, NewDatasetForm, ReplaceFileForm
from .models import PublishedDataset

private_page = cache_control(private=True, no_store=True)


# --- public ------------------------------------------------------------------------------------------------

@require_safe
def catalogue(request):
    """Every dataset: the built-in ones, then those staff published."""
    return render(request, "opendata/catalogue.html", {"entries": catalogue_entries()})


def _published(slug: str) -> PublishedDataset:
    dataset = PublishedDataset.objects.published().select_related("jurisdiction").filter(slug=slug).first()
    if dataset is None:
        raise Http404(_("There is no such dataset."))
    return dataset


@require_safe
def dataset_page(request, slug: str):
    """A dataset's description, data dictionary, downloads and API link; a preview, filters and a chart for a
    dataset staff published."""
    context = {"licence": city().open_data_licence, "licence_url": licence_url()}
    if slug in BUILTIN:
        builtin = BUILTIN[slug]
        files = current_files(slug)
        context.update({
            "builtin": builtin, "title": builtin.title, "description": builtin.description,
            "columns": [{"name": c.name, "type": c.type, "meaning": c.meaning, "example": c.example}
                        for c in builtin.columns],
            "downloads": [{"format": fmt, "label": FORMATS[fmt][1], "file": files.get(fmt),
                           "url": reverse("opendata:download", args=[slug, fmt])} for fmt in builtin.formats],
            "last_updated": max((f.generated_at for f in files.values()), default=None),
            "row_count": files["csv"].row_count if "csv" in files else None,
            "frequency_label": _("Every night"),
            "api_url": reverse("opendata:api", args=[slug]),
        })
        return render(request, "opendata/dataset.html", context)
    dataset = _published(slug)
    columns = list(dataset.columns.all())
    has_errors = False
    try:
        row_filter = queries.parse_filter(columns, request.GET)
        after = queries.parse_after_position(request.GET.get("after"))
    except queries.ParameterError as error:
        messages_for_page = [str(error)]
        has_errors, row_filter, after = True, None, 0
    else:
        messages_for_page = []
    rows, next_after = queries.dataset_page(dataset, [row_filter] if row_filter else [], after=after,
                                            limit=queries.PREVIEW_LIMIT)
    chart = queries.chart_for(dataset, columns)
    params = {key: request.GET[key] for key in ("column", "op", "value") if request.GET.get(key)}
    context.update({
        "dataset": dataset, "title": dataset.title, "description": dataset.description,
        "columns": [{"name": c.key, "title": c.title, "heading": c.name, "type": c.get_type_display(),
                     "meaning": c.description, "example": c.example} for c in columns],
        "column_objects": columns,
        "downloads": [{"format": fmt, "label": FORMATS[fmt][1], "url": reverse("opendata:download", args=[slug, fmt])}
                      for fmt in ("csv", "json")],
        "last_updated": dataset.updated_at, "row_count": dataset.row_count,
        "frequency_label": dataset.get_frequency_display(), "api_url": reverse("opendata:api", args=[slug]),
        "preview": [[row.values.get(c.key, "") for c in columns] for row in rows],
        "row_filter": row_filter, "filter_errors": messages_for_page, "has_errors": has_errors,
        "operators": [("equals", _("equals")), ("contains", _("contains"))],
        "next_url": f"?{urlencode({**params, 'after': next_after})}" if next_after else None,
        "first_url": f"?{urlencode(params)}" if after else None,
        "chart": chart,
        "chart_svg": svgcharts.bar_chart(
            [label for label, _total in chart.totals], [float(total) for _label, total in chart.totals],
            title=_("%(value)s by %(category)s") % {"value": chart.value_column.title,
                                                     "category": chart.category_column.title},
            value_format=lambda value: f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}")
        if chart else None,
    })
    return render(request, "opendata/dataset.html", context, status=400 if has_errors else 200)


@require_safe
def download(request, slug: str, fmt: str):
    """The dataset as a file: a built-in dataset's last export, or a published dataset streamed now."""
    if slug in BUILTIN:
        if fmt not in BUILTIN[slug].formats:
            raise Http404(_("This dataset is not published in that format."))
        item = current_files(slug).get(fmt)
        if item is None:
            raise Http404(_("This file has not been produced yet; it is made every night."))
        response = FileResponse(default_storage.open(item.path, "rb"), content_type=FORMATS[fmt][0],
                                as_attachment=True, filename=f"{slug}.{fmt}")
        response["Content-Length"] = str(item.size)
        response["Last-Modified"] = http_date(item.generated_at.timestamp())
        response["Cache-Control"] = "public, max-age=3600"
        return response
    dataset = _published(slug)
    if fmt not in ("csv", "json"):
        raise Http404(_("This dataset is not published in that format."))
    columns = list(dataset.columns.all())
    rows = dataset.rows.order_by("position").values_list("values", flat=True).iterator(chunk_size=1000)
    if fmt == "csv":
        body = _csv_stream([c.name for c in columns], ([values.get(c.key, "") for c in columns] for values in rows))
    else:
        body = _json_stream(columns, rows)
    response = StreamingHttpResponse(body, content_type=FORMATS[fmt][0])
    response["Content-Disposition"] = f'attachment; filename="{slug}.{fmt}"'
    response["Last-Modified"] = http_date(dataset.updated_at.timestamp())
    return response


def _csv_stream(header: list[str], rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json_stream(columns, rows):
    yield "["
    for count, values in enumerate(rows):
        typed = {c.key: json_value(csvdata.convert(values.get(c.key, ""), c.type)) for c in columns}
        yield ("," if count else "") + "\n" + json.dumps(typed, ensure_ascii=False)
    yield "\n]\n"


@require_safe
def chart_csv(request, slug: str):
    """The numbers behind a published dataset's chart, as CSV."""
    dataset = _published(slug)
    chart = queries.chart_for(dataset, list(dataset.columns.all()))
    if chart is None:
        raise Http404(_("This dataset has no chart."))
    body = _csv_stream([chart.category_column.title, chart.value_column.title],
                       ([label, csv_value(total)] for label, total in chart.totals))
    response = StreamingHttpResponse(body, content_type=FORMATS["csv"][0])
    response["Content-Disposition"] = f'attachment; filename="{slug}-chart.csv"'
    return response


def _error(error: queries.ParameterError) -> JsonResponse:
    return JsonResponse({"error": {"parameter": error.parameter, "message": str(error)}}, status=400)


@require_safe
def api(request, slug: str):
    """JSON pages of a dataset: {"dataset", "data": [rows], "next": URL of the next page or null}.

    requests: `updated_since` (ISO 8601), `after` (the cursor of a "next" link), `limit` (1–1000), in
    (updated_at, id) order. A published dataset: `after`, `limit` and `<field>=` / `<field>__contains=`
    filters. Bad parameters answer 400 with {"error": {"parameter", "message"}}.
    """
    base = request.build_absolute_uri(request.path)
    if slug == "requests":
        unknown = set(request.GET) - {"updated_since", "after", "limit"}
        try:
            if unknown:
                raise queries.ParameterError(sorted(unknown)[0], _(
                    "%(name)s is not a parameter of this API; use updated_since, after and limit.")
                    % {"name": sorted(unknown)[0]})
            limit = queries.parse_limit(request.GET.get("limit"))
            since = queries.parse_since(request.GET.get("updated_since"))
            after = queries.decode_cursor(request.GET.get("after"))
        except queries.ParameterError as error:
            return _error(error)
        page = queries.request_page(updated_since=since, after=after, limit=limit)
        names = [column.name for column in REQUEST_COLUMNS]
        data = [dict(zip(names, map(json_value, row))) for row in page.rows]
        next_url = None
        if page.next_cursor:
            params = {"limit": limit, "after": page.next_cursor}
            if request.GET.get("updated_since"):
                params["updated_since"] = request.GET["updated_since"]
            next_url = f"{base}?{urlencode(params)}"
        return JsonResponse({"dataset": slug, "data": data, "next": next_url}, json_dumps_params={"ensure_ascii": False})
    if slug in BUILTIN:
        raise Http404(_("This dataset has no API; download its files instead."))
    dataset = _published(slug)
    columns = list(dataset.columns.all())
    try:
        limit = queries.parse_limit(request.GET.get("limit"))
        after = queries.parse_after_position(request.GET.get("after"))
        filters = queries.api_filters(columns, request.GET)
    except queries.ParameterError as error:
        return _error(error)
    rows, next_after = queries.dataset_page(dataset, filters, after=after, limit=limit)
    data = [{key: json_value(value) for key, value in queries.typed_row(columns, row).items()} for row in rows]
    next_url = None
    if next_after:
        params = {key: value for key, value in request.GET.items() if key not in ("after", "limit")}
        next_url = f"{base}?{urlencode({**params, 'limit': limit, 'after': next_after})}"
    return JsonResponse({"dataset": slug, "data": data, "next": next_url}, json_dumps_params={"ensure_ascii": False})


@require_safe
def data_json(request):
    """The catalogue in the Project Open Data metadata schema (DCAT-US 1.1) for CKAN and Socrata harvesters."""
    response = JsonResponse(data_json_document(), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- staff -------------------------------------------------------------------------------------------------

@login_required
@private_page
def staff_list(request):
    """The datasets of the jurisdictions where the user may prepare datasets, drafts included."""
    access.require_dataset_staff(request.user)
    jurisdictions = access.jurisdictions_for(request.user, "edit_dataset")
    datasets = (PublishedDataset.objects.filter(jurisdiction__in=jurisdictions).select_related("jurisdiction")
                .order_by("-updated_at", "-id"))
    return render(request, "opendata/staff/list.html", {"datasets": datasets})


@login_required
@private_page
def staff_create(request):
    """Upload a CSV file with the dataset's description; on success the column editor opens."""
    access.require_dataset_staff(request.user)
    form = NewDatasetForm(request.POST or None, request.FILES or None,
                          jurisdictions=access.jurisdictions_for(request.user, "edit_dataset"))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            dataset = services.create_dataset(
                jurisdiction=form.cleaned_data["jurisdiction"], title=form.cleaned_data["title"],
                description=form.cleaned_data["description"], keywords=form.cleaned_data["keywords"],
                frequency=form.cleaned_data["frequency"], data=upload.read(), file_name=upload.name,
                user=request.user)
        except csvdata.CsvProblem as problem:
            form.add_error("file", str(problem))
        else:
            messages.success(request, _("The file was read: %(rows)s rows. Describe each column, then publish.")
                             % {"rows": f"{dataset.row_count:,}"})
            return redirect("opendata:staff_edit", pk=dataset.pk)
    return render(request, "opendata/staff/new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@private_page
def staff_edit(request, pk: int):
    """Describe the dataset and each of its columns; replace its file."""
    dataset = access.get_dataset_for_staff(request.user, pk)
    columns = list(dataset.columns.all())
    initial = [{"pk": c.pk, "title": c.title, "description": c.description, "type": c.type} for c in columns]
    form = DatasetForm(request.POST or None, instance=dataset, prefix="dataset")
    formset = ColumnFormSet(request.POST or None, initial=initial, prefix="columns")
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            known = {c.pk for c in columns}
            column_values = [f.cleaned_data for f in formset.forms]
            if {values["pk"] for values in column_values} != known:
                raise Http404(_("The columns changed while you edited them; open the page again."))
            fields = {name: form.cleaned_data[name] for name in ("title", "description", "keywords", "frequency")}
            fresh = PublishedDataset.objects.get(pk=dataset.pk)
            services.describe(fresh, fields=fields, columns=column_values, user=request.user)
            messages.success(request, _("Description saved."))
            return redirect("opendata:staff_edit", pk=dataset.pk)
    return render(request, "opendata/staff/edit.html", {
        "dataset": dataset, "form": form, "formset": formset, "rows": zip(columns, formset.forms),
        "replace_form": ReplaceFileForm(), "may_publish": access.can(request.user, "publish_dataset",
                                                                     dataset.jurisdiction_id),
        "has_errors": bool(form.errors or any(formset.errors)),
    }, status=400 if (form.errors or any(formset.errors)) else 200)


@login_required
@private_page
@require_POST
def staff_replace(request, pk: int):
    """Replace every row with a new CSV file (checked first; nothing changes when it fails)."""
    dataset = access.get_dataset_for_staff(request.user, pk)
    form = ReplaceFileForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.replace_file(dataset, data=upload.read(), file_name=upload.name, user=request.user)
        except csvdata.CsvProblem as problem:
            form.add_error("file", str(problem))
        else:
            messages.success(request, _("The new file replaced the rows."))
            return redirect("opendata:staff_edit", pk=dataset.pk)
    columns = list(dataset.columns.all())
    formset = ColumnFormSet(initial=[{"pk": c.pk, "title": c.title, "description": c.description, "type": c.type}
                                     for c in columns], prefix="columns")
    return render(request, "opendata/staff/edit.html", {
        "dataset": dataset, "form": DatasetForm(instance=dataset, prefix="dataset"), "formset": formset,
        "rows": zip(columns, formset.forms), "replace_form": form, "has_errors": True,
        "may_publish": access.can(request.user, "publish_dataset", dataset.jurisdiction_id),
    }, status=400)


@login_required
@private_page
@require_POST
def staff_publish(request, pk: int):
    dataset = access.get_dataset_for_staff(request.user, pk, "publish_dataset")
    services.publish(dataset, user=request.user)
    messages.success(request, _("Published: the dataset is in the public catalog."))
    return redirect("opendata:staff_edit", pk=dataset.pk)


@login_required
@private_page
@require_POST
def staff_unpublish(request, pk: int):
    dataset = access.get_dataset_for_staff(request.user, pk, "publish_dataset")
    services.unpublish(dataset, user=request.user)
    messages.success(request, _("Withdrawn: the dataset is no longer public."))
    return redirect("opendata:staff_edit", pk=dataset.pk)

