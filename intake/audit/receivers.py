"""Security log entries for what Django and django-axes announce: logins, failed logins,
lock-outs, logouts, and every change made in the Django admin (its LogEntry)."""

from axes.signals import user_locked_out
from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from intake.audit.log import record
from intake.models import SecurityEvent


@receiver(user_logged_in, dispatch_uid="security_log_login")
def logged_in(sender, request, user, **kwargs):
    record(SecurityEvent.LOGIN, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="security_log_login_failed")
def login_failed(sender, credentials, request=None, **kwargs):
    locked = getattr(request, "axes_locked_out", False)
    record(SecurityEvent.LOGIN_FAILED, request=request, username=(credentials or {}).get("username", ""),
           outcome=SecurityEvent.FAILURE, detail="账号已锁定，未校验密码" if locked else "用户名或密码不正确")


@receiver(user_locked_out, dispatch_uid="security_log_locked_out")
def locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    record(SecurityEvent.LOCKED_OUT, request=request, username=username or "", outcome=SecurityEvent.REFUSED,
           detail="连续登录失败，该账号在此地址暂时锁定")


@receiver(user_logged_out, dispatch_uid="security_log_logout")
def logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    kind = getattr(request, "logout_kind", SecurityEvent.LOGOUT)
    record(kind, request=request, user=user)


@receiver(post_save, sender=LogEntry, dispatch_uid="security_log_admin_change")
def admin_change(sender, instance, created, **kwargs):
    if not created:
        return
    what = {1: "新增", 2: "修改", 3: "删除"}.get(instance.action_flag, "操作")
    model = instance.content_type.name if instance.content_type_id else ""
    record(SecurityEvent.ADMIN_CHANGE, user=instance.user,
           target=f"{model} #{instance.object_id} {instance.object_repr}",
           detail=f"{what}：{instance.get_change_message() or '-'}")
