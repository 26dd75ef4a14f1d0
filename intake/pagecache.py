"""Rendered pages kept per user for as long as nothing they show has changed.

A page here is a function of the data, the user, the URL and the time. The data's version needs
no bookkeeping: every write leaves a history row (django-simple-history; `SlateEvent` is itself
append-only), so the newest row id of each history table, read in one indexed query, changes with
every committed write and with nothing else. The user part is the user and their CSRF secret
(forms embed a token made from it); the time part is the current minute (deadlines, "剩余 3 天").
A GET is stored under that key unless a message is waiting to be shown or the response sets a
cookie other than the CSRF one it already had; any change makes a new key, so nothing is ever
invalidated by hand and nothing stale can be served. Works with any cache: per process (locmem)
or shared (Redis, REDIS_URL) between app servers.
"""

import hashlib
import time
from functools import cache as memoize
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse

TIMEOUT = 120  # seconds; a key lives one minute anyway


@memoize
def _version_sql():
    tables = sorted(
        (model.history.model._meta.db_table, model.history.model._meta.pk.column)
        for model in apps.get_models()
        if getattr(model, "history", None) is not None and hasattr(model.history, "model")
    )
    slate_event = apps.get_model("intake", "SlateEvent")._meta
    tables.append((slate_event.db_table, slate_event.pk.column))
    qn = connection.ops.quote_name
    return "SELECT " + ", ".join(f"(SELECT MAX({qn(pk)}) FROM {qn(table)})" for table, pk in tables)


def data_version():
    """Changes with every committed write of the data pages show (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        return cursor.fetchone()


def _key(request):
    if not settings.PAGE_CACHE or request.method not in ("GET", "HEAD") or not request.user.is_authenticated:
        return None
    csrf_secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if not csrf_secret or len(messages.get_messages(request)):
        return None
    parts = (
        request.resolver_match.view_name, request.get_full_path(), request.user.pk, csrf_secret,
        data_version(), int(time.time() // 60),
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _storable(request, response):
    if response.status_code != 200 or response.streaming:
        return False
    # Rendering a form re-sends the CSRF cookie to renew its expiry; that one is harmless.
    csrf = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    other = [
        name for name, morsel in response.cookies.items()
        if not (name == settings.CSRF_COOKIE_NAME and morsel.value == csrf)
    ]
    return not other and not request.session.modified


def cached_page(view):
    """Serve a user's GET of `view` from the cache while the data, the minute and their CSRF
    secret are unchanged; POSTs and anything with a pending message go to the view."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = _key(request)
        if key is not None:
            hit = cache.get(key)
            if hit is not None:
                content, content_type = hit
                return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if key is not None and _storable(request, response):
            cache.set(key, (response.content, response["Content-Type"]), TIMEOUT)
        return response

    return wrapper
