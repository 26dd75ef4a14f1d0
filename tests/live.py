"""Real app servers for tests: gunicorn (several worker processes) on the test database, and
logged-in HTTP sessions for it or for pytest-django's `live_server`. PostgreSQL only: the
test database must be reachable from other processes (SQLite's test database is in memory)."""

from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from bench.harness import Gunicorn, Session, production_env
from tests.factories import user

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: other processes share the test database"
)


def shared_database_url():
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextmanager
def gunicorn(tmp_path, *, workers=3, threads=1, timeout=30):
    """gunicorn with production settings on the test database; shares SECRET_KEY with the test
    process so sessions made with `session_for` are valid there."""
    env = production_env(
        tmp_path, database_url=shared_database_url(), secret_key=settings.SECRET_KEY,
        DJANGO_SETTINGS_MODULE="tests.server_settings", CONN_MAX_AGE="0",
    )
    server = Gunicorn(env, workers=workers, threads=threads, timeout=timeout, log=tmp_path / "gunicorn.log")
    try:
        yield server.start()
    finally:
        server.stop()
        log = tmp_path / "gunicorn.log"
        if log.exists() and log.stat().st_size:
            print(f"--- {log}\n{log.read_text(errors='replace')[-5000:]}")


def session_for(base_url, username):
    """A logged-in session (made in the test database, as the login form would) for `base_url`."""
    client = Client()
    client.force_login(user(username))
    return Session(base_url, cookies={"sessionid": client.cookies["sessionid"].value})
