"""Backup and restore of the data and the uploaded files together (数据备份恢复).

Why a backup taken from a running system is consistent: the database is copied first, as one
snapshot (pg_dump reads in a single repeatable-read transaction; SQLite's online backup API
copies every page in one step), and the upload folder after it. An upload is stored under a new
generated name before the row that names it commits (`intake/common/uploads.py`), and a stored file is
never overwritten or deleted afterwards (replaced files stay, nothing is deleted), so every file
a row of the snapshot names already exists, unchanged, when the folder is copied. Files written
after the snapshot are extra and harmless. The restore checks that every file the restored rows
name is present with the checksum the backup recorded.

Layout of a backup folder: `manifest.json`, `database.dump` (PostgreSQL custom format) or
`database.sqlite3`, and `files/` (PRIVATE_MEDIA_ROOT as it was).
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, models
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _vendor():
    if connection.vendor not in DUMPS:
        raise CommandError(f"不支持的数据库类型：{connection.vendor}（仅支持 PostgreSQL 和 SQLite）。")
    return connection.vendor


def _pg_env_and_args():
    s = connection.settings_dict
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]  # never on the command line, where `ps` would show it
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if s.get(key):
            args += [flag, str(s[key])]
    return env, args, s["NAME"]


def _run(command, env):
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise CommandError(
            f"找不到 {command[0]}：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client）。")
    if result.returncode != 0:
        raise CommandError(f"{Path(command[0]).name} 失败：{result.stderr.strip()[-2000:]}")


def _empty_folder(path, what):
    path = Path(path)
    if path.exists() and any(path.iterdir()):
        raise CommandError(f"{what} {path} 不是空的：请指定一个新的空文件夹。")
    path.mkdir(parents=True, exist_ok=True)
    return path


def backup(target):
    """Copy the database, then the uploads, into the empty folder `target`; returns the manifest."""
    vendor = _vendor()
    target = _empty_folder(target, "备份文件夹")
    dump = target / DUMPS[vendor]
    if vendor == "postgresql":
        env, args, name = _pg_env_and_args()
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args, "--file", str(dump), name], env)
    else:
        if connection.in_atomic_block:
            raise CommandError("SQLite 的在线备份不能在事务中进行：请直接运行 manage.py backup。")
        connection.ensure_connection()
        with sqlite3.connect(dump) as copy:
            connection.connection.backup(copy)
        copy.close()
    media = Path(settings.PRIVATE_MEDIA_ROOT)
    files = {}
    if media.exists():
        for source in sorted(p for p in media.rglob("*") if p.is_file()):
            relative = source.relative_to(media).as_posix()
            destination = target / FILES / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
            files[relative] = {"size": destination.stat().st_size, "sha256": _sha256(destination)}
    manifest = {
        "format": FORMAT, "created": timezone.now().isoformat(), "database": vendor, "dump": dump.name,
        "dump_sha256": _sha256(dump), "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def read_manifest(source):
    path = Path(source) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"{path} 无法读取：不是本系统的备份文件夹？（{exc}）")
    if manifest.get("format") != FORMAT:
        raise CommandError(f"备份格式 {manifest.get('format')} 不是本版本能恢复的格式 {FORMAT}。")
    return manifest


def _database_is_empty():
    return not connection.introspection.table_names()


def restore(source):
    """Restore a backup into the configured database and PRIVATE_MEDIA_ROOT, both empty."""
    source = Path(source)
    manifest = read_manifest(source)
    vendor = _vendor()
    if manifest["database"] != vendor:
        raise CommandError(f"这是 {manifest['database']} 的备份，不能恢复到 {vendor} 数据库。")
    dump = source / manifest["dump"]
    if _sha256(dump) != manifest["dump_sha256"]:
        raise CommandError(f"{dump} 与备份时的校验值不符：备份已损坏，请换用另一份。")
    for relative, meta in manifest["files"].items():
        if _sha256(source / FILES / relative) != meta["sha256"]:
            raise CommandError(f"上传文件 {relative} 与备份时的校验值不符：备份已损坏，请换用另一份。")
    if not _database_is_empty():
        raise CommandError(
            "目标数据库不是空的：请新建一个空数据库（PostgreSQL：createdb；SQLite：新的文件路径）后再恢复。")
    media = _empty_folder(settings.PRIVATE_MEDIA_ROOT, "上传文件夹 PRIVATE_MEDIA_ROOT")
    if vendor == "postgresql":
        env, args, name = _pg_env_and_args()
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", *args,
              "--dbname", name, str(dump)], env)
    else:
        name = connection.settings_dict["NAME"]
        if str(name).startswith(("file:memorydb", ":memory:")):
            raise CommandError("不能恢复到内存数据库，请在 DATABASE_URL 中指定一个文件。")
        connection.close()
        with sqlite3.connect(dump) as backup_copy, sqlite3.connect(name) as restored:
            backup_copy.backup(restored)
        backup_copy.close()
        restored.close()
    for relative in manifest["files"]:
        destination = media / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / FILES / relative, destination)
    missing = missing_files(media)
    if missing:
        raise CommandError(f"恢复后的数据引用了 {len(missing)} 个备份中没有的文件，例如 {missing[:3]}。")
    return manifest


def missing_files(media):
    """Files the database names that are not in `media` (none after a consistent restore)."""
    missing = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names = model._base_manager.exclude(**{field.attname: ""}).values_list(field.attname, flat=True)
                missing += [name for name in names if name and not (Path(media) / name).is_file()]
    return missing
