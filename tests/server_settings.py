"""Settings for the app servers some tests start (gunicorn, see tests/live.py): production's, except
that static files are served unhashed, so no 40-second `collectstatic` is needed first."""

from config.settings import *  # noqa: F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Sessions made in tests with force_login carry no second factor (tests/live.py:session_for).
REQUIRE_2FA_ROLES = []
