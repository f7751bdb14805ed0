"""`manage.py restore PATH [--force] [--media ARCHIVE]`: put a backup made by `manage.py backup` back in place."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from civicdesk.core import backups


class Command(BaseCommand):
    help = ("Restore a backup made by `manage.py backup` into the configured database (stop the app first). "
            "SQLite: the file replaces the database, the old one is kept beside it. PostgreSQL: pg_restore "
            "--clean --if-exists in one transaction. See docs/backups.md.")

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the backup file")
        parser.add_argument("--force", action="store_true",
                            help="restore even though other processes use the database (restart them afterwards)")
        parser.add_argument("--media", type=Path, metavar="ARCHIVE",
                            help="also unpack this media archive (PATH.media.tar.gz) into MEDIA_ROOT")

    def handle(self, *args, path, force, media, **options):
        try:
            self.stdout.write(backups.restore(path, force=force))
            if media:
                self.stdout.write(backups.restore_media(media))
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Run “manage.py migrate” if the backup is older than this version of CivicDesk."))
