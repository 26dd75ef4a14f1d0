import io
import os

import pytest
from django.core.management import call_command

from intake.models import City

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests need no costly hashing

pytest_plugins = ["tests.browser"]  # chromium fixtures for the browser tests


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Production defaults (HTTPS redirect, hashed static manifest) off; uploads in a scratch
    # folder; fast hashing for tests.
    settings.SECURE_SSL_REDIRECT = False
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": settings.PRIVATE_MEDIA_ROOT, "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = FAST_HASHER
    # The identification controls stay out of the way of tests about something else (they log in
    # with force_login, which gives no second factor): each control's own tests turn it on
    # (tests/accounts/test_two_factor.py, test_passwords.py, test_captcha_lockout.py, test_sessions.py).
    settings.REQUIRE_2FA_ROLES = []
    settings.PASSWORD_MAX_AGE_DAYS = 0
    settings.CAPTCHA_AFTER_FAILURES = 10_000
    settings.PROXY_COUNT = 0
    # Renders run inside the request (no worker needed); the tests of the worker itself switch to
    # the database backend (tests/renders/test_renders.py).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["default", "renders"]}}
    settings.RENDER_NICE = 0  # the worker run inside a test leaves the test process's priority alone
    # Exports cached by one test must not answer another's (intake/annex2/exports/base.py:render_cached).
    from django.core.cache import cache

    cache.clear()


TRANSACTIONAL = {"transactional_db", "live_server"}


def _uses_database(request):
    marker = request.node.get_closest_marker("django_db")
    return marker is not None or bool({"db", "transactional_db", "live_server"} & set(request.fixturenames))


def _transactional(request):
    marker = request.node.get_closest_marker("django_db")
    return bool(TRANSACTIONAL & set(request.fixturenames)) or (marker is not None and marker.kwargs.get("transaction"))


@pytest.fixture(autouse=True)
def _security_log_triggers(request):
    """The security log's triggers refuse to delete young entries. A transactional test ends by
    emptying every table (pytest-django's flush: DELETE on SQLite; PostgreSQL's TRUNCATE does not
    fire row triggers), so on SQLite they are lifted for that flush and put back for the next test."""
    if not _uses_database(request):
        yield
        return
    from django.db import connection

    from intake.audit import triggers

    request.getfixturevalue("_django_db_helper")  # set up first, so its flush runs after our teardown
    if connection.vendor == "sqlite":
        triggers.install(connection)
    yield
    if connection.vendor == "sqlite" and _transactional(request):
        triggers.uninstall(connection)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo's reference data and accounts, loaded once per test database: every test runs in a
    transaction rolled back at its end, so each starts from this seeded state without paying for
    `seed_demo` again. (A transactional test empties the database when it ends; `seeded` loads it
    again for the one after, and `empty_database` gives a test the database without it.)"""
    from django.test.utils import override_settings

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def seeded(db):
    """Reference data, the open demo campaign and the demo accounts (seed_demo)."""
    if not City.objects.exists():
        call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def empty_database(db):
    """No rows at all (for what `seed_demo` itself does): emptied inside the test's transaction, so
    the seeded state is back for the next test."""
    call_command("flush", "--noinput", inhibit_post_migrate=True, stdout=io.StringIO())


@pytest.fixture
def client_for(client, seeded):
    """client_for("qingyuan") → a test client logged in as that demo account."""
    from django.test import Client

    from tests.factories import user

    def make(username):
        c = Client()
        c.force_login(user(username))
        return c

    return make


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, started without the HTTPS redirect: its middleware is built once
    for the whole session, before the per-test settings above apply, and a browser on the test
    machine speaks plain HTTP to it."""
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    addr = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    with override_settings(SECURE_SSL_REDIRECT=False):
        server = LiveServer(addr)
    yield server
    server.stop()
