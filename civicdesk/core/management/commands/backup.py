"""`manage.py backup [--output PATH] [--media]`: a consistent copy of the database while the app keeps running."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from civicdesk.core import backups


class Command(BaseCommand):
    help = ("Back up the database while the app keeps running: SQLite through its online backup API, PostgreSQL "
            "with pg_dump --format=custom. With --media, also a .tar.gz of MEDIA_ROOT (local disk only). "
            "See docs/backups.md.")

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, metavar="PATH",
                            help="file (or existing folder) to write; default VAR_DIR/backups/civicdesk-<time>.*")
        parser.add_argument("--media", action="store_true",
                            help="also archive the uploaded files (MEDIA_ROOT) into PATH.media.tar.gz")

    def handle(self, *args, output, media, **options):
        try:
            written = backups.backup(output)
            archive = backups.backup_media(written) if media else None
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Database backed up to %(path)s (%(size)s bytes).") % {
            "path": written, "size": f"{written.stat().st_size:,}"})
        if media:
            self.stdout.write(_("Media archived to %(path)s.") % {"path": archive} if archive
                              else _("No media folder: nothing to archive."))
