"""Reading quotas: the limit that applies to a city and how much of it is used."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from intake.models import Category, City, Nomination
from quotas.models import QuotaRule

CITY_CATEGORY_CAP = 1  # the city category is the city itself: once at most, whatever a rule says


@dataclass(frozen=True)
class QuotaLine:
    category: Category
    used: int
    allowed: int

    @property
    def remaining(self):
        return max(self.allowed - self.used, 0)

    @property
    def has_room(self):
        return self.used < self.allowed

    @property
    def is_over(self):
        return self.used > self.allowed

    @property
    def excess(self):
        return max(self.used - self.allowed, 0)


def rules_for(campaign):
    """{(scope, city_id, category_code): maximum} for one campaign, in one query."""
    return {
        (scope, city_id, category_id): maximum
        # order_by(): a dict needs no order, and the model's (three joins) costs on every page.
        for scope, city_id, category_id, maximum in QuotaRule.objects.filter(campaign=campaign).order_by().values_list(
            "scope", "city_id", "category_id", "maximum"
        )
    }


def resolve_limit(rules, city, category_code):
    """A rule naming the city beats its tier's rule; no rule means no places (but the city's own one)."""
    limit = rules.get((QuotaRule.CITY, city.pk, category_code))
    if limit is None:
        tier = QuotaRule.DEMO_CITY if city.is_demo_city else QuotaRule.OTHER_CITY
        limit = rules.get((tier, None, category_code))
    if category_code == Category.CITY:
        return CITY_CATEGORY_CAP if limit is None else min(limit, CITY_CATEGORY_CAP)
    return limit or 0


def limit_for(campaign, city, category_code):
    return resolve_limit(rules_for(campaign), city, category_code)


def used_places(campaign, city, category_code, *, exclude_pk=None):
    qs = Nomination.objects.filter(
        campaign=campaign, city=city, category_id=category_code, status__in=Nomination.COUNTED_STATUSES
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.count()


def quota_matrix(campaign, cities=None, *, nominations=None):
    """{city_id: [QuotaLine per category]} for many cities in three queries. `nominations`: every
    nomination of those cities, as the page has read them to show them: counted from those rows
    (two queries), so the quota lines agree with the list beside them."""
    cities = list(cities if cities is not None else City.objects.all())
    categories = list(Category.objects.all())
    rules = rules_for(campaign)
    if nominations is None:
        counts = {
            (row["city_id"], row["category_id"]): row["n"]
            for row in Nomination.objects.filter(
                campaign=campaign, city__in=cities, status__in=Nomination.COUNTED_STATUSES
            )
            .order_by()  # counts need no order; the model's joins three tables
            .values("city_id", "category_id")
            .annotate(n=Count("pk"))
        }
    else:
        counts = Counter(
            (n.city_id, n.category_id) for n in nominations
            if n.campaign_id == campaign.pk and n.status in Nomination.COUNTED_STATUSES
        )
    return {
        city.pk: [
            QuotaLine(category, counts.get((city.pk, category.code), 0), resolve_limit(rules, city, category.code))
            for category in categories
        ]
        for city in cities
    }


def quota_table(campaign, city, *, nominations=None):
    return quota_matrix(campaign, [city], nominations=nominations)[city.pk]


# --- The province's own selection for the ministry (QuotaRule scope "province") -------------


@dataclass(frozen=True)
class ProvinceQuotaLine:
    """Like QuotaLine, but `allowed` is None where no province rule caps the category (the
    ministry's notice limits only enterprises and platforms; an admin may add a rule for the rest)."""

    category: Category
    used: int
    allowed: int | None

    @property
    def has_room(self):
        return self.allowed is None or self.used < self.allowed

    @property
    def is_over(self):
        return self.allowed is not None and self.used > self.allowed


def province_limit(rules, category_code):
    return rules.get((QuotaRule.PROVINCE, None, category_code))


def province_selected(campaign):
    return Nomination.objects.filter(
        campaign=campaign, province_selected=True, status__in=Nomination.COUNTED_STATUSES
    )


def province_quota_table(campaign, *, categories=None):
    """[ProvinceQuotaLine per category] in three queries (two when the caller has the `categories`)."""
    rules = rules_for(campaign)
    counts = dict(province_selected(campaign).order_by().values_list("category_id").annotate(n=Count("pk")))
    return [
        ProvinceQuotaLine(category, counts.get(category.code, 0), province_limit(rules, category.code))
        for category in (categories if categories is not None else Category.objects.all())
    ]
