"""Template context for every page: the idle limit the page's script counts down, and on the home
page the notice of the account's previous login."""

from datetime import datetime

from django.conf import settings

from intake.accounts.login import NOTICE_KEY


def account_controls(request):
    context = {"idle_seconds": settings.SESSION_IDLE_MINUTES * 60}
    match = request.resolver_match
    if match is not None and match.url_name == "home" and request.user.is_authenticated:
        notice = request.session.get(NOTICE_KEY)
        if notice:
            context["login_notice"] = {**notice, "at": datetime.fromisoformat(notice["at"]) if notice["at"] else None}
    return context
