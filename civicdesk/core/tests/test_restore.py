"""`manage.py restore`: clear refusals, nothing touched when refused, and a database in use left alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from civicdesk.testing.databases import fresh_database, manage, rows


@pytest.fixture
def backup_file(tworld, tmp_path) -> Path:
    path = tmp_path / "city.backup"
    call_command("backup", output=path, stdout=open(os.devnull, "w"))
    return path


def test_it_says_so_when_there_is_no_backup_at_the_path(db, tmp_path):
    with pytest.raises(CommandError, match="There is no backup file at"):
        call_command("restore", tmp_path / "nothing-here.sqlite3")


def test_it_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Backups are on the shelf in room 4.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="neither a SQLite database nor a pg_dump custom-format file"):
        call_command("restore", notes)


def test_it_refuses_a_backup_of_the_other_kind_of_database(db, tmp_path):
    other = tmp_path / "other.backup"
    other.write_bytes(b"PGDMP\x01\x0f\x00" if connection.vendor == "sqlite" else b"SQLite format 3\x00" + bytes(84))
    kind = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    with pytest.raises(CommandError, match=f"is a {kind} backup, but the configured database is {connection.vendor}"):
        call_command("restore", other)


def test_it_refuses_while_another_process_uses_the_database_and_restores_with_force(backup_file, tmp_path):
    url, drop = fresh_database(tmp_path)
    var = tmp_path / "var"
    try:
        first = manage("restore", str(backup_file), database_url=url, var_dir=var)
        assert first.returncode == 0, first.stderr
        # Something still uses the database: an app server that was not stopped.
        if url.startswith("sqlite:///"):
            path = url.removeprefix("sqlite:///")
            holder = subprocess.Popen([sys.executable, "-c", "import sqlite3, sys, time; "
                                       f"c = sqlite3.connect({path!r}); c.execute('SELECT 1'); print('open', "
                                       "flush=True); time.sleep(120)"], stdout=subprocess.PIPE, text=True)
            assert holder.stdout.readline().strip() == "open"
            close = lambda: (holder.send_signal(signal.SIGTERM), holder.wait())  # noqa: E731
        else:
            session = psycopg.connect(url.replace("postgres://", "postgresql://", 1))
            close = session.close
        try:
            refused = manage("restore", str(backup_file), database_url=url, var_dir=var)
            assert refused.returncode != 0
            assert "Stop the app" in refused.stderr and "--force" in refused.stderr
            forced = manage("restore", str(backup_file), "--force", database_url=url, var_dir=var)
            assert forced.returncode == 0, forced.stderr
        finally:
            close()
        assert rows(url, "SELECT count(*) FROM jurisdictions_jurisdiction") == [(2,)]
        if url.startswith("sqlite:///"):
            kept = list(Path(path).parent.glob(Path(path).name + ".before-restore-*"))
            assert len(kept) == 1 and "kept as" in forced.stdout
    finally:
        drop()


def test_it_refuses_a_sqlite_database_that_is_not_civicdesk(db, tmp_path):
    import sqlite3

    stranger = tmp_path / "recipes.sqlite3"
    with sqlite3.connect(stranger) as recipes:
        recipes.execute("CREATE TABLE recipe (name TEXT)")
    recipes.close()
    expected = ("not a CivicDesk one" if connection.vendor == "sqlite"
                else "is a sqlite backup, but the configured database is postgresql")
    with pytest.raises(CommandError, match=expected):
        call_command("restore", stranger)


def test_it_unpacks_the_media_archive_into_media_root(backup_file, tmp_path):
    archive = tmp_path / "city.backup.media.tar.gz"
    (tmp_path / "old-media" / "requests").mkdir(parents=True)
    (tmp_path / "old-media" / "requests" / "graffiti.jpg").write_bytes(b"\xff\xd8 tag on the wall")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "old-media", arcname="media")
    url, drop = fresh_database(tmp_path)
    try:
        result = manage("restore", str(backup_file), "--media", str(archive), database_url=url,
                        var_dir=tmp_path / "var", MEDIA_ROOT=str(tmp_path / "new-media"))
    finally:
        drop()
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "new-media" / "requests" / "graffiti.jpg").read_bytes() == b"\xff\xd8 tag on the wall"


def test_it_explains_a_refusal_in_spanish(db, tmp_path):
    from django.utils import translation

    with translation.override("es"), pytest.raises(CommandError, match="No hay ningún archivo de copia de seguridad"):
        call_command("restore", tmp_path / "copia-de-ayer.sqlite3")
