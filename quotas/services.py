"""The quota rule, enforced: called with the city's lock held (see intake.services)."""

from django.core.exceptions import ValidationError

from . import selectors
from .models import QuotaRule


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


def copy_quota_rules(source, target):
    """Give `target` the rules of `source` where it has none yet (next year's reuses everything)."""
    existing = set(QuotaRule.objects.filter(campaign=target).values_list("scope", "city_id", "category_id"))
    created = 0
    for rule in QuotaRule.objects.filter(campaign=source):
        if (rule.scope, rule.city_id, rule.category_id) in existing:
            continue
        QuotaRule.objects.create(
            campaign=target, scope=rule.scope, city_id=rule.city_id, category_id=rule.category_id,
            maximum=rule.maximum,
        )
        created += 1
    return created


def ensure_province_room(campaign, category):
    """Refuse one more nomination in the province's own selection beyond its rule (call it with
    the province lock held, see intake.review_services.lock_province)."""
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
