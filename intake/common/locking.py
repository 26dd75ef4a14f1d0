"""Serialise a "read, check, then write" across processes (after pretix's `lock_objects`).

PostgreSQL: transaction-scoped advisory locks on stable keys, taken in sorted order so two
writers never wait on each other crosswise, under a lock timeout so a stuck writer turns into a
clear "try again" instead of a hanging page. SQLite: the settings open every transaction with
BEGIN IMMEDIATE, which already holds the database's single write lock. Other databases fall back
to `select_for_update` on the rows given.

The keys name what is guarded: a city's quota places (`quotas.locking`), the province's
selection, a unit's evaluation.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

LOCK_TIMEOUT_MS = 5000


class LockBusy(ValidationError):
    pass


def advisory_key(*parts):
    """A signed 64-bit key, stable across processes and restarts (unlike hash())."""
    digest = hashlib.blake2b(":".join(str(p) for p in parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_objects(keys, *, rows=()):
    """Lock `keys` (tuples naming what is counted) until the surrounding transaction ends.

    Must run inside `transaction.atomic()`. `rows` are model instances to lock with
    `select_for_update` where no advisory locks exist.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("lock_objects() must be called inside transaction.atomic()")
    vendor = connection.vendor
    try:
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = %s", [f"{LOCK_TIMEOUT_MS}ms"])
                for key in sorted(advisory_key(*k) for k in keys):
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
        elif vendor != "sqlite":
            for row in sorted(rows, key=lambda r: (r._meta.label, r.pk)):
                type(row).objects.select_for_update().filter(pk=row.pk).first()
    except OperationalError as exc:
        raise LockBusy("系统正忙（其他用户正在提交同一地市的数据），请稍候几秒后重新提交。") from exc
