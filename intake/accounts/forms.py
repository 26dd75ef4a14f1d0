"""Forms of the login steps, the password change and the account pages."""

import re

from captcha.fields import CaptchaField
from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.validators import MaxLengthValidator

from intake.accounts.addresses import USERNAME_MAX
from intake.common.forms import label_empty_choices
from intake.models import City, User


def _captcha_field():
    return CaptchaField(
        label="验证码", help_text="该账号近期多次登录失败，请输入图中的字符（不区分大小写）。",
        error_messages={"invalid": "验证码不正确，请重新输入图中的字符。", "required": "请输入图中的验证码。",
                        "incomplete": "请输入图中的验证码。"},
    )


class LoginForm(auth_forms.AuthenticationForm):
    """User name and password; a captcha once the account has failed repeatedly (any address)."""

    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入（注意区分大小写）。连续输错多次将暂时锁定。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # AuthenticationForm only sets the attribute; without the validator any length reaches
        # authenticate() and the throttling tables.
        self.fields["username"].validators.append(MaxLengthValidator(USERNAME_MAX))
        self.fields["username"].error_messages["max_length"] = f"用户名不超过 {USERNAME_MAX} 个字符。"
        self.needs_captcha = False
        if self.is_bound:
            self.ask_captcha_if_needed()

    def ask_captcha_if_needed(self):
        from intake.accounts.login import captcha_needed

        username = self.data.get("username") or ""
        if not self.needs_captcha and username and captcha_needed(username):
            self.needs_captcha = True
            self.fields["captcha"] = _captcha_field()

    def clean(self):
        # No password is checked (and no failure counted) without a correct captcha when one is due.
        if self.needs_captcha and "captcha" in self._errors:
            return self.cleaned_data
        return super().clean()


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label="动态口令或恢复码", max_length=20, strip=True,
        help_text="打开身份验证器 App 查看 6 位动态口令；手机不在身边时可输入一个恢复码（每个只能用一次）。",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
        error_messages={"required": "请输入 6 位动态口令或恢复码。"},
    )


class TwoFactorSetupForm(forms.Form):
    code = forms.CharField(
        label="验证码", max_length=10, strip=True,
        help_text="在身份验证器 App 中添加后，输入它显示的 6 位数字，确认绑定成功。",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": "请输入身份验证器显示的 6 位数字。"},
    )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form (old password, new twice, every validator); a changed password is the
    holder's own, so the forced change is done."""

    def save(self, commit=True):
        self.user.must_change_password = False
        return super().save(commit)


class AccountCreateForm(forms.Form):
    username = forms.CharField(
        label="用户名", max_length=USERNAME_MAX, help_text="登录用，字母、数字和 . _ - @，如 qingyuan2。",
        error_messages={"required": "请填写用户名。"},
    )
    full_name = forms.CharField(label="姓名", max_length=150, error_messages={"required": "请填写使用人姓名。"})
    role = forms.ChoiceField(label="角色")
    city = forms.ModelChoiceField(City.objects.all(), label="所属地市", required=False,
                                  help_text="地市工信局账号必须选择地市；其他角色不选。")

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(User.ROLE_CHOICES)
        self.fields["role"].choices = [(role, labels[role]) for role in roles]
        self.fields["role"].initial = roles[0] if roles else None
        label_empty_choices(self)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not re.fullmatch(r"[A-Za-z0-9@.+_-]+", username):
            raise forms.ValidationError("用户名只能由字母、数字和 @ . + - _ 组成。")
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("该用户名已被使用，请换一个。")
        return username

    def clean(self):
        cleaned = super().clean()
        role, city = cleaned.get("role"), cleaned.get("city")
        if role == User.CITY and city is None:
            self.add_error("city", "地市工信局账号必须选择所属地市。")
        if role and role != User.CITY and city is not None:
            self.add_error("city", "只有地市工信局账号绑定地市，其他角色请不选。")
        return cleaned
