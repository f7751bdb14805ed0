"""Backups of the database (and, for local storage, the media files), and restoring them.

- SQLite: sqlite3's online backup API (`Connection.backup`) copies the database in one step inside a single
  read transaction, so the copy is consistent while the app keeps writing (WAL lets writers go on beside a
  reader). It is written to a temporary file, checked (`PRAGMA quick_check`) and renamed into place.
- PostgreSQL: `pg_dump --format=custom` (one snapshot of the whole database while writers continue),
  restored with `pg_restore --clean --if-exists` in one transaction. Credentials go to the tools through
  their environment variables (PGPASSWORD, ...), never on the command line where `ps` shows them.
- Media: a .tar.gz of MEDIA_ROOT when uploads are kept on local disk. Object storage (S3) is backed up with
  the bucket's own tools (versioning, replication); see docs/backups.md.

Used by `manage.py backup` and `manage.py restore`.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

SQLITE_HEADER = b"SQLite format 3\x00"
PGDUMP_HEADER = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why in plain words."""


@dataclass
class Database:
    """The configured database (settings.DATABASES[alias]) as the backup tools need it."""

    vendor: str  # "sqlite" or "postgresql"
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    options: dict | None = None

    @classmethod
    def configured(cls, alias: str = "default") -> Database:
        params = settings.DATABASES[alias]
        engine = params["ENGINE"]
        if engine.endswith("sqlite3"):
            return cls("sqlite", str(params["NAME"]))
        if "postgresql" in engine:
            return cls("postgresql", str(params["NAME"]), str(params.get("USER") or ""),
                       str(params.get("PASSWORD") or ""), str(params.get("HOST") or ""),
                       str(params.get("PORT") or ""), dict(params.get("OPTIONS") or {}))
        raise BackupError(_("Backups are made for SQLite and PostgreSQL only, not for %(engine)s.") % {"engine": engine})

    def tool_env(self) -> dict[str, str]:
        """The environment for pg_dump/pg_restore: libpq's PG* variables, the password among them."""
        env = {name: value for name, value in os.environ.items() if not name.startswith("PG")}
        for variable, value in (("PGHOST", self.host), ("PGPORT", self.port), ("PGUSER", self.user),
                                ("PGPASSWORD", self.password), ("PGDATABASE", self.name)):
            if value:
                env[variable] = value
        for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                                 ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY"), ("service", "PGSERVICE")):
            if (self.options or {}).get(option):
                env[variable] = str(self.options[option])
        return env


def default_output(database: Database, now: dt.datetime | None = None) -> Path:
    """VAR_DIR/backups/civicdesk-<UTC time>.<sqlite3|dump>."""
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    suffix = "sqlite3" if database.vendor == "sqlite" else "dump"
    return Path(settings.VAR_DIR) / "backups" / f"civicdesk-{stamp}.{suffix}"


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _partial(output: Path) -> Path:
    return output.with_name(f".{output.name}.partial")


def backup(output: Path | None = None, *, alias: str = "default") -> Path:
    """Back up the configured database into `output` (default: default_output()); returns the path written.

    Nothing is left at `output` unless the whole backup succeeded. Raises BackupError.
    """
    database = Database.configured(alias)
    output = Path(output) if output else default_output(database)
    if output.is_dir():
        output = output / default_output(database).name
    if output.exists():
        raise BackupError(_("%(path)s already exists: choose another file name, or move the old backup away.") % {"path": output})
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial(output)
    partial.unlink(missing_ok=True)
    try:
        if database.vendor == "sqlite":
            _backup_sqlite(Path(database.name), partial)
        else:
            _backup_postgres(database, partial)
        _fsync(partial)
        partial.rename(output)
        _fsync_dir(output.parent)
    finally:
        partial.unlink(missing_ok=True)
    return output


