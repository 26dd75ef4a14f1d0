"""Who is on the other end: the client's address, behind as many trusted proxies as configured.

With PROXY_COUNT = 0 the connection's own address (REMOTE_ADDR) is the client. Behind N proxies
that each append the address they received from (nginx's $proxy_add_x_forwarded_for), the client
is the entry N hops from the right of X-Forwarded-For: everything further left was written by
the client itself and proves nothing. One function for django-axes (AXES_CLIENT_IP_CALLABLE) and
the security log, so a lock-out and the log name the same address.
"""

import ipaddress

from django.conf import settings

USERNAME_MAX = 150  # User.username; a longer "name" cannot be an account


def _valid(address):
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return None


def client_address(request):
    remote = _valid(request.META.get("REMOTE_ADDR"))
    hops = settings.PROXY_COUNT
    if not hops:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(chain) < hops:
        # Fewer entries than proxies: the request did not come through all of them.
        return remote
    return _valid(chain[-hops]) or remote


def clean_username(value):
    """A user name as it may be stored in a log: no NUL or control characters, at most 150 long."""
    text = "".join(ch for ch in str(value or "") if ch.isprintable())
    return text[:USERNAME_MAX]


def attempted_username(request, credentials=None):
    """The user name django-axes records for an attempt (AXES_USERNAME_CALLABLE): cleaned and cut
    to what its table and ours can store, so no name typed on the login page can break a write."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username")
    return clean_username(value) if value is not None else None
