"""Deadline-day volumes for load benchmarks, query-count tests and trying the pages by hand.

`build_scale_data` takes what `seed_demo` made (cities, categories, accounts, the 2023 campaign and
the open demo one) and adds what the busiest day looks like: more campaigns, and every city at
its full quota in each of them, plus withdrawn nominations that lists and history still show.
Each part is its own function so the data grows with the system: the registry of recognised
demonstration units (issue 5) and slates under review (issue 4) are added here as they land.

Rows are written in bulk with their history (django-simple-history's `bulk_create_with_history`),
not through `services`: the volumes are what matters here, and closed campaigns refuse entries.
Running it again only fills what is missing.
"""

import itertools
from dataclasses import dataclass, field

from django.db import transaction
from simple_history.utils import bulk_create_with_history
from stdnum.cn import uscc

from quotas.selectors import quota_matrix
from quotas.services import copy_quota_rules

from .models import Campaign, Category, City, DemoMode, Nomination, User

CAMPAIGNS = 3


@dataclass
class ScaleReport:
    campaigns: list = field(default_factory=list)
    nominations_created: int = 0
    withdrawn_created: int = 0


def build_scale_data(*, campaigns=CAMPAIGNS, cities=None, withdrawn_per_city=1):
    """Fill `cities` (default: all) to their full quota in `campaigns` campaigns; returns a ScaleReport."""
    report = ScaleReport()
    with transaction.atomic():
        report.campaigns = ensure_campaigns(campaigns)
        cities = list(cities if cities is not None else City.objects.all())
        for campaign in report.campaigns:
            created, withdrawn = fill_quotas(campaign, cities, withdrawn_per_city=withdrawn_per_city)
            report.nominations_created += created
            report.withdrawn_created += withdrawn
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
