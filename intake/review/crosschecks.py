"""Warnings about nominations (never blocks), computed here and nowhere else.

What a nomination's own columns raise (`own_warnings`) is shown to the city when it saves
(`entry_warnings`) and to the provincial reviewer in review; what needs other cities' data is
for the reviewer only (`warnings_for`):

- The same credit code in two cities. The database allows only one *counted* nomination per code
  and campaign, so what a reviewer needs to see is the trace of a clash: the code also entered by
  another city and withdrawn or rejected there (which city really recommends the unit?).
- The same name under a different credit code in another city: a mistyped code, or one unit
  nominated twice under two codes.
- A credit code registered in another city than the recommending one (allowed; worth a look).
- A name ending in 分公司, 分厂, 办事处…: a branch is not an independent legal person (the notice
  requires one).
- An enterprise whose service revenue is below the campaign's share of its operating revenue
  (30 %), and a platform in operation for less than the campaign's years (2) on the application
  date (截至申报日, `Campaign.cutoff_date`, the same for every city): 42号 notice, "in principle".
- A nominee already recognised by the ministry in batches 1–4 (the evaluation registry, matched by
  `intake.evaluation.selectors.recognitions_for`).

Everything is computed from one query over the campaign's nominations (plus city prefixes), so a
page showing warnings costs the same whatever the number of cities or rows.
"""

import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django.utils.functional import SimpleLazyObject

from intake.common.validators import credit_code_region_warning
from intake.entry import selectors
from intake.evaluation.selectors import recognitions_for
from intake.models import Category, City, Nomination

# Units that are not legal persons of their own (分支机构): the notice asks for 独立法人资格.
BRANCH_SUFFIXES = ("分公司", "分厂", "办事处", "代表处", "分支机构")

_NAME_NOISE = re.compile(r"[\s\u3000()（）\[\]【】·.,，。\"“”'‘’-]")
_FIELDS = ("id", "city_id", "category_id", "name", "credit_code", "status", "service_revenue_share",
           "platform_launch_date")


def normalize_name(name):
    return _NAME_NOISE.sub("", name or "").lower()


