"""Liveness for the proxy or load balancer in front of several app servers (docs/scaling.md)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """200 while this process serves requests. It touches neither the database nor the session, so
    a database outage does not take every app server out of rotation at once; it is also the
    trivial view the load benchmark (bench/load.py) compares our pages with."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def session_ping(request):
    """The trivial view behind the login: 200 to a logged-in user (the login page to anyone else)
    after the session and the user are loaded, as for every page, and nothing else. A session
    keep-alive, and the floor bench/load.py measures every page against."""
    return HttpResponse(f"ok {request.user.pk}\n", content_type="text/plain; charset=utf-8")
