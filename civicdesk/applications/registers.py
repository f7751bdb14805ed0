"""Public registers of issued permits: the settings staff choose per type, the register's rows (written when a
permit is issued, renewed or revoked, and rewritten when the settings change), and the queries behind the
register's list, map and open-data export.

What is public, and why: the permit number and type (so anyone can check a permit exists), and, as the type's
settings say, the place (so neighbours know what is permitted on their street), the dates and the status, and
answers staff mark public (e.g. a fence's height). Never the applicant's contact details; the holder's name
only for types whose law makes it public (business licences).

The register's CSV and GeoJSON exports and its open-data dataset (`OPEN_DATA`, added to the open-data catalogue
in apps.py) are the same rows from the same query (`export_batches`, over `entries`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.jurisdictions.models import District
from civicdesk.opendata.builtin import BuiltinDataset, Column

from .models import ApplicationType, Permit, RegisterEntry, RegisterSettings
from .register_models import CELL_DEGREES, cell_of

#: Rows of the register's list per page.
PAGE_SIZE = 50
#: Up to this many permits the map shows each one; above it, counts per map cell.
MAP_POINTS_LIMIT = 500
#: Map cells returned at most (the busiest first).
MAP_CELLS_LIMIT = 2000
#: Permits written per query when a type's register is rebuilt.
REBUILD_BATCH = 500
#: Rows read per query while writing an export.
EXPORT_BATCH = 2000

SETTINGS_FIELDS = ("enabled", "show_place", "show_dates", "show_status", "show_holder", "place_question")


def settings_for(application_type: ApplicationType) -> RegisterSettings:
    """The type's register settings (created, off, the first time they are asked for)."""
    found, _created = RegisterSettings.objects.get_or_create(application_type=application_type)
    return found


def save_settings(application_type: ApplicationType, *, user, public_questions=(), **fields) -> RegisterSettings:
    """Change what the type's register publishes (keys of SETTINGS_FIELDS); audited; the type's register rows
    are rewritten to match, in the same transaction. Questions must belong to the type's form."""
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    from .services import ApplicationError

    form_id = application_type.form_id
    place = fields.get("place_question")
    if any(q.section.form_id != form_id for q in [*public_questions, *([place] if place else [])]):
        raise ApplicationError(_("Choose questions of this form."))
    with transaction.atomic():
        register = settings_for(application_type)
        for key, value in fields.items():
            setattr(register, key, value)
        register.save()
        register.public_questions.set(public_questions)
        application_type.log_action("applicationtype.register_changed", user=user, data={
            **{key: getattr(value, "pk", value) for key, value in fields.items()},
            "public_questions": [q.pk for q in public_questions]})
        rebuild_type(application_type)
    return register


def _texts(make) -> dict:
    """{language: make()} for every site language (register rows are read in all three)."""
    found = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found[code] = make()
    return found


def entry_for(permit: Permit, register: RegisterSettings, public_questions: list) -> RegisterEntry:
    """The register row of `permit`: only the facts `register` publishes (see the module's docstring)."""
    from .staff_views import answer_words

    application = permit.application
    answers = application.answers or {}
    place, lat, long, district = "", None, None, None
    if register.show_place and register.place_question is not None:
        given = answers.get(register.place_question.field_name)
        if isinstance(given, dict):
            place = str(given.get("address") or "")[:300]
            lat, long = given.get("lat"), given.get("long")
            lat, long = (float(lat), float(long)) if lat is not None and long is not None else (None, None)
        elif given is not None:
            place = str(given)[:300]
        if lat is not None:
            from civicdesk.jurisdictions.services import locate

            found = locate(lat, long)
            district = found.district if found.jurisdiction and found.jurisdiction.pk == application.jurisdiction_id \
                else None
    shown = [(q, answers[q.field_name]) for q in public_questions if answers.get(q.field_name) not in (None, "")]
    return RegisterEntry(
        permit=permit, application_type_id=application.application_type_id, jurisdiction_id=application.jurisdiction_id,
        number=permit.number, issued_on=permit.issued_at.astimezone(application.jurisdiction.tz).date(),
        valid_from=permit.valid_from, valid_until=permit.valid_until, revoked=permit.revoked_at is not None,
        place=place, lat=lat, long=long, cell=cell_of(lat, long), district=district,
        holder=application.applicant.get_full_name()[:200] if register.show_holder else "",
        answers=[{"question": q.text, "answer": _texts(lambda q=q, v=v: answer_words(q, v))} for q, v in shown],
        updated_at=timezone.now())