def _backup_sqlite(source: Path, target: Path) -> None:
    if not source.exists():
        raise BackupError(_("The database file %(path)s does not exist.") % {"path": source})
    # The URI's mode=ro opens the live database without ever creating or changing it.
    live = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=60)
    copy = sqlite3.connect(target)
    try:
        # pages=-1: everything in one step, inside one read transaction, so writers that commit meanwhile
        # (in the WAL) neither restart the copy nor appear in it half-way.
        live.backup(copy, pages=-1)
        check = copy.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(_("The copy failed its integrity check: %(result)s") % {"result": check})
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    except sqlite3.Error as exc:
        raise BackupError(_("SQLite could not copy %(path)s: %(error)s") % {"path": source, "error": exc}) from exc
    finally:
        copy.close()
        live.close()


def _version(path: str) -> tuple[int, ...]:
    found = re.search(r"/postgresql/(\d+)/", path)
    return (int(found.group(1)),) if found else (0,)


def pg_tool(name: str) -> str:
    """The path of `name` (pg_dump, pg_restore): on PATH, else the newest /usr/lib/postgresql/*/bin/<name>."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version)
    if candidates:
        return candidates[-1]
    raise BackupError(_("%(tool)s was not found on PATH or in /usr/lib/postgresql/*/bin: install the PostgreSQL client tools "
                        "(Debian: postgresql-client) of the server's major version or newer.") % {"tool": name})


def _run_tool(command: list[str], database: Database, what: str) -> None:
    try:
        result = subprocess.run(command, env=database.tool_env(), capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BackupError(_("%(tool)s could not be started: %(error)s") % {"tool": command[0], "error": exc}) from exc
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise BackupError(_("%(what)s failed (%(tool)s exited with %(code)s): %(detail)s") % {
            "what": what, "tool": Path(command[0]).name, "code": result.returncode, "detail": detail})


def _backup_postgres(database: Database, target: Path) -> None:
    _run_tool([pg_tool("pg_dump"), "--format=custom", "--file", str(target), "--dbname", database.name],
              database, _("Dumping the database %(name)s") % {"name": database.name})


def backup_media(output: Path) -> Path | None:
    """A .tar.gz of MEDIA_ROOT next to the database backup (None when nothing is stored on local disk).

    Raises BackupError when uploads live in object storage, whose own tools back them up.
    """
    backend = settings.STORAGES["default"]["BACKEND"]
    if not backend.endswith("FileSystemStorage"):
        raise BackupError(_("Uploads are kept in %(backend)s, not on local disk: back up that storage (for S3, bucket "
                            "versioning or replication) with its own tools. See docs/backups.md.") % {"backend": backend})
    media = Path(settings.MEDIA_ROOT)
    if not media.is_dir():
        return None
    target = output.with_name(output.name + ".media.tar.gz")
    if target.exists():
        raise BackupError(_("%(path)s already exists.") % {"path": target})
    partial = _partial(target)
    try:
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(media, arcname="media")
        _fsync(partial)
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


# --- Restoring ---------------------------------------------------------------------------------------------------

def kind_of(path: Path) -> str:
    """"sqlite" or "postgresql" by the file's first bytes; BackupError for anything else."""
    if not path.is_file():
        raise BackupError(_("There is no backup file at %(path)s.") % {"path": path})
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_HEADER):
        return "sqlite"
    if head.startswith(PGDUMP_HEADER):
        return "postgresql"
    raise BackupError(_("%(path)s is neither a SQLite database nor a pg_dump custom-format file.") % {"path": path})


def processes_using(path: Path) -> list[int]:
    """Ids of other processes that have `path` (or its -wal/-shm files) open, read from /proc (Linux)."""
    wanted = {str(Path(f"{path}{suffix}").resolve()) for suffix in ("", "-wal", "-shm")}
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            targets = {os.readlink(fd) for fd in (entry / "fd").iterdir()}
        except OSError:  # gone, or not ours to look at
            continue
        if targets & wanted:
            found.append(int(entry.name))
    return sorted(found)