def years_after(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return date(day.year + years, 3, 1)


def warnings_for(campaign, city=None):
    """{nomination_id: [message, …]} for the counted nominations of `campaign` (of `city` if given)."""
    return _check(campaign, city)[1]


def warning_counts(campaign, *, cities=None):
    """{city_id: number of counted nominations with at least one warning}. `cities`: the cities
    the caller has read (a query fewer when they are every city the campaign's rows name)."""
    rows, result = _check(campaign, cities=cities)
    counts = defaultdict(int)
    for row in rows:
        if row["id"] in result:
            counts[row["city_id"]] += 1
    return counts


def _check(campaign, city=None, *, cities=None):
    rows = list(Nomination.objects.filter(campaign=campaign).values(*_FIELDS))
    cities = list(cities or ())
    if not cities or {row["city_id"] for row in rows} - {c.pk for c in cities}:
        cities = list(City.objects.only("code", "name"))  # the names of every city a row names
    names = {c.pk: c.name for c in cities}
    by_prefix = {c.region_prefix: c.name for c in cities}
    by_id = {c.pk: c for c in cities}
    statuses = dict(Nomination.STATUS_CHOICES)
    counted = [row for row in rows if row["status"] in Nomination.COUNTED_STATUSES]
    recognised = recognitions_for(SimpleNamespace(pk=row["id"], **row) for row in counted)

    by_code, by_name = defaultdict(list), defaultdict(list)
    for row in rows:
        if row["category_id"] == Category.CITY:
            continue  # a city nominates itself: no code, and its name is its own
        if row["credit_code"]:
            by_code[row["credit_code"]].append(row)
        by_name[normalize_name(row["name"])].append(row)

    result = {}
    for row in rows:
        if row["status"] not in Nomination.COUNTED_STATUSES or (city is not None and row["city_id"] != city.pk):
            continue
        found = []
        if row["category_id"] != Category.CITY:
            for other in by_code.get(row["credit_code"], []):
                if other["id"] != row["id"] and other["city_id"] != row["city_id"]:
                    found.append(
                        f"统一社会信用代码 {row['credit_code']} 也曾由{names[other['city_id']]}推荐"
                        f"（“{other['name']}”，{statuses[other['status']]}），请核实由哪个地市推荐。"
                    )
            for other in by_name.get(normalize_name(row["name"]), []):
                if (other["city_id"] != row["city_id"] and other["status"] in Nomination.COUNTED_STATUSES
                        and other["credit_code"] != row["credit_code"]):
                    found.append(
                        f"{names[other['city_id']]}推荐了同名的“{other['name']}”，统一社会信用代码不同"
                        f"（{other['credit_code'] or '未填写'}），请核实是否为同一单位或代码填写有误。"
                    )
        unit = recognised.get(row["id"])
        if unit is not None:
            found.append(
                f"已于{unit.get_batch_display()}获评工业和信息化部服务型制造示范（“{unit.name}”），"
                "请核实是否重复申报。"
            )
        found.extend(own_warnings(SimpleNamespace(**row), campaign, by_id[row["city_id"]], by_prefix))
        if found:
            result[row["id"]] = found
    return rows, result


def entry_warnings(nomination):
    """What the city sees when it saves `nomination`: the warnings of its own columns, the same
    the reviewer sees for them (never another city's data)."""
    # The other cities' names are read only to word a code registered in another city.
    return own_warnings(nomination, nomination.campaign, nomination.city, SimpleLazyObject(selectors.cities_by_prefix))


def own_warnings(n, campaign, city, cities_by_prefix):
    """The warnings `n`'s own columns raise (`n`: a Nomination or a row with its attributes)."""
    found = []
    if n.category_id != Category.CITY:
        region = credit_code_region_warning(n.credit_code, city, cities_by_prefix)
        if region:
            found.append(region.removeprefix("提示："))
        branch = branch_office_warning(n.name)
        if branch:
            found.append(branch)
    found.extend(_condition_warnings(n, campaign))
    return found


def branch_office_warning(name):
    """A name that ends like a branch's (分公司, 分厂, 办事处 …, brackets and spaces aside), else None."""
    compact = normalize_name(name)
    suffix = next((s for s in BRANCH_SUFFIXES if compact.endswith(s)), None)
    if suffix is None:
        return None
    return (
        f"名称“{name}”以“{suffix}”结尾：{suffix}等分支机构不具有独立法人资格，而申报主体须具有独立法人资格。"
        "请核实，如属分支机构，应由具有独立法人资格的总公司（总厂）申报。"
    )


def percent(value):
    """A percentage's number without trailing zeros: 30.00 → 30, 29.50 → 29.5."""
    return f"{Decimal(value).normalize():f}"


def _condition_warnings(n, campaign):
    if n.category_id == Category.ENTERPRISE:
        share, minimum = n.service_revenue_share, percent(campaign.min_service_revenue_share)
        if share is None:
            return [f"未填写服务收入占营业收入比重，无法核对“原则上不低于 {minimum}%”的条件。"]
        if share < campaign.min_service_revenue_share:
            return [
                f"服务收入占营业收入比重为 {percent(share)}%，低于 {minimum}%（申报条件：原则上不低于 {minimum}%）。"
            ]
    if n.category_id in Category.PLATFORMS:
        years, launched = campaign.min_platform_years, n.platform_launch_date
        if launched is None:
            return [f"未填写平台上线运营时间，无法核对“截至申报日运营满 {years} 年”的条件。"]
        cutoff = campaign.cutoff_date
        if years_after(launched, years) > cutoff:
            return [f"平台于 {launched:%Y-%m-%d} 上线运营，截至申报日 {cutoff:%Y-%m-%d} 运营不满 {years} 年。"]
    return []
