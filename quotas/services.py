"""The quota rule, enforced: called with the city's lock held (see intake.entry.services)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from quotas import selectors
from quotas.locking import lock_cities
from quotas.models import QuotaRule


class QuotaExceeded(ValidationError):
    pass


def ensure_room(campaign, city, category, *, exclude_pk=None, pending=0):
    """Refuse one more counted nomination in `category` when the city's places are used up.

    `pending`: places taken by rows not saved yet (an import counts its earlier rows that failed,
    so every row beyond the quota is named at once)."""
    allowed = selectors.limit_for(campaign, city, category.code)
    used = selectors.used_places(campaign, city, category.code, exclude_pk=exclude_pk) + pending
    if used >= allowed:
        if allowed == 0:
            hint = "本批次未给该类别设置名额，如有疑问请联系省工信厅。"
        else:
            hint = "如需推荐其他对象，请先撤回一个已录入的推荐对象。"
        raise QuotaExceeded(
            "%(city)s%(category)s已推荐 %(used)d 个，名额上限 %(allowed)d 个（%(used)d/%(allowed)d），"
            "不能再增加。" + hint,
            code="quota_exceeded",
            params={"city": city.name, "category": category.name, "used": used, "allowed": allowed},
        )


def copy_quota_rules(source, target, *, user=None):
    """Give `target` the rules of `source` where it has none yet (next year's reuses everything);
    each new rule goes through `save_quota_rule` when a `user` is named (the admin's action)."""
    existing = set(QuotaRule.objects.filter(campaign=target).values_list("scope", "city_id", "category_id"))
    created = 0
    for rule in QuotaRule.objects.filter(campaign=source):
        if (rule.scope, rule.city_id, rule.category_id) in existing:
            continue
        copy = QuotaRule(
            campaign=target, scope=rule.scope, city_id=rule.city_id, category_id=rule.category_id,
            maximum=rule.maximum,
        )
        if user is None:
            copy.save()  # reference data loaded by seed_demo, before any account exists
        else:
            save_quota_rule(user=user, rule=copy, reason=f"从 {source.year} 年复制")
        created += 1
    return created


def _cities_ruled(rule):
    """The cities whose limits `rule` decides (its own city, or every city of its tier)."""
    from intake.models import City

    if rule.scope == QuotaRule.CITY:
        return [rule.city] if rule.city_id else []
    if rule.scope == QuotaRule.DEMO_CITY:
        return list(City.objects.filter(is_demo_city=True))
    if rule.scope == QuotaRule.OTHER_CITY:
        return list(City.objects.filter(is_demo_city=False))
    return []


def save_quota_rule(*, user, rule, reason=""):
    """Add or change a quota rule (admins). Under the lock of every city the rule (old or new)
    decides, and the province's for its own limits, so no entry counts against a limit that is
    being changed; validated, and in the history under `user`."""
    from intake.common.history import save_with_history
    from intake.review.services import lock_province

    if not (user.is_superuser or user.role == user.ADMIN):
        raise PermissionDenied("只有系统管理员可以修改推荐名额规则。")
    rule.full_clean()  # before taking the locks
    with transaction.atomic():
        ruled = _cities_ruled(rule)
        if rule.pk is not None:
            before = QuotaRule.objects.select_related("city").filter(pk=rule.pk).first()
            ruled += _cities_ruled(before) if before is not None else []
        lock_cities([rule.campaign], ruled)
        if rule.scope == QuotaRule.PROVINCE:
            lock_province(rule.campaign)
        return save_with_history(rule, user, reason)


def ensure_province_room(campaign, category):
    """Refuse one more nomination in the province's own selection beyond its rule (call it with
    the province lock held, see intake.review.services.lock_province)."""
    allowed = selectors.province_limit(selectors.rules_for(campaign), category.code)
    if allowed is None:
        return
    used = selectors.province_selected(campaign).filter(category=category).count()
    if used >= allowed:
        raise QuotaExceeded(
            "全省向工业和信息化部推荐的%(category)s已选 %(used)d 个，上限 %(allowed)d 个（%(used)d/%(allowed)d），"
            "不能再增加。如需更换，请先将一个已选对象移出省推荐名单。",
            code="province_quota_exceeded",
            params={"category": category.name, "used": used, "allowed": allowed},
        )
