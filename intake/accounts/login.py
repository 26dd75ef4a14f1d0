"""The steps of a login: password (with a captcha after repeated failures), then the second
factor when the account has one or must have one, then the session.

Between the password and the second factor nobody is logged in: the session only holds who
passed the password step, for a few minutes and a few wrong codes. So no page, however it is
written, can be reached with the password alone.
"""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.db.models import Sum
from django.utils import timezone
from django_otp import login as otp_login

from intake.accounts.addresses import clean_username
from intake.audit.log import record

PENDING_KEY = "pending_login"
PENDING_SECONDS = 300
PENDING_TRIES = 5
NOTICE_KEY = "login_notice"


def captcha_needed(username):
    """The account had CAPTCHA_AFTER_FAILURES failed logins or more within the lock-out window,
    from any address (django-axes' records, which a success from that address clears)."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(
        username=clean_username(username), attempt_time__gte=since
    ).aggregate(total=Sum("failures_since_start"))["total"] or 0
    return failures >= settings.CAPTCHA_AFTER_FAILURES


def start_pending(request, user, next_url):
    request.session[PENDING_KEY] = {
        "user": user.pk, "backend": user.backend, "at": int(time.time()), "next": next_url, "tries": 0,
    }


def pending_user(request):
    """The account that passed the password step in this session and may give its second factor
    now, or None (none, expired, too many wrong codes, or disabled since)."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS or pending["tries"] >= PENDING_TRIES:
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def pending_next(request):
    return (request.session.get(PENDING_KEY) or {}).get("next") or settings.LOGIN_REDIRECT_URL


def count_wrong_code(request):
    pending = request.session.get(PENDING_KEY)
    if pending:
        pending["tries"] += 1
        request.session[PENDING_KEY] = pending
        return PENDING_TRIES - pending["tries"]
    return 0


def drop_pending(request):
    request.session.pop(PENDING_KEY, None)


def login_notice(user):
    """When and from where the account last logged in, and the failed attempts since."""
    from intake.models import SecurityEvent

    previous = SecurityEvent.objects.filter(user=user, kind=SecurityEvent.LOGIN).order_by("-at", "-pk").first()
    failures = SecurityEvent.objects.filter(
        username=user.get_username(), kind__in=[SecurityEvent.LOGIN_FAILED, SecurityEvent.OTP_FAILED],
    )
    if previous is not None:
        failures = failures.filter(at__gt=previous.at)
    return {
        "at": previous.at.isoformat() if previous else None,
        "address": previous.address if previous else None,
        "failures": failures.count(),
    }


def complete_login(request, user, device=None):
    """Log the account in (both factors given) and keep the notice the home page shows."""
    notice = login_notice(user)
    drop_pending(request)
    auth_login(request, user, backend=getattr(user, "backend", None))
    if device is not None:
        otp_login(request, device)
    request.session[NOTICE_KEY] = notice
    return user


def recovery_used(request, user, left):
    from intake.models import SecurityEvent

    record(SecurityEvent.RECOVERY_USED, request=request, user=user, detail=f"剩余恢复码 {left} 个")
