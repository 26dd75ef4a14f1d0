"""Deadline-day volumes for load benchmarks, query-count tests and trying the pages by hand.

`build_scale_data` takes what `seed_demo` made (cities, categories, accounts, the 2023 campaign and
the open demo one) and adds what the busiest day looks like: more campaigns, and every city at
its full quota in each of them, plus withdrawn nominations that lists and history still show; the
newest campaign's slates in every state of their way through the province, with their
timelines; and a registry of 500 recognised units of batches 1–4 with this year's evaluation
partly reported. Each part is its own function so the data grows with the system.

Rows are written in bulk with their history (django-simple-history's `bulk_create_with_history`),
not through `services`: the volumes are what matters here, and closed campaigns refuse entries.
Running it again only fills what is missing.
"""

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history
from stdnum.cn import uscc

from intake.models import (
    Campaign,
    Category,
    City,
    DemoMode,
    Nomination,
    RecognisedUnit,
    Slate,
    SlateEvent,
    UnitEvaluation,
    User,
)
from quotas.selectors import quota_matrix
from quotas.services import copy_quota_rules

CAMPAIGNS = 3
REGISTRY_UNITS = 500


@dataclass
class ScaleReport:
    campaigns: list = field(default_factory=list)
    nominations_created: int = 0
    withdrawn_created: int = 0
    slates_created: int = 0
    units_created: int = 0


def build_scale_data(*, campaigns=CAMPAIGNS, cities=None, withdrawn_per_city=1, registry_units=REGISTRY_UNITS):
    """Fill `cities` (default: all) to their full quota in `campaigns` campaigns, give each a slate in
    the newest one, and fill the registry to `registry_units`; returns a ScaleReport."""
    report = ScaleReport()
    with transaction.atomic():
        report.campaigns = ensure_campaigns(campaigns)
        cities = list(cities if cities is not None else City.objects.all())
        for campaign in report.campaigns:
            created, withdrawn = fill_quotas(campaign, cities, withdrawn_per_city=withdrawn_per_city)
            report.nominations_created += created
            report.withdrawn_created += withdrawn
        report.slates_created = place_slates(report.campaigns[0], cities)
        report.units_created = fill_registry(report.campaigns[0], registry_units)
    return report


def ensure_campaigns(count):
    """The `count` newest campaigns, adding closed ones for earlier years (with the newest rules)."""
    existing = list(Campaign.objects.order_by("-year"))
    if not existing:
        raise ValueError("No campaign yet: run `manage.py seed_demo` first.")
    newest = existing[0]
    years = {c.year for c in existing}
    year = newest.year
    while len(years) < count:
        year -= 1
        if year in years:
            continue
        campaign = Campaign.objects.create(
            year=year, name=f"{year}年服务型制造示范遴选（压测）",
            submission_deadline=newest.submission_deadline.replace(year=year), is_open=False,
        )
        copy_quota_rules(newest, campaign)
        years.add(year)
    return list(Campaign.objects.order_by("-year")[:count])


def fill_quotas(campaign, cities, *, withdrawn_per_city=1):
    """Enter nominations until every category of every city is full; returns (counted, withdrawn) made."""
    categories = {c.code: c for c in Category.objects.all()}
    demo_mode = DemoMode.objects.filter(is_active=True).first()
    clerks = {u.city_id: u for u in User.objects.filter(role=User.CITY).order_by("pk")}
    fallback = User.objects.filter(is_superuser=True).first()
    used_codes = set(Nomination.objects.filter(campaign=campaign).values_list("credit_code", flat=True))
    withdrawn = {}
    for city_id in Nomination.objects.filter(campaign=campaign, status=Nomination.WITHDRAWN).values_list(
        "city_id", flat=True
    ):
        withdrawn[city_id] = withdrawn.get(city_id, 0) + 1
    serial = itertools.count(1)
    rows = []
    counted = extra = 0
    for city in cities:
        clerk = clerks.get(city.pk) or fallback
        for line in quota_matrix(campaign, [city])[city.pk]:
            for _ in range(line.remaining):
                rows.append(_nomination(campaign, city, line.category, clerk, demo_mode, used_codes, serial))
                counted += 1
        for _ in range(max(withdrawn_per_city - withdrawn.get(city.pk, 0), 0)):
            row = _nomination(campaign, city, categories[Category.PROJECT], clerk, demo_mode, used_codes, serial)
            row.status, row.status_reason = Nomination.WITHDRAWN, "压测数据：已撤回"
            rows.append(row)
            extra += 1
    if rows:
        bulk_create_with_history(rows, Nomination, batch_size=500, default_user=fallback)
    return counted, extra


