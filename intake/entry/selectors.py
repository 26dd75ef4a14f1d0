"""Reads the views, exports and commands share."""

from datetime import datetime

from django.db import models
from django.http import Http404
from django.utils import timezone

from intake.common.localtime import local_time
from intake.common.request_input import parse_int
from intake.models import Campaign, City, DeadlineExtension, Nomination, Slate


def get_campaign(year=None):
    """The campaign named by `year` (404 when unknown), else the current one."""
    if year:
        try:
            return Campaign.objects.get(year=year if isinstance(year, int) else parse_int(year))
        except Campaign.DoesNotExist:
            raise Http404("没有该年度的遴选批次。")
    campaign = Campaign.objects.current()
    if campaign is None:
        raise Http404("尚未设置遴选批次，请联系系统管理员。")
    return campaign


def deadline_for(campaign, city, kind=DeadlineExtension.SUBMISSION):
    """The deadline that binds `city`: its own extension if one was granted (and is later), else the campaign's."""
    return deadlines_for(campaign, [city], kind)[city.pk]


def deadlines_for(campaign, cities, kind=DeadlineExtension.SUBMISSION):
    """`deadline_for` of many cities in one query: {city pk: deadline}."""
    extended = dict(
        DeadlineExtension.objects.filter(campaign=campaign, city__in=cities, kind=kind)
        .order_by().values_list("city", "deadline")
    )
    default = {
        DeadlineExtension.SUBMISSION: campaign.submission_deadline,
        DeadlineExtension.EVALUATION_ONLINE: campaign.evaluation_online_deadline,
        DeadlineExtension.EVALUATION_EXPLANATION: campaign.evaluation_explanation_deadline,
    }[kind]
    # An extension only ever extends: one earlier than the campaign's own deadline (left by a later
    # change of the campaign) does not close the city early.
    return {city.pk: max(filter(None, (extended.get(city.pk), default)), default=None) for city in cities}


def deadline_open(campaign, city, now=None, *, deadline=None):
    """Open campaign and the city's deadline not passed (a submitted slate aside).
    `deadline`: the city's deadline when the caller already has it (saves a query)."""
    deadline = deadline or deadline_for(campaign, city)
    return campaign.is_open and (now or timezone.now()) <= deadline


def entry_is_open(campaign, city, now=None, *, deadline=None, slate=None):
    """The city may write now: the same conditions `services.ensure_entry_open` enforces.
    `slate`: the city's slate of `campaign` when the caller already has it (saves a query)."""
    if not deadline_open(campaign, city, now, deadline=deadline):
        return False
    if slate is not None:
        return slate.status not in Slate.FROZEN_STATUSES
    return frozen_slate(campaign, city) is None


def frozen_slate(campaign, city):
    """The city's slate while it is with the province (submitted or accepted), else None."""
    return Slate.objects.filter(campaign=campaign, city=city, status__in=Slate.FROZEN_STATUSES).first()


def cities_by_prefix():
    return {city.region_prefix: city.name for city in City.objects.only("code", "name")}


def holder_of_credit_code(campaign, credit_code, *, exclude_pk=None):
    """The counted nomination that already uses `credit_code` in `campaign`, if any."""
    if not credit_code:
        return None
    qs = Nomination.objects.filter(
        campaign=campaign, credit_code=credit_code, status__in=Nomination.COUNTED_STATUSES
    ).select_related("city")
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def slate_for(campaign, city):
    """The city's slate, unsaved when the city has not written one yet. It carries the `campaign`
    and `city` given, so reading `slate.city` or `slate.campaign` costs no query."""
    slate = Slate.objects.filter(campaign=campaign, city=city).first()
    if slate is None:
        return Slate(campaign=campaign, city=city)
    slate.campaign, slate.city = campaign, city
    return slate


def history_of(obj):
    """Each recorded version of `obj`, newest first, with what changed from the one before."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id"))
    deltas = [
        (newer, newer.diff_against(older, foreign_keys_are_objs=False) if older is not None else None)
        for newer, older in zip(records, records[1:] + [None], strict=True)
    ]
    # Names of the related rows the changes mention: one query per related model, however long the history.
    wanted = {}
    for _newer, delta in deltas:
        for change in delta.changes if delta else ():
            field = obj._meta.get_field(change.field)
            if field.is_relation:
                wanted.setdefault(field.related_model, set()).update(
                    v for v in (change.old, change.new) if v not in (None, "")
                )
    names = {
        model: {str(pk): _name(row) for pk, row in model._default_manager.in_bulk(list(pks)).items()}
        for model, pks in wanted.items()
    }
    rows = []
    for newer, delta in deltas:
        changes = []
        for change in delta.changes if delta else ():
            field = obj._meta.get_field(change.field)
            changes.append({
                "field": field.verbose_name,
                "old": _display(field, change.old, names),
                "new": _display(field, change.new, names),
            })
        rows.append({"record": newer, "changes": changes})
    return rows


def _name(row):
    """A related row as people know it: a user by their display name (清远市填报员), not the login."""
    return getattr(row, "display_name", None) or str(row)


def _display(field, value, names):
    """A recorded value as the pages word it: choices by their label, 是/否, people by name, local time."""
    if value in (None, ""):
        return "（空）"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation:
        return names.get(field.related_model, {}).get(str(value), value)
    if isinstance(field, models.BooleanField):
        return "是" if value else "否"
    if isinstance(field, models.DateTimeField) and isinstance(value, datetime):
        return local_time(value) if timezone.is_aware(value) else value
    return value


def all_campaigns():
    return Campaign.objects.only("year", "name", "is_open")



def nominations_by_category(campaign, city):
    """{category_code: [nomination, …]} of all the city's nominations, counted ones first."""
    grouped = {}
    # order_by(): sorted here, so the model's default ordering (two joins) is not needed.
    rows = Nomination.objects.filter(campaign=campaign, city=city).select_related("demo_mode").order_by()
    for nomination in sorted(rows, key=lambda n: (not n.is_counted, n.created_at, n.pk)):
        grouped.setdefault(nomination.category_id, []).append(nomination)
    return grouped
