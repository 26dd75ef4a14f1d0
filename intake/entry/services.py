"""Writes to nominations. Every rule a write must respect is applied here, once, for views,
imports, admin and commands alike: scope, deadline, quota (under the city's lock), credit code."""

from collections import Counter
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from intake.campaigns.selectors import deadline_for
from intake.common.history import save_with_history
from intake.common.localtime import local_time
from intake.entry import selectors
from intake.models import (
    CATEGORY_SPECIFIC_FIELDS,
    ENTRY_FIELDS,
    Category,
    Nomination,
    Slate,
)
from intake.scoping import has_permission
from quotas.locking import lock_city
from quotas.services import QuotaExceeded, ensure_room

EDITABLE_FIELDS = frozenset(f for names in ENTRY_FIELDS.values() for f in names)


class EntryClosed(ValidationError):
    pass


class DuplicateCreditCode(ValidationError):
    pass


def ensure_entry_open(campaign, city, *, deadline=None, slate=None):
    """Every write of a city's nominations and slate passes here, under the city's lock:
    open campaign, deadline (or the city's extension), and a slate not with the province.
    Pages asking why entry is closed may pass the city's `deadline` and `slate` they have read
    already; writes pass neither, so they judge what the database holds under the lock."""
    if not campaign.is_open:
        raise EntryClosed(
            "%(campaign)s未开放填报，不能新增、修改或撤回推荐对象。", code="campaign_closed",
            params={"campaign": campaign.name},
        )
    deadline = deadline or deadline_for(campaign, city)
    if timezone.now() > deadline:
        raise EntryClosed(
            "%(campaign)s的推荐已于 %(deadline)s 截止，不能再新增、修改或撤回推荐对象。"
            "如确需延期，请联系省工业和信息化厅。",
            code="deadline_passed",
            params={"campaign": campaign.name, "deadline": local_time(deadline)},
        )
    ensure_slate_not_frozen(campaign, city, slate=slate)


def ensure_slate_not_frozen(campaign, city, *, slate=None):
    if slate is None:
        slate = selectors.frozen_slate(campaign, city)
    if slate is None or slate.status not in Slate.FROZEN_STATUSES:
        return
    if slate.status == Slate.ACCEPTED:
        raise EntryClosed(
            "%(city)s的推荐材料已由省工业和信息化厅受理，推荐对象和推荐函不能再修改。", code="slate_accepted",
            params={"city": city.name},
        )
    raise EntryClosed(
        "%(city)s的推荐材料已于 %(at)s 提交省工业和信息化厅，审核期间推荐对象和推荐函不能新增、修改或撤回。"
        "如需修改，请联系省工业和信息化厅退回。",
        code="slate_submitted",
        params={"city": city.name, "at": local_time(slate.submitted_at)},
    )


def ensure_credit_code_free(nomination):
    holder = selectors.holder_of_credit_code(nomination.campaign, nomination.credit_code, exclude_pk=nomination.pk)
    if holder:
        raise DuplicateCreditCode(
            {"credit_code": ValidationError(
                "统一社会信用代码 %(code)s 已由%(city)s推荐（%(name)s），同一批次不能重复推荐。"
                "如有疑问请与%(city)s工业和信息化局联系。",
                code="duplicate_credit_code",
                params={"code": nomination.credit_code, "city": holder.city.name, "name": holder.name},
            )}
        )


def save_nomination(nomination, user, reason="", *, checked=False):
    """Validate (uniqueness included; `checked`: the caller has just run `full_clean` itself) and
    save with the history entry naming `user`; a race lost to the database's own unique
    constraints comes back as the same message the checks give."""
    nomination.updated_by = user
    if not checked:
        nomination.full_clean(validate_constraints=False)
    return save_with_history(nomination, user, reason, validate=False, explain_conflict=_explain_nomination_conflict)


def _explain_nomination_conflict(nomination):
    ensure_credit_code_free(nomination)
    ensure_room(nomination.campaign, nomination.city, nomination.category, exclude_pk=nomination.pk)


def _fit_to_category(nomination):
    """Clear the columns of other categories (a 示范模式 on a platform, a city kind on a project):
    what is stored is only what the saved category's Annex 2 columns and checks ask for."""
    for name in CATEGORY_SPECIFIC_FIELDS - set(ENTRY_FIELDS[nomination.category_id]):
        setattr(nomination, name, Nomination._meta.get_field(name).get_default())
    if nomination.category_id == Category.CITY:
        nomination.name = nomination.city.name  # the city nominates itself


def create_nomination(*, user, campaign, city, category, **fields):
    has_permission("enter", user, city, raise_exception=True)
    with transaction.atomic():
        lock_city(campaign, city)
        ensure_entry_open(campaign, city)
        ensure_room(campaign, city, category)
        nomination = _new_nomination(user, campaign, city, category, fields)
        ensure_credit_code_free(nomination)
        return save_nomination(nomination, user)


def _new_nomination(user, campaign, city, category, fields):
    nomination = Nomination(
        campaign=campaign, city=city, category=category, created_by=user, updated_by=user, **fields
    )
    _fit_to_category(nomination)
    return nomination