def _nomination(campaign, city, category, clerk, demo_mode, used_codes, serial):
    n = next(serial)
    fields = {
        "campaign": campaign, "city": city, "category": category, "created_by": clerk, "updated_by": clerk,
        "contact_name": "张三", "contact_phone": "13800138000", "contact_email": "contact@example.cn",
        "electronic_no": f"FW{campaign.year}{city.code}{n:04d}",
    }
    if category.is_city:
        fields.update(name=city.name, city_kind=Nomination.OTHER_KIND)
    else:
        fields.update(name=f"{city.name}{category.name}{n:03d}", credit_code=_credit_code(city, used_codes))
    if category.code == Category.ENTERPRISE:
        fields.update(demo_mode=demo_mode, service_revenue_share=35)
    if category.is_platform:
        fields["provider"] = "应用服务提供商"
    return Nomination(**fields)


def _credit_code(city, used_codes):
    for serial in itertools.count(len(used_codes) + 1):
        body = f"91{city.code}MA{serial:07d}"
        code = body + uscc.calc_check_digit(body)
        if code not in used_codes:
            used_codes.add(code)
            return code


SLATE_STATES = [Slate.DRAFT, Slate.SUBMITTED, Slate.RETURNED, Slate.ACCEPTED]


def place_slates(campaign, cities):
    """A slate for each city that has none, the states taking turns, each with the timeline it
    would have (submitted, then returned or accepted). Cities with a slate keep theirs."""
    actor = User.objects.filter(role=User.PROVINCE).first() or User.objects.filter(is_superuser=True).first()
    clerks = {u.city_id: u for u in User.objects.filter(role=User.CITY).order_by("pk")}
    have = set(Slate.objects.filter(campaign=campaign).values_list("city_id", flat=True))
    now = timezone.now()
    slates = []
    for i, city in enumerate(c for c in cities if c.pk not in have):
        status = SLATE_STATES[i % len(SLATE_STATES)]
        clerk = clerks.get(city.pk) or actor
        slate = Slate(campaign=campaign, city=city, status=status, filler_name="李四", filler_phone="0763-3361234")
        if status != Slate.DRAFT:
            slate.submitted_at, slate.submitted_by = now - timedelta(days=2), clerk
        if status == Slate.RETURNED:
            slate.returned_at, slate.returned_by, slate.return_reason = now - timedelta(days=1), actor, "压测数据：退回"
        if status == Slate.ACCEPTED:
            slate.accepted_at, slate.accepted_by = now - timedelta(days=1), actor
        slates.append(slate)
    if not slates:
        return 0
    slates = bulk_create_with_history(slates, Slate, batch_size=500, default_user=actor)  # with their ids
    events = []
    for slate in slates:
        if slate.status == Slate.DRAFT:
            continue
        events.append(SlateEvent(slate=slate, kind=SlateEvent.SUBMITTED, actor=slate.submitted_by,
                                 at=slate.submitted_at))
        if slate.status in (Slate.RETURNED, Slate.ACCEPTED):
            kind = SlateEvent.RETURNED if slate.status == Slate.RETURNED else SlateEvent.ACCEPTED
            events.append(SlateEvent(slate=slate, kind=kind, actor=actor, at=now - timedelta(days=1),
                                     note=slate.return_reason))
    SlateEvent.objects.bulk_create(events)
    return len(slates)


def fill_registry(campaign, total):
    """Recognised units of batches 1–4 spread over the cities until the registry holds `total`
    active ones, with this campaign's evaluation reported online for every third of them."""
    missing = total - RecognisedUnit.objects.filter(is_active=True).count()
    if missing <= 0:
        return 0
    cities = list(City.objects.order_by("code"))
    actor = User.objects.filter(is_superuser=True).first()
    kinds = [RecognisedUnit.ENTERPRISE, RecognisedUnit.ENTERPRISE, RecognisedUnit.PLATFORM, RecognisedUnit.PROJECT]
    used_codes = set(RecognisedUnit.objects.values_list("credit_code", flat=True))
    first = RecognisedUnit.objects.count() + 1
    units = []
    for i in range(missing):
        city = cities[i % len(cities)]
        units.append(RecognisedUnit(
            name=f"{city.name}示范单位{first + i:04d}", credit_code=_credit_code(city, used_codes),
            kind=kinds[i % len(kinds)], batch=1 + i % 4, city=city,
        ))
    units = bulk_create_with_history(units, RecognisedUnit, batch_size=500, default_user=actor)  # with their ids
    evaluated = [unit for unit in units if unit.is_evaluated]
    filed = [
        UnitEvaluation(campaign=campaign, unit=unit, state=UnitEvaluation.FILED_ONLINE,
                       filed_on=date(campaign.year, 1, 1), updated_by=actor)
        for unit in evaluated[::3]
    ]
    bulk_create_with_history(filed, UnitEvaluation, batch_size=500, default_user=actor)
    return len(units)