def sync_permit(permit: Permit) -> None:
    """Write (or remove) the permit's register row after it was issued or changed."""
    register = RegisterSettings.objects.filter(application_type_id=permit.application.application_type_id).first()
    if register is None or not register.enabled:
        RegisterEntry.objects.filter(permit=permit).delete()
        return
    entry = entry_for(permit, register, list(register.public_questions.all()))
    RegisterEntry.objects.filter(permit=permit).delete()
    entry.save(force_insert=True)


def rebuild_type(application_type: ApplicationType) -> int:
    """Rewrite every register row of the type to match its settings (none when the register is off); returns
    the rows written. Keyset batches, so a large type never sits in memory at once."""
    RegisterEntry.objects.filter(application_type=application_type).delete()
    register = settings_for(application_type)
    if not register.enabled:
        return 0
    questions = list(register.public_questions.all())
    written, after = 0, 0
    permits = (Permit.objects.filter(application__application_type=application_type)
               .select_related("application__applicant", "application__jurisdiction",
                               "application__application_type").order_by("pk"))
    while True:
        batch = list(permits.filter(pk__gt=after)[:REBUILD_BATCH])
        if not batch:
            return written
        RegisterEntry.objects.bulk_create([entry_for(permit, register, questions) for permit in batch])
        written += len(batch)
        after = batch[-1].pk


def on_permit_saved(sender, instance: Permit, **kwargs) -> None:
    """post_save of Permit (connected in apps.py): issuing, renewing and revoking reach the register."""
    if kwargs.get("raw"):
        return
    sync_permit(instance)


# --- reading ------------------------------------------------------------------------------------------------

@dataclass
class Filters:
    """What the register's reader chose: a type (slug), a state, issue dates, a district (id)."""

    type: ApplicationType | None = None
    state: str = ""
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    district: int | None = None


def public_types():
    """Types whose register is on, by name (for the filters and the page's list)."""
    return (ApplicationType.objects.filter(register__enabled=True, jurisdiction__is_active=True)
            .select_related("register").order_by("slug"))


def entries(filters: Filters, today: dt.date):
    """Register rows of the types whose register is on, filtered. A date filter only reaches types that
    publish their dates, a state filter only those that publish their status."""
    rows = RegisterEntry.objects.filter(application_type__register__enabled=True)
    if filters.type is not None:
        rows = rows.filter(application_type=filters.type)
    if filters.state:
        rows = rows.with_state(filters.state, today).filter(application_type__register__show_status=True)
    if filters.issued_from or filters.issued_to:
        rows = rows.filter(application_type__register__show_dates=True)
        if filters.issued_from:
            rows = rows.filter(issued_on__gte=filters.issued_from)
        if filters.issued_to:
            rows = rows.filter(issued_on__lte=filters.issued_to)
    if filters.district:
        rows = rows.filter(district_id=filters.district)
    return rows


def page(filters: Filters, today: dt.date, *, after: int | None = None) -> tuple[list[RegisterEntry], int | None]:
    """One page of the list, newest permit first, after the permit id `after` (keyset paging): (rows, the id
    to continue after, or None on the last page). One query."""
    rows = entries(filters, today).select_related("application_type__register", "district").order_by("-permit_id")
    if after:
        rows = rows.filter(permit_id__lt=after)
    found = list(rows[:PAGE_SIZE + 1])
    return found[:PAGE_SIZE], (found[PAGE_SIZE - 1].permit_id if len(found) > PAGE_SIZE else None)


def map_data(filters: Filters, today: dt.date) -> dict:
    """GeoJSON for the register's map: every permit with a place when there are at most MAP_POINTS_LIMIT,
    otherwise one feature per map cell (CELL_DEGREES wide) with its count, at the cell's centre. Two queries."""
    placed = entries(filters, today).exclude(cell="")
    if placed[:MAP_POINTS_LIMIT + 1].count() <= MAP_POINTS_LIMIT:
        features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [long, lat]},
                     "properties": {"number": number, "count": 1}}
                    for number, lat, long in placed.values_list("number", "lat", "long")]
        return {"type": "FeatureCollection", "aggregated": False, "features": features}
    cells = (placed.order_by().values("cell").annotate(n=Count("pk")).order_by("-n")[:MAP_CELLS_LIMIT])
    features = []
    for cell in cells:
        row, col = (int(part) for part in cell["cell"].split(":"))
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [
            round((col + 0.5) * CELL_DEGREES, 5), round((row + 0.5) * CELL_DEGREES, 5)]},
            "properties": {"count": cell["n"]}})
    return {"type": "FeatureCollection", "aggregated": True, "features": features}