def import_nominations(*, user, campaign, city, rows, commit=True):
    """Create `rows` ([(category, fields)], as for `create_nomination`) for `city`: all or none.

    Every row gets the checks of `create_nomination` (quota, columns, credit code), each once,
    inside one transaction under the city's lock, so an import obeys exactly what a clerk typing
    the rows in would. All of a row's problems are listed, not only the first; a row that fails
    still holds its place, so each row beyond the quota is named. The transaction is rolled back
    unless `commit` and every row passed: a preview is the same run, not committed.

    Returns one dict per row, `{field or "__all__": [(message, code)]}`, empty when the row
    is fine. A closed entry or a busy lock raises for the whole import.
    """
    has_permission("enter", user, city, raise_exception=True)
    results = []
    with transaction.atomic():
        lock_city(campaign, city)
        ensure_entry_open(campaign, city)
        failed = Counter()
        for category, fields in rows:
            errors = {}
            nomination = _new_nomination(user, campaign, city, category, fields)
            try:
                ensure_room(campaign, city, category, pending=failed[category.code])
            except QuotaExceeded as exc:
                ValidationError(
                    "超出名额：%(city)s%(category)s名额上限 %(allowed)d 个，已录入的和本表中排在此行之前的已占满。"
                    "请删去多余的行，或先撤回已录入的推荐对象。",
                    code="quota_exceeded", params=exc.params,
                ).update_error_dict(errors)
            try:
                nomination.full_clean(validate_constraints=False)
            except ValidationError as exc:
                exc.update_error_dict(errors)
            try:
                ensure_credit_code_free(nomination)
            except ValidationError as exc:
                exc.update_error_dict(errors)
            if not errors:
                try:  # checked above, each check once; the database may still refuse a lost race
                    save_nomination(nomination, user, checked=True)
                except ValidationError as exc:
                    exc.update_error_dict(errors)
            if errors:
                failed[category.code] += 1
            results.append({
                name: [(message, error.code) for error in found for message in error.messages]
                for name, found in errors.items()
            })
        if not commit or any(results):
            transaction.set_rollback(True)
    return results


@contextmanager
def nomination_for_writing(nomination, *, user):
    """The way into every city-side write of one nomination: the clerk's own city, inside a
    transaction under the city's lock, the row read again under it, entry still open."""
    has_permission("enter", user, nomination.city, raise_exception=True)
    with transaction.atomic():
        lock_city(nomination.campaign, nomination.city)
        # Its campaign and city read in the same query (the checks and the save use both); only the
        # nomination's row is locked, as before.
        nomination = (
            Nomination.objects.select_for_update(of=("self",)).select_related("campaign", "city").get(pk=nomination.pk)
        )
        ensure_entry_open(nomination.campaign, nomination.city)
        yield nomination


def update_nomination(nomination, *, user, category=None, **fields):
    """Change a nomination's columns, and possibly its category (which needs a place in the new one)."""
    with nomination_for_writing(nomination, user=user) as nomination:
        if nomination.status != Nomination.ENTERED:
            raise ValidationError(
                "该推荐对象当前状态为“%(status)s”，不能修改。", code="not_editable",
                params={"status": nomination.get_status_display()},
            )
        if category is not None and category.pk != nomination.category_id:
            if category.is_city or nomination.category.is_city:
                raise ValidationError("示范城市不能与其他类别互相转换。", code="city_category_fixed")
            ensure_room(nomination.campaign, nomination.city, category, exclude_pk=nomination.pk)
            nomination.category = category
        for name, value in fields.items():
            if name not in EDITABLE_FIELDS:
                raise ValueError(f"{name} is not an editable nomination field")
            setattr(nomination, name, value)
        _fit_to_category(nomination)
        ensure_credit_code_free(nomination)
        return save_nomination(nomination, user)


def withdraw_nomination(nomination, *, user, reason=""):
    """Give the place back; the row stays, with its history."""
    with nomination_for_writing(nomination, user=user) as nomination:
        if nomination.status != Nomination.ENTERED:
            raise ValidationError("只有“已录入”的推荐对象可以撤回。", code="not_withdrawable")
        nomination.status = Nomination.WITHDRAWN
        nomination.status_reason = reason
        return save_nomination(nomination, user, reason=f"撤回：{reason}" if reason else "撤回")


def restore_nomination(nomination, *, user):
    """Take a withdrawn nomination back, if its place and its credit code are still free."""
    with nomination_for_writing(nomination, user=user) as nomination:
        if nomination.status != Nomination.WITHDRAWN:
            raise ValidationError("只有“已撤回”的推荐对象可以恢复。", code="not_restorable")
        ensure_room(nomination.campaign, nomination.city, nomination.category)
        nomination.status = Nomination.ENTERED
        nomination.status_reason = ""
        ensure_credit_code_free(nomination)
        return save_nomination(nomination, user, reason="恢复")


# --- Deadline extensions ------------------------------------------------------------------------


# --- What the admin keeps: cities, campaigns, categories, 示范模式, accounts -----------------------
# The admin saves through these (intake/admin.py), so its writes obey the same rules and leave the
# same history as any other.


