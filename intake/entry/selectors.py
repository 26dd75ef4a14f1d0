"""Reads of the entry: whether a city may write now, its nominations, who holds a credit code."""



from intake.campaigns.selectors import deadline_open
from intake.models import City, Nomination, Slate


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


def nominations_by_category(campaign, city):
    """{category_code: [nomination, …]} of all the city's nominations, counted ones first."""
    grouped = {}
    # order_by(): sorted here, so the model's default ordering (two joins) is not needed.
    rows = Nomination.objects.filter(campaign=campaign, city=city).select_related("demo_mode").order_by()
    for nomination in sorted(rows, key=lambda n: (not n.is_counted, n.created_at, n.pk)):
        grouped.setdefault(nomination.category_id, []).append(nomination)
    return grouped
