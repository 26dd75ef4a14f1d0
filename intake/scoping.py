"""Who may see and touch what: the one place every view goes through.

City staff see only their own city; anything else they ask for does not exist (404), so ids of
other cities reveal nothing. The province and admins read every city. Only a city's own staff
enter its nominations.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from intake.models import City, Nomination, RecognisedUnit
from intake.review.selectors import slate_for


class OutOfScope(Http404):
    """Another city's object: answered exactly like one that does not exist, and recorded in the
    security log as a refusal (intake/audit/middleware.py)."""

    def __init__(self, message="没有找到该地市的数据。", city_id=None):
        super().__init__(message)
        self.city_id = city_id


def _get_in_scope(scoped, pk, message):
    """`scoped.get(pk=pk)`, or a 404 that says (to the log only) whether the object is another city's."""
    try:
        return scoped.get(pk=pk)
    except scoped.model.DoesNotExist:
        other = scoped.model._default_manager.filter(pk=pk).values_list("city_id", flat=True).first()
        if other is not None:
            raise OutOfScope(message, city_id=other)
        raise Http404(message)


def visible_cities(user):
    if user.sees_all_cities:
        return City.objects.all()
    if user.city_id:
        return City.objects.filter(pk=user.city_id)
    return City.objects.none()


def get_city_for_user(user, code=None):
    """The city a page is about: a city clerk's own (a foreign `code` is a 404), or `code` for the province."""
    if user.is_city_staff:
        if code and code != user.city.code:
            code = str(code)
            well_formed = len(code) == 6 and code.isascii() and code.isdigit()
            other = City.objects.filter(code=code).values_list("pk", flat=True).first() if well_formed else None
            raise (OutOfScope(city_id=other) if other else Http404("没有找到该地市的数据。"))
        return user.city
    if not code:
        return None
    return get_object_or_404(visible_cities(user), code=code)


def nominations_for(user):
    qs = Nomination.objects.select_related("campaign", "city", "category", "demo_mode")
    if user.sees_all_cities:
        return qs
    return qs.filter(city_id=user.city_id) if user.city_id else qs.none()


def get_nomination_for_user(user, pk):
    return _get_in_scope(nominations_for(user), pk, "没有找到该推荐对象。")


# --- Slate review ---------------------------------------------------------------------------------


def get_slate_for_user(user, campaign, code=None):
    """The slate a page is about: a city clerk's own (another city's `code` is a 404), or the
    city `code` names for the province. Unsaved when the city has not written one yet."""
    city = get_city_for_user(user, code)
    if city is None:
        raise Http404("没有找到该地市的数据。")
    return slate_for(campaign, city)






# --- Evaluation of batches 1–4 --------------------------------------------------------------------
# Evaluation of the demonstration units of batches 1–4: a city reports on its own active units;
# the province and admins read every unit (deactivated ones too) and keep the registry.


def units_for(user):
    qs = RecognisedUnit.objects.select_related("city")
    if user.sees_all_cities:
        return qs
    return qs.filter(city_id=user.city_id, is_active=True) if user.city_id else qs.none()


def get_unit_for_user(user, pk):
    return _get_in_scope(units_for(user), pk, "没有找到该示范单位。")


# --- Who may do what, and why not ------------------------------------------------------------------


@dataclass(frozen=True)
class Permission:
    """An answer that carries its reason: `if has_permission(...)` reads as a yes or no, and a no
    says why (the 403 page and the pages' banners print `reason`)."""

    allowed: bool
    reason: str = ""

    def __bool__(self):
        return self.allowed


def _city_staff(user, city):
    """A city bureau's account; of `city` itself when one is given."""
    return user.is_city_staff and (city is None or user.city_id == city.pk)


# action: (who may, what anyone else is told). `obj` is what the action is on, when it is on something.
RULES = {
    "enter": (_city_staff, "只有本市工业和信息化局的账号可以录入、修改和导入本市的推荐对象。"),
    "keep_slate": (_city_staff, "只有地市工信局账号可以办理本市的推荐函；省厅请在“审核”页面查看。"),
    "review": (lambda user, _obj: user.is_superuser or user.role == user.PROVINCE,
               "只有省工业和信息化厅的审核账号可以审核地市推荐材料。"),
    "report_evaluation": (lambda user, unit: _city_staff(user, unit.city),
                          "只有本市工业和信息化局的账号可以填写本市示范单位的评估评价情况。"),
    "oversee_evaluation": (lambda user, _obj: user.sees_all_cities, "该功能仅限省工业和信息化厅和系统管理员使用。"),
}


def has_permission(action, user, obj=None, *, raise_exception=False):
    """May `user` take `action` (a key of `RULES`) on `obj`? A `Permission`; with
    `raise_exception`, a no is raised as PermissionDenied carrying its reason."""
    rule, reason = RULES[action]
    answer = Permission(True) if user.is_authenticated and rule(user, obj) else Permission(False, reason)
    if raise_exception and not answer:
        raise PermissionDenied(answer.reason)
    return answer


def entry_closed_reason(campaign, city, category=None, **read):
    """Why the city cannot write now (a new nomination of `category`, when given, also needs a free
    place), in the words of the refusal every write gives, or None. `read`: the city's `deadline`
    and `slate` when the page has them."""
    from intake.entry.services import ensure_entry_open  # the write's own check (it imports this module)
    from quotas.services import ensure_room

    try:
        ensure_entry_open(campaign, city, **read)
        if category is not None:
            ensure_room(campaign, city, category)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None
