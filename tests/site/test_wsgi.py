"""The WSGI entry point the app servers load (config/wsgi.py)."""

import subprocess
import sys

from django.conf import settings


def test_the_loaded_application_is_left_out_of_the_garbage_collector_walks():
    # A process of its own: the test process's collector is not the server's.
    script = ("import gc, config.wsgi, django.urls; "
              "print(gc.get_freeze_count(), 'intake.urls' in __import__('sys').modules)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True,
                            cwd=settings.BASE_DIR)
    frozen, urls_loaded = result.stdout.split()
    # Django and the project's modules, views included, are tens of thousands of objects.
    assert int(frozen) > 20_000 and urls_loaded == "True"
