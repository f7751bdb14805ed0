"""Helpers for tests that need a second, fresh database and `manage.py` run as an operator runs it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

from django.db import connection

from .live_stack import ROOT, database_url_of, server_env


def fresh_database(tmp_path: Path, *, migrated: bool = False) -> tuple[str, Callable[[], None]]:
    """A URL of a new, empty database of the kind under test, and a function that removes it.

    SQLite: a file in `tmp_path` that does not exist yet; with `migrated`, a copy of BENCH_SQLITE_TEMPLATE when
    set (the `bench_sqlite_template` fixture: a database `migrate` made once per test run, holding nothing but
    what migrations put there), so that `migrate` on it has nothing left to apply instead of taking half a
    minute. PostgreSQL: a new database on the test server (`migrated` changes nothing: migrate it yourself).
    """
    if connection.vendor == "sqlite":
        path = tmp_path / f"fresh-{uuid.uuid4().hex[:8]}.sqlite3"
        template = os.environ.get("BENCH_SQLITE_TEMPLATE")
        if migrated and template and Path(template).is_file():
            shutil.copyfile(template, path)
        return f"sqlite:///{path}", lambda: None
    name = f"fresh_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return database_url_of(connection).rsplit("/", 1)[0] + "/" + name, drop


def rows(url: str, sql: str) -> list[tuple]:
    """Rows of `sql` read straight from the database at `url` (not through Django's connection)."""
    if url.startswith("sqlite:///"):
        db = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as db:
        return db.execute(sql).fetchall()


def manage(*arguments: str, database_url: str, var_dir: Path, **env: str) -> subprocess.CompletedProcess:
    """`manage.py <arguments>` in a new process configured for `database_url`, as an operator runs it."""
    return subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, capture_output=True, text=True,
                          env=server_env(database_url=database_url, var_dir=var_dir, **env), timeout=300,
                          check=False)


def clone_database(tmp_path: Path) -> tuple[str, Callable[[], None]]:
    """A URL of a copy of the test database as committed now (schema and rows), and a function that
    removes it: a second server's database without running every migration again (seconds, not half a
    minute). SQLite: the online backup API. PostgreSQL: CREATE DATABASE ... TEMPLATE, which needs the test
    database free of other sessions (this test's own connection is closed first; Django reopens it); when
    another is open (a live server thread keeps one), pg_dump piped into psql, or, without those tools, the
    other sessions are ended first."""
    if connection.vendor == "sqlite":
        path = tmp_path / f"clone-{uuid.uuid4().hex[:8]}.sqlite3"
        source, target = sqlite3.connect(connection.settings_dict["NAME"]), sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return f"sqlite:///{path}", lambda: None
    import shutil

    import psycopg

    name = f"clone_{uuid.uuid4().hex[:12]}"
    test_url = database_url_of(connection)
    test_name = connection.settings_dict["NAME"]
    server_url = test_url.rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1) + "/postgres"
    clone_url = test_url.rsplit("/", 1)[0] + "/" + name
    connection.close()
    with psycopg.connect(server_url, autocommit=True) as admin:
        try:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{test_name}"')
        except psycopg.errors.ObjectInUse:
            if shutil.which("pg_dump") and shutil.which("psql"):
                admin.execute(f'CREATE DATABASE "{name}"')
                dump = subprocess.run(["pg_dump", "--no-owner", "--dbname", test_url.replace(
                    "postgres://", "postgresql://", 1)], capture_output=True, check=True, timeout=300)
                subprocess.run(["psql", "--quiet", "--set", "ON_ERROR_STOP=1", "--dbname", clone_url.replace(
                    "postgres://", "postgresql://", 1)], input=dump.stdout, capture_output=True, check=True,
                               timeout=300)
            else:
                # Without the client tools: end the other sessions (their owners reconnect) and copy.
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = %s AND pid <> pg_backend_pid()", [test_name])
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{test_name}"')

    def drop() -> None:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return clone_url, drop


def pattern_ops_indexes(table: str) -> list[str]:
    """The names of `table`'s `varchar_pattern_ops` indexes on the test database (PostgreSQL only: Django adds one
    beside each indexed text column there, for `LIKE 'prefix%'`)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
                       [table, "%varchar_pattern_ops%"])
        return [name for (name,) in cursor.fetchall()]
