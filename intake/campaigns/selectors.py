"""Reads of the campaign's setup: which campaign a page is about, and each city's deadlines."""

from django.http import Http404
from django.utils import timezone

from intake.common.request_input import parse_int
from intake.models import Campaign, DeadlineExtension


def get_campaign(year=None, *, among=None):
    """The campaign named by `year` (404 when unknown), else the current one. `among`: every
    campaign, as a page with the campaign picker has read them (`all_campaigns`): the campaign is
    taken from those rows rather than read again."""
    if year:
        wanted = year if isinstance(year, int) else parse_int(year)
        if among is None:
            campaign = Campaign.objects.filter(year=wanted).first() if wanted is not None else None
        else:
            campaign = next((c for c in among if wanted is not None and c.year == wanted), None)
        if campaign is None:
            raise Http404("没有该年度的遴选批次。")
        return campaign
    if among is None:
        campaign = Campaign.objects.current()
    else:  # CampaignQuerySet.current's choice: the newest open campaign, else the newest
        campaign = max(among, key=lambda c: (c.is_open, c.year), default=None)
    if campaign is None:
        raise Http404("尚未设置遴选批次，请联系系统管理员。")
    return campaign


def campaign_deadline(campaign, kind):
    """The campaign's own deadline of `kind` (None when the campaign has not set it)."""
    return {
        DeadlineExtension.SUBMISSION: campaign.submission_deadline,
        DeadlineExtension.EVALUATION_ONLINE: campaign.evaluation_online_deadline,
        DeadlineExtension.EVALUATION_EXPLANATION: campaign.evaluation_explanation_deadline,
    }[kind]


def deadline_for(campaign, city, kind=DeadlineExtension.SUBMISSION):
    """The deadline that binds `city`: its own extension if one was granted (and is later), else the campaign's."""
    return deadlines_for(campaign, [city], kind)[city.pk]


def deadlines_for(campaign, cities, kind=DeadlineExtension.SUBMISSION):
    """`deadline_for` of many cities in one query: {city pk: deadline}."""
    extended = dict(
        DeadlineExtension.objects.filter(campaign=campaign, city__in=cities, kind=kind)
        .order_by().values_list("city", "deadline")
    )
    default = campaign_deadline(campaign, kind)
    # An extension only ever extends: one earlier than the campaign's own deadline (left by a later
    # change of the campaign) does not close the city early.
    return {city.pk: max(filter(None, (extended.get(city.pk), default)), default=None) for city in cities}


def deadline_open(campaign, city, now=None, *, deadline=None):
    """Open campaign and the city's deadline not passed (a submitted slate aside).
    `deadline`: the city's deadline when the caller already has it (saves a query)."""
    deadline = deadline or deadline_for(campaign, city)
    return campaign.is_open and (now or timezone.now()) <= deadline


def all_campaigns():
    """Every campaign, newest first (the campaign picker's options), whole rows: a page may take
    its campaign from them (`get_campaign(…, among=…)`)."""
    return list(Campaign.objects.all())
