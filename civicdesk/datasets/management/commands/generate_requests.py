"""`manage.py generate_requests N`: realistic synthetic requests for the city in the database (or a file)."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from civicdesk.catalog.models import ServiceType, Status
from civicdesk.datasets import formats
from civicdesk.datasets.bulk import REQUEST_COLUMNS, ExclusiveLoadRefused
from civicdesk.datasets.generator import (
    GeneratorError,
    RequestGenerator,
    generate_requests,
    generated_rows,
)
from civicdesk.datasets.progress import Progress
from civicdesk.jurisdictions.models import Department, Jurisdiction

UTC = dt.timezone.utc
_COLUMN = {name: index for index, name in enumerate(REQUEST_COLUMNS)}
NYC_OPEN = {"acknowledged": "Assigned", "in_progress": "In Progress", "investigating": "In Progress",
            "action_scheduled": "Pending"}


def jurisdiction_by_slug(slug: str | None) -> Jurisdiction | None:
    """The jurisdiction with this short name, None for no slug; raises CommandError naming the known ones."""
    if not slug:
        return None
    found = Jurisdiction.objects.filter(slug=slug).first()
    if found is None:
        known = ", ".join(Jurisdiction.objects.order_by("slug").values_list("slug", flat=True)) or gettext("none yet")
        raise CommandError(gettext("There is no jurisdiction with the short name “%(slug)s” (known: %(known)s).")
                           % {"slug": slug, "known": known})
    return found


class Command(BaseCommand):
    help = (
        "Write N realistic synthetic service requests, with their timelines, into the city in the database: "
        "category mix, hot spots, daily and weekly rhythm, closure times and statuses per category, routing as "
        "submitted requests get it. The same --seed on the same database writes the same requests. With --output "
        "the requests are written to a file in a published 311 shape (NYC or Chicago CSV, Open311 JSON) instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="how many requests to write")
        parser.add_argument("--jurisdiction", metavar="SLUG", help="only this jurisdiction (default: every active one)")
        parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        parser.add_argument("--since", type=int, default=365, metavar="DAYS",
                            help="spread the requests over the last DAYS days (default 365)")
        parser.add_argument("--batch", type=int, default=50_000, help="rows per transaction (default 50,000)")
        parser.add_argument("--rebuild-indexes", action="store_true",
                            help="drop the request and timeline tables' secondary indexes during the load and build "
                                 "them afterwards (faster for millions; only when nobody else uses the database)")
        parser.add_argument("--output", metavar="FILE", help="write a file instead of the database")
        parser.add_argument("--format", choices=formats.FORMATS, default="nyc",
                            help="the file's shape with --output (default nyc)")
        parser.add_argument("--clusters", type=int, default=0, metavar="N",
                            help="also inject N known clusters: 10-18 extra requests of one kind within 80 m of one "
                                 "place in the last --cluster-days days (for scoring hotspot detection)")
        parser.add_argument("--cluster-days", type=int, default=10, metavar="DAYS",
                            help="the injected clusters fall in the last DAYS days (default 10)")
        parser.add_argument("--clusters-file", metavar="FILE",
                            help="write the injected clusters to FILE as JSON (default: print them)")
        parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                            help="show a progress line on stderr (default: when stderr is a terminal)")

    def handle(self, *args, count: int, jurisdiction: str | None, seed: int, since: int, batch: int,
               rebuild_indexes: bool, output: str | None, format: str, progress: bool | None, clusters: int = 0,
               cluster_days: int = 10, clusters_file: str | None = None, **options) -> None:
        if count < 0 or clusters < 0:
            raise CommandError(gettext("The number of requests cannot be negative."))
        if batch < 1 or since < 1:
            raise CommandError(gettext("--batch and --since must be at least 1."))
        target = jurisdiction_by_slug(jurisdiction)
        show = progress if progress is not None else self.stderr.isatty()
        bar = Progress(self.stderr, total=count, enabled=show)
        try:
            if output:
                written = self._to_file(count, output, format, seed=seed, jurisdiction=target, since=since,
                                        batch=batch, bar=bar)
                bar.finish(written, written)
                self.stdout.write(gettext("Wrote %(count)d requests to %(file)s (%(format)s).")
                                  % {"count": written, "file": output, "format": format})
                return
            result = generate_requests(count, seed=seed, jurisdiction=target, since_days=since, batch=batch,
                                       rebuild_indexes=rebuild_indexes, on_batch=lambda done: bar.update(done, done),
                                       clusters=clusters, cluster_days=cluster_days)
        except (GeneratorError, ExclusiveLoadRefused) as exc:
            raise CommandError(str(exc)) from exc
        bar.finish(result.requests, result.requests)
        rate = result.requests / result.seconds if result.seconds else 0
        self.stdout.write(gettext("Generated %(count)d requests and %(entries)d timeline entries in %(seconds).1f s "
                                  "(%(rate)d requests/s).")
                          % {"count": result.requests, "entries": result.timeline_entries,
                             "seconds": result.seconds, "rate": rate})
        for slug, n in sorted(result.by_jurisdiction.items()):
            self.stdout.write(f"  {slug}: {n}")
        opened = sum(n for code, n in result.by_status.items() if Status.objects.get(code=code).is_open)
        self.stdout.write(gettext("Open: %(open)d, closed: %(closed)d.")
                          % {"open": opened, "closed": result.requests - opened})
        if result.clusters:
            text = json.dumps(result.clusters, indent=1)
            if clusters_file:
                with open(clusters_file, "w", encoding="utf-8") as stream:
                    stream.write(text + "\n")
                self.stdout.write(gettext("Injected %(n)d clusters, listed in %(file)s.")
                                  % {"n": len(result.clusters), "file": clusters_file})
            else:
                self.stdout.write(gettext("Injected clusters:") + "\n" + text)

    def _to_file(self, count: int, output: str, fmt: str, *, seed: int, jurisdiction, since: int, batch: int,
                 bar: Progress) -> int:
        generator = RequestGenerator(seed=seed, jurisdiction=jurisdiction, since_days=since)
        types = {t.pk: t for t in ServiceType.objects.all()}
        statuses = {s.pk: s for s in Status.objects.all()}
        departments = {d.pk: d for d in Department.objects.all()}
        places = {j.pk: j for j in Jurisdiction.objects.all()}
        c = _COLUMN
        with formats.text_stream(output) as stream:
            out = formats.RecordWriter(stream, fmt)
            for n, row in enumerate(generated_rows(generator, count, batch), start=1):
                tz = places[row[c["jurisdiction_id"]]].tz
                status = statuses[row[c["status_id"]]]
                service_type = types[row[c["service_type_id"]]]
                department = departments.get(row[c["department_id"]])

                def local(epoch, tz=tz):
                    return dt.datetime.fromtimestamp(epoch, UTC).astimezone(tz) if epoch is not None else None

                ids = {"nyc": str(60_000_000 + n), "chicago": f"SR{n:08d}", "open311": row[c["public_id"]]}
                out.write({
                    "source_id": ids[fmt], "category": service_type.name, "category_code": service_type.code,
                    "descriptor": row[c["description"]], "status": "open" if status.is_open else "closed",
                    "open_status": NYC_OPEN.get(status.code, "Open"), "cancelled": status.code == "cancelled",
                    "duplicate": status.code == "duplicate", "requested": local(row[c["requested_at"]]),
                    "updated": local(row[c["updated_at"]]), "closed": local(row[c["closed_at"]]),
                    "expected": local(row[c["expected_at"]]), "lat": row[c["lat"]], "long": row[c["long"]],
                    "address": row[c["address"]], "city": places[row[c["jurisdiction_id"]]].name, "zipcode": "",
                    "channel": row[c["channel"]], "department": department.name if department else "",
                    "department_code": department.slug.upper() if department else "",
                    "status_notes": "" if status.is_open else status.name,
                })
                if n % 1000 == 0:
                    bar.update(n, n)
            out.close()
        return out.count
