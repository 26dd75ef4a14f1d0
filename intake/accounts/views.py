"""Login steps, second factor, password, session and the account pages (/users/). Thin: the
rules are in `login`, `twofactor`, `passwords` and `services` beside this module."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from intake.accounts import login as steps
from intake.accounts import passwords, services, twofactor
from intake.accounts.forms import (
    AccountCreateForm,
    LoginForm,
    PasswordChangeForm,
    SecondFactorForm,
    TwoFactorSetupForm,
)
from intake.accounts.middleware import idle_remaining, touch
from intake.audit.log import record
from intake.models import SecurityEvent, User

# --- Login -------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if twofactor.asked_at_login(user):
            steps.start_pending(self.request, user, self.get_success_url())
            return redirect("two_factor_verify" if twofactor.enrolled(user) else "two_factor_setup")
        steps.complete_login(self.request, user)
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        if "captcha" in form.errors:
            record(SecurityEvent.CAPTCHA_FAILED, request=self.request, username=form.data.get("username") or "",
                   outcome=SecurityEvent.FAILURE, detail="; ".join(form.errors["captcha"]))
        form.ask_captcha_if_needed()  # this failure may be the one that makes it due
        return super().form_invalid(form)


login_view = LoginView.as_view()


@login_not_required
@never_cache
@sensitive_post_parameters("code")
def two_factor_verify(request):
    user = steps.pending_user(request)
    if user is None:
        steps.drop_pending(request)
        messages.error(request, "请先输入用户名和密码（登录步骤已超时或未开始）。")
        return redirect("login")
    if not twofactor.enrolled(user):
        return redirect("two_factor_setup")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = twofactor.throttled(user)
        device, is_recovery = (None, False) if wait else twofactor.verify(user, form.cleaned_data["code"])
        if device is not None:
            next_url = steps.pending_next(request)
            steps.complete_login(request, user, device)
            if is_recovery:
                left = twofactor.recovery_codes_left(user)
                steps.recovery_used(request, user, left)
                messages.warning(request, f"您使用了一个恢复码（每个只能用一次），还剩 {left} 个。"
                                          "如手机已丢失，请联系省厅或管理员重置动态口令。")
            return redirect(next_url)
        record(SecurityEvent.OTP_FAILED, request=request, user=user, outcome=SecurityEvent.FAILURE,
               detail=f"需等待 {wait} 秒" if wait else "动态口令或恢复码不正确")
        left = steps.count_wrong_code(request)
        if left <= 0:
            steps.drop_pending(request)
            messages.error(request, "动态口令多次输入错误，请重新输入用户名和密码登录。")
            return redirect("login")
        if wait:
            form.add_error("code", f"输入错误次数较多，请 {wait} 秒后再试。")
        else:
            form.add_error("code", f"动态口令或恢复码不正确（还可再试 {left} 次）。"
                                   "请确认手机时间准确后输入最新的 6 位数字。")
    return render(request, "accounts/two_factor_verify.html", {"form": form, "account": user})


@login_not_required
@never_cache
@sensitive_post_parameters("code")
def two_factor_setup(request):
    """Enrol an authenticator: the QR code and the secret as text, then a first code before saving.
    For a login that must enrol (between the password and the session) or a logged-in account."""
    pending = steps.pending_user(request)
    user = request.user if request.user.is_authenticated else pending
    if user is None:
        steps.drop_pending(request)
        return redirect_to_login(request.get_full_path())
    if twofactor.enrolled(user):
        if not request.user.is_authenticated:
            return redirect("two_factor_verify")
        return render(request, "accounts/two_factor_status.html", {
            "left": twofactor.recovery_codes_left(user), "form": TwoFactorSetupForm(),
            "required": twofactor.required(user),
        })
    key = request.session.get("otp_setup_key") or twofactor.new_key()
    request.session["otp_setup_key"] = key
    form = TwoFactorSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = twofactor.check_new_key(key, form.cleaned_data["code"])
        if step is None:
            form.add_error("code", "验证码不正确。请确认已在 App 中添加本账号、手机时间准确，"
                                   "然后输入 App 当前显示的 6 位数字。")
        else:
            device, codes = twofactor.enrol(user, key, step)
            request.session.pop("otp_setup_key", None)
            record(SecurityEvent.OTP_ENROLLED, request=request, user=user)
            if request.user.is_authenticated:
                from django_otp import login as otp_login

                otp_login(request, device)
            else:
                next_url = steps.pending_next(request)
                steps.complete_login(request, user, device)
                request.session["next_after_codes"] = next_url
            request.session["recovery_codes"] = codes
            return redirect("two_factor_recovery")
    uri = twofactor.provisioning_uri(user, key)
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "secret": twofactor.secret_text(key), "qr": twofactor.qr_data_uri(uri),
        "account": user, "pending": not request.user.is_authenticated,
    })


@never_cache
def recovery_codes(request):
    """The new recovery codes, shown once (they are not kept readable anywhere)."""
    codes = request.session.pop("recovery_codes", None)
    next_url = request.session.pop("next_after_codes", None) or settings.LOGIN_REDIRECT_URL
    if not codes:
        return redirect("two_factor_setup")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})


@require_POST
@sensitive_post_parameters("code")
def renew_recovery_codes(request):
    form = TwoFactorSetupForm(request.POST)
    device, is_recovery = (None, False)
    if form.is_valid() and not twofactor.throttled(request.user):
        device, is_recovery = twofactor.verify(request.user, form.cleaned_data["code"])
    if device is None or is_recovery:
        record(SecurityEvent.OTP_FAILED, request=request, outcome=SecurityEvent.FAILURE, detail="重新生成恢复码")
        messages.error(request, "请输入身份验证器当前显示的 6 位动态口令（不能用恢复码）后再重新生成。")
        return redirect("two_factor_setup")
    request.session["recovery_codes"] = twofactor.new_recovery_codes(request.user)
    record(SecurityEvent.RECOVERY_RENEWED, request=request)
    return redirect("two_factor_recovery")


# --- Password and session -----------------------------------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = "/"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            **kwargs, forced=user.must_change_password, expired=passwords.password_expired(user),
            max_age=settings.PASSWORD_MAX_AGE_DAYS,
        )

    def form_valid(self, form):
        response = super().form_valid(form)  # saves, keeps this session (update_session_auth_hash)
        record(SecurityEvent.PASSWORD_CHANGED, request=self.request)
        messages.success(self.request, "密码已修改。其他设备上的登录已失效。")
        return response


password_change = PasswordChangeView.as_view()


@require_POST
def logout_all(request):
    """End this session and every other one of the account (the session hash changes)."""
    User.objects.filter(pk=request.user.pk).update(session_generation=F("session_generation") + 1)
    request.logout_kind = SecurityEvent.LOGOUT_ALL
    logout(request)
    messages.success(request, "已退出所有设备上的登录。")
    return redirect("login")


@never_cache
def session_status(request):
    """Seconds left before the idle logout (GET: only asks; POST: the clerk is active)."""
    if request.method == "POST":
        touch(request, force=True)
    return JsonResponse({"remaining": idle_remaining(request)})


@login_not_required
@never_cache
def admin_login(request):
    """The admin signs in through the same steps as everyone (second factor included)."""
    if request.user.is_authenticated:
        if request.user.is_staff:
            return redirect("admin:index")
        raise PermissionDenied("该账号不能使用系统管理后台。")
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


# --- Account pages (/users/) ----------------------------------------------------------------------


def users(request):
    services.ensure_may_manage_accounts(request.user)
    accounts = list(services.accounts_for(request.user))
    enrolled = set(
        twofactor.TOTPDevice.objects.filter(user__in=accounts, confirmed=True).values_list("user_id", flat=True)
    )
    return render(request, "accounts/users.html", {
        "accounts": accounts, "enrolled": enrolled, "may_create": True,
    })


@sensitive_post_parameters()
def user_new(request):
    services.ensure_may_manage_accounts(request.user)
    form = AccountCreateForm(request.POST or None, roles=services.grantable_roles(request.user))
    if request.method == "POST" and form.is_valid():
        account, password = services.create_account(
            request.user, username=form.cleaned_data["username"], full_name=form.cleaned_data["full_name"],
            role=form.cleaned_data["role"], city=form.cleaned_data["city"],
        )
        return _one_time_password(request, account, password, "账号已创建")
    return render(request, "accounts/user_form.html", {"form": form})


def user_detail(request, account):
    account = services.get_account_for(request.user, account)
    return render(request, "accounts/user_detail.html", {
        "account": account, "enrolled": twofactor.enrolled(account),
        "required": twofactor.required(account), "is_self": account.pk == request.user.pk,
        "expired": passwords.password_expired(account),
        "events": SecurityEvent.objects.filter(user=account, kind__in=[
            SecurityEvent.LOGIN, SecurityEvent.LOGOUT, SecurityEvent.LOGOUT_ALL, SecurityEvent.SESSION_EXPIRED,
        ]).order_by("-at", "-pk")[:10],
    })


@require_POST
def user_action(request, account, action):
    account = services.get_account_for(request.user, account)
    if action == "reset-password":
        password = services.reset_password(request.user, account)
        return _one_time_password(request, account, password, "密码已重置")
    if action == "disable":
        services.set_active(request.user, account, False)
        messages.success(request, f"已停用账号 {account.username}，其所有登录已失效。")
    elif action == "enable":
        services.set_active(request.user, account, True)
        messages.success(request, f"已启用账号 {account.username}。")
    elif action == "reset-2fa":
        services.reset_second_factor(request.user, account)
        messages.success(request, f"已重置 {account.username} 的动态口令，下次登录时需重新绑定。")
    else:
        raise Http404("没有这种操作。")
    return redirect("user_detail", account=account.pk)


def _one_time_password(request, account, password, title):
    response = render(request, "accounts/one_time_password.html", {
        "account": account, "password": password, "title": title,
    })
    response["Cache-Control"] = "no-store"
    return response
