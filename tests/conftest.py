import io
import os

import pytest
from django.core.management import call_command

from intake.models import City

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
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Exports cached by one test must not answer another's (intake/exports/base.py:render_cached).
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def seeded(db):
    """Reference data, the open demo campaign and the demo accounts (seed_demo)."""
    if not City.objects.exists():
        call_command("seed_demo", stdout=io.StringIO())


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
