"""Who may see and touch what: the one place every view goes through.

City staff see only their own city; anything else they ask for does not exist (404), so ids of
other cities reveal nothing. The province and admins read every city. Only a city's own staff
enter its nominations.
"""

from django.core.exceptions import PermissionDenied
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


def may_enter(user, city):
    return user.is_city_staff and user.city_id == city.pk


def ensure_may_enter(user, city):
    if not may_enter(user, city):
        raise PermissionDenied("只有本市工业和信息化局的账号可以录入和修改本市的推荐对象。")



# --- Slate review ---------------------------------------------------------------------------------


def get_slate_for_user(user, campaign, code=None):
    """The slate a page is about: a city clerk's own (another city's `code` is a 404), or the
    city `code` names for the province. Unsaved when the city has not written one yet."""
    city = get_city_for_user(user, code)
    if city is None:
        raise Http404("没有找到该地市的数据。")
    return slate_for(campaign, city)


def may_review(user):
    """The provincial reviewer (and superusers) accepts, returns, rejects and selects."""
    return user.is_superuser or user.role == user.PROVINCE


def ensure_may_review(user):
    if not may_review(user):
        raise PermissionDenied("只有省工业和信息化厅的审核账号可以审核地市推荐材料。")


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


def may_report_evaluation(user, unit):
    return may_enter(user, unit.city)


def ensure_may_report_evaluation(user, unit):
    if not may_report_evaluation(user, unit):
        raise PermissionDenied("只有本市工业和信息化局的账号可以填写本市示范单位的评估评价情况。")


def may_oversee_evaluation(user):
    """Keep the registry, extend deadlines, export: the province and admins."""
    return user.sees_all_cities


def ensure_may_oversee_evaluation(user):
    if not may_oversee_evaluation(user):
        raise PermissionDenied("该功能仅限省工业和信息化厅和系统管理员使用。")
