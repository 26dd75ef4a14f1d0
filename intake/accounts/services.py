"""Account management (/users/): who may manage whom, and every change with its log entry in the
same transaction.

The province manages city clerks only; admins manage every role. Nobody acts on their own account
here (their own password and second factor have their own pages), and nobody gives an account a
role they may not give.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404

from intake.accounts import passwords, twofactor
from intake.audit.log import record
from intake.models import SecurityEvent, User

PROVINCE_GROUP = "省级审核"  # the admin's read-only views for the province (seed_demo)


def grantable_roles(manager):
    if manager.is_superuser or manager.role == User.ADMIN:
        return [User.CITY, User.PROVINCE, User.AUDITOR, User.ADMIN]
    if manager.role == User.PROVINCE:
        return [User.CITY]
    return []


def may_manage_accounts(manager):
    return bool(grantable_roles(manager))


def ensure_may_manage_accounts(manager):
    if not may_manage_accounts(manager):
        raise PermissionDenied("账号管理仅限省工业和信息化厅和系统管理员使用。")


def accounts_for(manager):
    roles = grantable_roles(manager)
    accounts = User.objects.select_related("city").filter(role__in=roles)
    if not manager.is_superuser:
        accounts = accounts.filter(is_superuser=False)
    return accounts.order_by("role", "city__code", "username")


def get_account_for(manager, pk):
    """An account the manager may see; any other is a 404 (its existence is not revealed)."""
    ensure_may_manage_accounts(manager)
    return get_object_or_404(accounts_for(manager), pk=pk)


def _ensure_may_act(manager, account):
    if account.pk == manager.pk:
        raise PermissionDenied("不能在账号管理中操作自己的账号；修改密码、动态口令请使用页面右上角的链接。")
    if account.role not in grantable_roles(manager) or (account.is_superuser and not manager.is_superuser):
        raise PermissionDenied("您无权管理该账号。")


def _end_sessions(account):
    # Raising the generation changes the session hash: every session of the account ends.
    User.objects.filter(pk=account.pk).update(session_generation=F("session_generation") + 1)
    account.refresh_from_db(fields=["session_generation"])


def _target(account):
    city = f"·{account.city.name}" if account.city_id else ""
    return f"账号 {account.username}（{account.get_role_display()}{city}）"


@transaction.atomic
def create_account(manager, *, username, full_name, role, city=None):
    """A new account with a one-time password to be changed at first login; returns
    (account, password), the password to be shown once."""
    ensure_may_manage_accounts(manager)
    if role not in grantable_roles(manager):
        raise PermissionDenied("您无权创建该角色的账号。")
    account = User(
        username=username, first_name=full_name, role=role, city=city if role == User.CITY else None,
        is_staff=role in (User.PROVINCE, User.ADMIN), is_superuser=role == User.ADMIN and manager.is_superuser,
        must_change_password=True,
    )
    password = passwords.one_time_password(account)
    account.set_password(password)
    account.full_clean(exclude=["password"])
    account.save()
    if role == User.PROVINCE:
        group = Group.objects.filter(name=PROVINCE_GROUP).first()
        if group is not None:
            account.groups.add(group)
    record(SecurityEvent.ACCOUNT_CREATED, user=manager, target=_target(account), city=account.city_id)
    return account, password


@transaction.atomic
def reset_password(manager, account):
    """A one-time password, changed at the next login; the lock-out is lifted, sessions end."""
    from axes.utils import reset as axes_reset

    _ensure_may_act(manager, account)
    password = passwords.one_time_password(account)
    account.set_password(password)
    account.must_change_password = True
    account.save()
    axes_reset(username=account.username)
    _end_sessions(account)
    record(SecurityEvent.PASSWORD_RESET, user=manager, target=_target(account), city=account.city_id)
    return password


@transaction.atomic
def set_active(manager, account, active):
    _ensure_may_act(manager, account)
    account.is_active = active
    account.save(update_fields=["is_active"])
    if not active:
        _end_sessions(account)
    kind = SecurityEvent.ACCOUNT_ENABLED if active else SecurityEvent.ACCOUNT_DISABLED
    record(kind, user=manager, target=_target(account), city=account.city_id)
    return account


@transaction.atomic
def reset_second_factor(manager, account):
    """The authenticator and recovery codes are forgotten; the next login enrols again."""
    _ensure_may_act(manager, account)
    twofactor.remove(account)
    _end_sessions(account)
    record(SecurityEvent.OTP_RESET, user=manager, target=_target(account), city=account.city_id)
    return account
