"""Writes of the campaign's setup: deadline extensions (the province's), cities, campaigns,
categories, 示范模式 and accounts (the admin's). The admin saves through these (intake/admin.py),
so its writes obey the same rules and leave the same history as any other."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from intake.campaigns.selectors import campaign_deadline
from intake.common.history import save_with_history
from intake.common.localtime import local_time
from intake.models import Campaign, City, DeadlineExtension
from quotas.locking import lock_cities, lock_city


def extension_problems(campaign, kind, deadline, reason):
    """What is wrong with an extension of `kind` to `deadline` (ValidationError or None): it must
    come after the campaign's own deadline (an "extension" before it would close the city early)
    and say why. The admin's form and `grant_extension` both ask here."""
    if kind not in dict(DeadlineExtension.KIND_CHOICES):
        return ValidationError({"kind": "请选择要延期的截止类型。"})
    own = campaign_deadline(campaign, kind)
    if own is None:
        return ValidationError(
            "%(campaign)s尚未设置该截止时间，请先由系统管理员在“遴选批次”中设置。",
            code="evaluation_not_configured", params={"campaign": campaign.name},
        )
    errors = {}
    if deadline is None or deadline <= own:
        errors["deadline"] = ValidationError(
            "延期后的截止时间应晚于批次原定的 %(own)s（北京时间）；早于它等于提前截止。",
            code="extension_not_later", params={"own": local_time(own)},
        )
    if not (reason or "").strip():
        errors["reason"] = ValidationError("请填写延期原因，便于日后查阅。", code="reason_missing")
    return ValidationError(errors) if errors else None


def grant_extension(*, user, campaign, city, kind, deadline, reason):
    """Give `city` a later deadline of `kind`, or move the one it has: the one write of a
    `DeadlineExtension` (the province's return of a slate, the evaluation page, the admin). Under
    the city's lock, so that no write of the city checks its deadline half-way; in the history."""
    if not user.sees_all_cities:
        raise PermissionDenied("只有省工业和信息化厅和系统管理员可以给地市延期。")
    problem = extension_problems(campaign, kind, deadline, reason)
    if problem is not None:
        raise problem
    with transaction.atomic():
        lock_city(campaign, city)
        extension = (
            DeadlineExtension.objects.select_for_update().filter(campaign=campaign, city=city, kind=kind).first()
            or DeadlineExtension(campaign=campaign, city=city, kind=kind)
        )
        extension.deadline = deadline
        extension.reason = reason.strip()[:200]
        return save_with_history(extension, user, f"延期至 {local_time(deadline)}", validate=False)


def _ensure_admin(user):
    if not (user.is_superuser or user.role == user.ADMIN):
        raise PermissionDenied("只有系统管理员可以修改基础数据。")


def save_city(*, user, city, reason=""):
    """Save a city. Its 示范城市 flag picks its quota tier: changing it takes the city's lock in
    every open campaign, so that no entry counts against the old tier while the new one applies."""
    _ensure_admin(user)
    with transaction.atomic():
        if city.pk is not None:
            before = City.objects.filter(pk=city.pk).values_list("is_demo_city", flat=True).first()
            if before is not None and before != city.is_demo_city:
                open_campaigns = list(Campaign.objects.filter(is_open=True))
                lock_cities(open_campaigns, [city])
                reason = reason or ("设为示范城市" if city.is_demo_city else "取消示范城市")
        return save_with_history(city, user, reason)


def save_reference(*, user, obj, reason=""):
    """Save a campaign, a category or a 示范模式 (validated, in the history under `user`)."""
    _ensure_admin(user)
    return save_with_history(obj, user, reason)


def save_account(*, user, account, reason=""):
    """Save a user account (what a role requires is `User.clean`: a city bureau's account belongs
    to exactly one city, the others to none)."""
    _ensure_admin(user)
    return save_with_history(account, user, reason)