# --- exports and open data ----------------------------------------------------------------------------------

#: The columns of the register's exports and of its open-data dataset (docs/applications.md lists them too).
COLUMNS = (
    Column("permit_number", "text", gettext_lazy("The permit's number."), "FENCE-PERMIT-000042", nullable=False),
    Column("type", "text", gettext_lazy("The permit or licence type (its web address)."), "fence-permit",
           nullable=False),
    Column("status", "text", gettext_lazy("valid, expired or revoked on the day of the export; empty when the type "
                                          "does not publish it."), "valid"),
    Column("issued_on", "date", gettext_lazy("Day issued; empty when the type does not publish dates."),
           "2026-05-01"),
    Column("valid_until", "date", gettext_lazy("Last day valid; empty when there is no expiry or the type does "
                                               "not publish dates."), "2026-10-28"),
    Column("place", "text", gettext_lazy("Address or place, when the type publishes it."), "12 Oak Street"),
    Column("district", "text", gettext_lazy("District of the place, when the type publishes it."), "Ward 1"),
    Column("holder", "text", gettext_lazy("Holder's name, only for types whose law makes it public (business "
                                          "licences); otherwise empty."), ""),
    Column("lat", "number", gettext_lazy("Latitude of the place (WGS84), when the type publishes it."), "41.88"),
    Column("long", "number", gettext_lazy("Longitude of the place (WGS84), when the type publishes it."),
           "-87.63"),
)


def export_batches(filters: Filters, today: dt.date, *, placed: bool = False, batch_size: int = EXPORT_BATCH):
    """The register's rows (`entries(filters, today)`) as tuples in COLUMNS order, newest permit first, in keyset
    batches of `batch_size`: only the facts each type publishes. `placed`: only the permits with a point (for
    GeoJSON)."""
    rows = entries(filters, today)
    if placed:
        rows = rows.exclude(lat__isnull=True)
    # Types and districts are few: read once, not joined to every row (building three more model instances per
    # row cost most of an export's time).
    types = {kind.pk: kind for kind in ApplicationType.objects.select_related("register")
             .filter(register__enabled=True)}
    districts = {district.pk: district.name for district in District.objects.all()}
    after = None
    while True:
        batch = list((rows.filter(permit_id__lt=after) if after else rows).order_by("-permit_id")[:batch_size])
        if not batch:
            return
        out = []
        for row in batch:
            kind = types[row.application_type_id]
            shown = kind.register
            out.append((row.number, kind.slug, row.state(today) if shown.show_status else None,
                        row.issued_on if shown.show_dates else None, row.valid_until if shown.show_dates else None,
                        row.place or None, districts.get(row.district_id), row.holder or None, row.lat, row.long))
        yield out
        if len(batch) < batch_size:
            return  # the last batch: asking for the next would read the rest of the index to find nothing
        after = batch[-1].permit_id


def open_data_batches(*, batch_size: int = EXPORT_BATCH):
    """The whole register (no filter; status on today's date) for the nightly open-data export."""
    return export_batches(Filters(), timezone.localdate(), batch_size=batch_size)


def open_data_point_batches(*, batch_size: int = EXPORT_BATCH):
    """The permits of the register with a point, for the open-data GeoJSON file."""
    return export_batches(Filters(), timezone.localdate(), placed=True, batch_size=batch_size)


#: The register as an open dataset, added to the catalogue by apps.py (opendata.builtin.register_dataset).
OPEN_DATA = BuiltinDataset(
    "permit-register", gettext_lazy("Register of permits and licences"),
    gettext_lazy("The permits and licences issued of every type whose public register is on: number and type, "
                 "and, as each type publishes them, the place, the dates and the status. The holder's name only "
                 "where the law makes it public; never contact details. Updated every night."),
    ("permits", "licences", "register"), COLUMNS, open_data_batches, formats=("csv", "geojson"),
    point_batches=open_data_point_batches)
