"""Writing the security log: `record(kind, …)`, from a request or from a command.

Each entry says when, which account (and its role), from which address, what, on which object,
with which outcome. The request being served is remembered by `SecurityLogMiddleware`, so code
that has no request at hand (signal receivers of the Django admin's change log) still records the
account and the address.
"""

from contextvars import ContextVar

from django.contrib.auth import get_user_model

from intake.accounts.addresses import clean_username, client_address

current_request = ContextVar("current_request", default=None)


def _text(value, limit):
    return "".join(ch for ch in str(value or "") if ch != "\x00")[:limit]


def record(kind, *, request=None, user=None, username=None, target="", city=None, outcome=None, detail=""):
    """Append one entry. `user` defaults to the request's; `username` to the user's (give it for
    a failed login: the name that was tried)."""
    from intake.models import SecurityEvent, User

    request = request if request is not None else current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if user is not None and not isinstance(user, get_user_model()):
        user = None
    if city is None and user is not None and user.role == User.CITY:
        city = user.city_id
    return SecurityEvent.objects.create(
        user=user,
        username=clean_username(username if username is not None else (user.get_username() if user else "")),
        role=user.role if user is not None else "",
        address=client_address(request) if request is not None else None,
        kind=kind,
        target=_text(target, 300),
        city_id=getattr(city, "pk", city),
        outcome=outcome or SecurityEvent.SUCCESS,
        detail=_text(detail, 500),
    )
