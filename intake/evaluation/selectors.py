"""Reads of the evaluation: deadlines per city, each unit's standing, progress, the cross-check."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from intake.campaigns.selectors import deadlines_for
from intake.models import Category, DeadlineExtension, RecognisedUnit, UnitEvaluation

DONE = "done"
EXPLAINED = "explained"
OUTSTANDING = "outstanding"
OVERDUE = "overdue"
STANDINGS = [(DONE, "已在线填报"), (EXPLAINED, "已书面说明"), (OUTSTANDING, "待填报"), (OVERDUE, "逾期未填报")]
STANDING_LABELS = dict(STANDINGS)


@dataclass(frozen=True)
class Deadlines:
    """The two evaluation deadlines binding one city (None when the campaign has not set them)."""

    online: datetime | None
    explanation: datetime | None

    @property
    def configured(self):
        return self.online is not None and self.explanation is not None

    def for_state(self, state):
        """The deadline of a change to `state`: filing online (or undoing it) closes with the
        online deadline, reporting a unit unable to file with the explanation deadline."""
        return self.explanation if state == UnitEvaluation.UNABLE else self.online


def evaluation_deadlines(campaign, cities):
    """{city pk: Deadlines}, extensions included, in two queries.

    An explanation never closes before online filing does: a city whose online deadline was
    extended past the explanation deadline may still explain until its online deadline."""
    cities = list(cities)
    online = deadlines_for(campaign, cities, DeadlineExtension.EVALUATION_ONLINE)
    explanation = deadlines_for(campaign, cities, DeadlineExtension.EVALUATION_EXPLANATION)
    result = {}
    for city in cities:
        o, e = online[city.pk], explanation[city.pk]
        result[city.pk] = Deadlines(o, max(o, e) if o and e else e)
    return result


def deadlines_of(campaign, city):
    return evaluation_deadlines(campaign, [city])[city.pk]


def evaluated(units):
    """The units asked to fill in the evaluation: active enterprises, platforms and cities."""
    return units.filter(is_active=True, kind__in=RecognisedUnit.EVALUATED_KINDS)


def evaluation_of(campaign, unit):
    """The unit's evaluation in `campaign`, unsaved (未填报) when nobody has reported yet."""
    return (
        UnitEvaluation.objects.filter(campaign=campaign, unit=unit).select_related("updated_by").first()
        or UnitEvaluation(campaign=campaign, unit=unit)
    )


def standing(state, deadlines, now):
    """done / explained / outstanding / overdue, for the progress and the lists."""
    if state == UnitEvaluation.FILED_ONLINE:
        return DONE
    if state == UnitEvaluation.UNABLE:
        return EXPLAINED
    if deadlines.online is not None and now > deadlines.online:
        return OVERDUE
    return OUTSTANDING


@dataclass
class UnitRow:
    unit: RecognisedUnit
    evaluation: UnitEvaluation
    deadlines: Deadlines
    standing: str

    @property
    def standing_label(self):
        return STANDING_LABELS[self.standing]


def unit_rows(campaign, units, now=None):
    """One row per unit with its evaluation and standing, in a constant number of queries."""
    now = now or timezone.now()
    units = list(units.select_related("city"))
    evaluations = {
        e.unit_id: e
        for e in UnitEvaluation.objects.filter(campaign=campaign, unit__in=[u.pk for u in units]).select_related(
            "updated_by"
        )
    }
    cities = {u.city_id: u.city for u in units}
    deadlines = evaluation_deadlines(campaign, cities.values())
    rows = []
    for unit in units:
        evaluation = evaluations.get(unit.pk) or UnitEvaluation(campaign=campaign, unit=unit)
        binding = deadlines[unit.city_id]
        rows.append(UnitRow(unit, evaluation, binding, standing(evaluation.state, binding, now)))
    return rows


@dataclass
class CityProgress:
    city: object
    deadlines: Deadlines
    counts: Counter

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def done(self):
        return self.counts[DONE]

    @property
    def explained(self):
        return self.counts[EXPLAINED]

    @property
    def outstanding(self):
        return self.counts[OUTSTANDING]

    @property
    def overdue(self):
        return self.counts[OVERDUE]


def progress_by_city(campaign, cities, units, now=None):
    """[CityProgress] for every city in `cities`, including those without units."""
    cities = list(cities)
    counts = defaultdict(Counter)
    for row in unit_rows(campaign, evaluated(units), now):
        counts[row.unit.city_id][row.standing] += 1
    deadlines = evaluation_deadlines(campaign, cities)
    return [CityProgress(city, deadlines[city.pk], counts[city.pk]) for city in cities]


def progress_chart_series(progress):
    return [(label, [p.counts[key] for p in progress]) for key, label in STANDINGS]


def recognitions_for(nominations):
    """{nomination pk: RecognisedUnit} for the nominees already recognised in batches 1–4.

    Matched by credit code (and, for the city category, by city) against active units, in one
    query whatever the number of nominations. When a code matches several units (an enterprise
    that is also a recognised platform), the unit of the nomination's own kind wins, then the
    earliest batch."""
    nominations = list(nominations)
    codes = {n.credit_code for n in nominations if n.credit_code}
    city_ids = {n.city_id for n in nominations if n.category_id == Category.CITY}
    if not codes and not city_ids:
        return {}
    units = (
        RecognisedUnit.objects.filter(is_active=True)
        .filter(Q(credit_code__in=codes) | Q(kind=RecognisedUnit.CITY, city_id__in=city_ids))
        .select_related("city")
        .order_by("batch", "pk")
    )
    by_code, by_city = defaultdict(list), {}
    for unit in units:
        if unit.kind == RecognisedUnit.CITY:
            by_city.setdefault(unit.city_id, unit)
        else:
            by_code[unit.credit_code].append(unit)
    found = {}
    for n in nominations:
        if n.category_id == Category.CITY:
            unit = by_city.get(n.city_id)
        else:
            candidates = by_code.get(n.credit_code) or []
            same_kind = [u for u in candidates if n.category_id in RecognisedUnit.NOMINATION_CATEGORIES[u.kind]]
            unit = (same_kind or candidates or [None])[0]
        if unit is not None:
            found[n.pk] = unit
    return found
