"""Reads of the campaign's setup: which campaign a page is about, and each city's deadlines."""

from django.http import Http404
from django.utils import timezone

from intake.common.request_input import parse_int
from intake.models import Campaign, DeadlineExtension


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


def all_campaigns():
    return Campaign.objects.only("year", "name", "is_open")
