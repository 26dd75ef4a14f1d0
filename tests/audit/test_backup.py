"""Backup and restore of data and uploads together: the demo with uploaded PDFs is backed up,
restored into a fresh database and an empty folder, and every table's rows and every file are
compared (on the database the suite runs on: SQLite, or PostgreSQL with pg_dump/pg_restore)."""

import hashlib
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from intake.audit.backup import missing_files
from intake.models import Slate
from tests.factories import nominate, open_campaign, ready_slate

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump reads committed data, like cron would


@pytest.fixture
def fresh_database(tmp_path):
    """(DATABASE_URL of a new empty database, a raw DB-API connection factory); dropped afterwards."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        # The same type conversions as the source connection, so equal rows compare equal.
        detect = connection.get_connection_params()["detect_types"]
        yield f"sqlite:///{path}", lambda: sqlite3.connect(path, detect_types=detect)
        return
    import psycopg2

    s = connection.settings_dict
    name = f"{s['NAME']}_restore"
    params = {"host": s["HOST"] or "127.0.0.1", "port": s["PORT"] or 5432, "user": s["USER"], "password": s["PASSWORD"]}
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    opened = []

    def connect():
        opened.append(psycopg2.connect(dbname=name, **params))
        return opened[-1]

    password = f":{params['password']}" if params["password"] else ""
    yield f"postgres://{params['user']}{password}@{params['host']}:{params['port']}/{name}", connect
    for conn in opened:
        conn.close()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def restore(database_url, media, backup):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env.update(DATABASE_URL=database_url, PRIVATE_MEDIA_ROOT=str(media), DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run([sys.executable, "manage.py", "restore", str(backup)], cwd=ROOT, env=env,
                          capture_output=True, text=True)


def table_rows(raw_connection, tables):
    cursor = raw_connection.cursor()
    contents = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')
        contents[table] = sorted(map(repr, cursor.fetchall()))
    return contents


def files_in(folder):
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file()}


def test_backup_of_the_demo_with_uploads_restores_into_a_fresh_database(seeded, tmp_path, fresh_database, client):
    client.post("/accounts/login/", {"username": "qingyuan", "password": "wrong"})  # a security log entry
    nominate("qingyuan", "project")
    ready_slate("qingyuan")  # two stamped PDFs in PRIVATE_MEDIA_ROOT
    slate = Slate.objects.get(city__slug="qingyuan", campaign=open_campaign())
    assert slate.letter_pdf and files_in(settings.PRIVATE_MEDIA_ROOT)

    out = io.StringIO()
    call_command("backup", str(tmp_path / "backup"), stdout=out)
    assert "已备份" in out.getvalue()
    database_url, connect = fresh_database
    media = tmp_path / "restored-files"
    result = restore(database_url, media, tmp_path / "backup")
    assert result.returncode == 0, result.stderr
    assert "校验一致" in result.stdout

    tables = sorted(connection.introspection.table_names())
    assert "intake_nomination" in tables and "intake_securityevent" in tables
    source = table_rows(connection.connection, tables)
    restored_connection = connect()
    restored = table_rows(restored_connection, tables)
    # The backup's own log entry was written after the snapshot: the only difference.
    source["intake_securityevent"] = [r for r in source["intake_securityevent"] if "'backup'" not in r]
    assert restored == source
    assert files_in(media) == files_in(settings.PRIVATE_MEDIA_ROOT)
    assert (media / slate.letter_pdf.name).is_file() and not missing_files(media)

    # The restored log is still append-only (its triggers came with it).
    cursor = restored_connection.cursor()
    with pytest.raises(Exception, match="append-only"):
        cursor.execute("UPDATE intake_securityevent SET detail = 'x'")
    restored_connection.rollback()

    # Never over existing data: a second restore into the same database is refused.
    again = restore(database_url, tmp_path / "other-files", tmp_path / "backup")
    assert again.returncode != 0 and "不是空的" in again.stderr


def test_a_damaged_backup_is_refused_before_anything_is_written(seeded, tmp_path, fresh_database):
    ready_slate("qingyuan")
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    pdf = next((tmp_path / "backup" / "files").rglob("*.pdf"))
    pdf.write_bytes(pdf.read_bytes() + b"tampered")
    result = restore(fresh_database[0], tmp_path / "restored-files", tmp_path / "backup")
    assert result.returncode != 0 and "校验值不符" in result.stderr
    assert not (tmp_path / "restored-files").exists()


def test_backup_needs_an_empty_folder(seeded, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "something").write_text("x")
    with pytest.raises(CommandError, match="不是空的"):
        call_command("backup", str(tmp_path / "used"), stdout=io.StringIO())