def restore(path: Path, *, force: bool = False, alias: str = "default") -> str:
    """Put the backup at `path` in place of the configured database; returns what happened, in words.

    SQLite: refused while another process has the database open (stop the app first), unless `force`.
    The database being replaced is kept beside it as <name>.before-restore-<time>. PostgreSQL:
    pg_restore --clean --if-exists in a single transaction (all or nothing), refused while other sessions
    are connected to the database, unless `force`. Raises BackupError.
    """
    path = Path(path)
    database = Database.configured(alias)
    kind = kind_of(path)
    if kind != database.vendor:
        raise BackupError(_("%(path)s is a %(kind)s backup, but the configured database is %(vendor)s: set DATABASE_URL to "
                            "a database of the same kind.") % {"path": path, "kind": kind, "vendor": database.vendor})
    if kind == "sqlite":
        return _restore_sqlite(path, Path(database.name), force=force)
    return _restore_postgres(path, database, force=force, alias=alias)


def _restore_sqlite(source: Path, target: Path, *, force: bool) -> str:
    check = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        verdict = check.execute("PRAGMA quick_check").fetchone()[0]
        has_migrations = check.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='django_migrations'").fetchone()
    except sqlite3.Error as exc:
        raise BackupError(_("%(path)s cannot be read as a SQLite database: %(error)s") % {"path": source, "error": exc}) from exc
    finally:
        check.close()
    if verdict != "ok":
        raise BackupError(_("%(path)s failed its integrity check (%(result)s); it was not restored.") % {"path": source, "result": verdict})
    if not has_migrations:
        raise BackupError(_("%(path)s is a SQLite database but not a CivicDesk one (no django_migrations table).") % {"path": source})
    users = processes_using(target)
    if users and not force:
        raise BackupError(_("The database %(path)s is in use by process(es) %(pids)s. Stop the app (web server and task "
                            "workers) first, or pass --force and restart them afterwards.") % {
                              "path": target, "pids": ", ".join(map(str, users))})
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = _partial(target)
    staged.unlink(missing_ok=True)
    shutil.copyfile(source, staged)
    _fsync(staged)
    kept = ""
    if target.exists():
        # Fold the old database's WAL into it so the kept copy is complete on its own.
        with sqlite3.connect(target, timeout=60) as old:
            old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        old.close()
        kept_path = target.with_name(f"{target.name}.before-restore-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}")
        target.rename(kept_path)
        kept = " " + _("The database it replaced is kept as %(path)s.") % {"path": kept_path}
    for suffix in ("-wal", "-shm"):  # a leftover WAL of the old database must never be replayed into the new one
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    staged.rename(target)
    _fsync_dir(target.parent)
    note = " " + _("Restart every process that had it open.") if force and users else ""
    return _("Restored %(backup)s into %(path)s.") % {"backup": source, "path": target} + kept + note


def _restore_postgres(source: Path, database: Database, *, force: bool, alias: str) -> str:
    from django.db import connections

    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
        others = cursor.fetchone()[0]
    connections[alias].close()
    if others and not force:
        raise BackupError(_("%(count)s other session(s) are connected to the database %(name)s. Stop the app (web servers "
                            "and task workers) first, or pass --force.") % {"count": others, "name": database.name})
    _run_tool([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
               "--exit-on-error", "--dbname", database.name, str(source)], database,
              _("Restoring into the database %(name)s") % {"name": database.name})
    return _("Restored %(backup)s into the PostgreSQL database %(name)s.") % {"backup": source, "name": database.name}


def restore_media(archive: Path) -> str:
    """Unpack a media .tar.gz made by backup_media() into MEDIA_ROOT (files already there are overwritten)."""
    if not archive.is_file():
        raise BackupError(_("There is no media archive at %(path)s.") % {"path": archive})
    media = Path(settings.MEDIA_ROOT)
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = [m for m in tar.getmembers() if m.name == "media" or m.name.startswith("media/")]
            if not members:
                raise BackupError(_("%(path)s holds no media folder.") % {"path": archive})
            for member in members:
                member.name = member.name[len("media"):].lstrip("/") or "."
            media.mkdir(parents=True, exist_ok=True)
            tar.extractall(media, members=members, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(_("%(path)s could not be unpacked: %(error)s") % {"path": archive, "error": exc}) from exc
    return _("Unpacked %(count)s entries of %(path)s into %(folder)s.") % {"count": len(members), "path": archive,
                                                                           "folder": media}
