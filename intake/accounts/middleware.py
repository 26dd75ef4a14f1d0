"""What every logged-in request passes before its view: the idle timeout, the second factor the
role requires, a due password change, and the auditor's few pages.

The activity stamp lives in the session and is written at most once a minute, so a busy clerk
does not cost a session write per request; the idle limit is therefore kept to within a minute,
erring towards ending sooner.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from intake.accounts import passwords, twofactor
from intake.models import SecurityEvent

ACTIVITY_KEY = "last_activity"
WRITE_EVERY = 60  # seconds

# Pages an account that must change its password can still use.
WHILE_PASSWORD_DUE = {"password_change", "logout", "logout_all", "session_status", "two_factor_recovery"}
# The auditor reads the security log and the change history, nothing else.
AUDITOR_PAGES = {
    "audit_log", "audit_export", "audit_history", "password_change", "logout", "logout_all", "session_status",
    "two_factor_setup", "two_factor_recovery", "two_factor_renew",
}


def idle_seconds():
    return settings.SESSION_IDLE_MINUTES * 60


def idle_remaining(request):
    last = request.session.get(ACTIVITY_KEY)
    if last is None:
        return idle_seconds()
    return max(0, idle_seconds() - (_now() - last))


def _now():
    return int(timezone.now().timestamp())


def touch(request, force=False):
    now = _now()
    last = request.session.get(ACTIVITY_KEY)
    if force or last is None or now - last >= WRITE_EVERY:
        request.session[ACTIVITY_KEY] = now


@receiver(user_logged_in, dispatch_uid="idle_clock_starts_at_login")
def start_idle_clock(sender, request, user, **kwargs):
    # Stamped as the session is written at login, so the first pages need no extra session write.
    if request is not None and hasattr(request, "session"):
        touch(request, force=True)


def _view_name(request):
    match = request.resolver_match
    return match.view_name if match else ""


class AccountControlsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        name = _view_name(request)
        # Public pages (login steps, health check, captcha images) carry no session to check; the
        # admin's own pages are checked like every other.
        if getattr(view_func, "login_required", True) is False and not name.startswith("admin:"):
            return None
        user = request.user
        if not user.is_authenticated:
            return None
        if idle_remaining(request) <= 0:
            return self._end(request, SecurityEvent.SESSION_EXPIRED,
                             f"超过 {settings.SESSION_IDLE_MINUTES} 分钟未操作，已自动退出。请重新登录；"
                             "正在填写的内容已保留在本浏览器中，登录后回到原页面即可恢复。")
        if twofactor.required(user) and not twofactor.session_verified(request):
            return self._end(request, SecurityEvent.LOGOUT, "本账号须使用动态口令登录，请重新登录。")
        if not (name == "session_status" and request.method == "GET"):
            touch(request)
        if passwords.must_change_password(user) and name not in WHILE_PASSWORD_DUE:
            if user.must_change_password:
                messages.warning(request, "您的密码由他人设置，请先修改为只有您知道的密码。")
            else:
                messages.warning(request, f"您的密码已使用超过 {settings.PASSWORD_MAX_AGE_DAYS} 天，请先修改密码。")
            return redirect(reverse("password_change"))
        if user.is_auditor and name not in AUDITOR_PAGES:
            if name == "home":
                return redirect("audit_log")
            request.security_refusal = "审计员只能查看安全审计日志和变更历史。"
            raise PermissionDenied(request.security_refusal)
        return None

    def _end(self, request, kind, message):
        request.logout_kind = kind
        path = request.get_full_path() if request.method == "GET" else request.path
        logout(request)
        if _view_name(request) == "session_status":
            return JsonResponse({"remaining": 0}, status=401)
        messages.warning(request, message)
        return redirect_to_login(path)
