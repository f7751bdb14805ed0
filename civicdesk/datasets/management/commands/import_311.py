"""`manage.py import_311 FILE --format nyc|chicago|open311`: load published 311 data, resumably."""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from civicdesk.datasets import formats
from civicdesk.datasets.bulk import ExclusiveLoadRefused
from civicdesk.datasets.formats import SourceFileError
from civicdesk.datasets.importer import ImportFailed, import_file
from civicdesk.datasets.progress import Progress

from .generate_requests import jurisdiction_by_slug


class Command(BaseCommand):
    help = (
        "Import 311 service requests from NYC's or Chicago's published CSV files (their exact columns) or from "
        "Open311 GeoReport v2 JSON (an array of requests, or one request per line). The file is streamed in "
        "batches, each saved in one transaction; rows imported before (same source id) are skipped, bad rows are "
        "written with the reason to a reject file, and an interrupted import continues with --resume."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file to import")
        parser.add_argument("--format", required=True, choices=formats.FORMATS, help="the file's shape")
        parser.add_argument("--jurisdiction", metavar="SLUG",
                            help="import into this jurisdiction only (rows outside it are rejected); default: the "
                                 "jurisdiction holding each point")
        parser.add_argument("--source", metavar="NAME",
                            help="the name of the system the ids come from (default: the format); ids are only "
                                 "compared with ids of the same source")
        parser.add_argument("--create-types", action="store_true",
                            help="create a service type (inactive, in the “Imported” group) for each unknown "
                                 "category instead of rejecting its rows")
        parser.add_argument("--map", metavar="MAPPING.csv",
                            help="a CSV file with the header source,service_code mapping source categories to "
                                 "service codes")
        parser.add_argument("--rejects", metavar="FILE", help="where to write rejected rows (default FILE.rejects.csv)")
        parser.add_argument("--resume", action="store_true",
                            help="continue the last unfinished import of this file after its last saved batch")
        parser.add_argument("--batch", type=int, default=5000, help="rows per transaction (default 5,000)")
        parser.add_argument("--max-batches", type=int, metavar="K",
                            help="stop after K batches (continue later with --resume)")
        parser.add_argument("--rebuild-indexes", action="store_true",
                            help="drop the request and timeline tables' secondary indexes during the import and "
                                 "build them afterwards (faster for millions; only when nobody else uses the "
                                 "database)")
        parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                            help="show a progress line on stderr (default: when stderr is a terminal)")

    def handle(self, *args, file: str, format: str, jurisdiction: str | None, source: str | None,
               create_types: bool, map: str | None, rejects: str | None, resume: bool, batch: int,
               max_batches: int | None, rebuild_indexes: bool, progress: bool | None, **options) -> None:
        if batch < 1 or (max_batches is not None and max_batches < 1):
            raise CommandError(gettext("--batch and --max-batches must be at least 1."))
        target = jurisdiction_by_slug(jurisdiction)
        show = progress if progress is not None else self.stderr.isatty()
        bar = None

        def on_batch(run) -> None:
            nonlocal bar
            if bar is None:
                bar = Progress(self.stderr, total=run.size, enabled=show)
            bar.update(run.offset, run.rows_read)

        try:
            summary = import_file(file, fmt=format, source=source or "", jurisdiction=target,
                                  create_types=create_types, mapping_path=map, reject_path=rejects, resume=resume,
                                  batch=batch, max_batches=max_batches, rebuild_indexes=rebuild_indexes,
                                  on_batch=on_batch)
        except (ImportFailed, SourceFileError, ExclusiveLoadRefused) as exc:
            raise CommandError(str(exc)) from exc
        if bar is not None:
            bar.finish(summary.run.offset, summary.run.rows_read)
        run = summary.run
        self.stdout.write(gettext("Rows read: %(read)d; loaded: %(loaded)d; skipped as already imported: "
                                  "%(skipped)d; rejected: %(rejected)d.")
                          % {"read": summary.read, "loaded": summary.loaded, "skipped": summary.skipped,
                             "rejected": summary.rejected})
        if summary.created_types:
            self.stdout.write(gettext("Created %(count)d service types (inactive, in the “Imported” group): %(codes)s.")
                              % {"count": len(summary.created_types), "codes": ", ".join(summary.created_types)})
        if run.rows_rejected:
            self.stdout.write(gettext("Rejected rows and the reasons are in %(path)s.") % {"path": run.reject_path})
        if summary.finished:
            self.stdout.write(gettext("Import #%(id)d finished: %(loaded)d requests loaded from %(path)s in all.")
                              % {"id": run.pk, "loaded": run.rows_loaded, "path": run.path})
        else:
            self.stdout.write(gettext("Import #%(id)d stopped after %(rows)d rows; continue it with --resume.")
                              % {"id": run.pk, "rows": run.rows_read})
