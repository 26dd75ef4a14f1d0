"""What the auditor reads: the security log with its filters, and the change history of every
model that keeps one (django-simple-history) — when, who, which object, which fields changed,
never the values themselves."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.apps import apps
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from intake.models import SecurityEvent

HISTORY_LIMIT = 200


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def security_events(filters):
    """`filters`: the cleaned values of `AuditFilterForm` (empty ones ignored)."""
    events = SecurityEvent.objects.select_related("city")
    if filters.get("date_from"):
        events = events.filter(at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        events = events.filter(at__lt=_day_start(filters["date_to"] + timedelta(days=1)))
    if filters.get("account"):
        events = events.filter(username__icontains=filters["account"])
    if filters.get("city"):
        events = events.filter(city__code=filters["city"])
    if filters.get("kind"):
        events = events.filter(kind=filters["kind"])
    return events.order_by("-at", "-pk")


def history_models():
    """{label: model} of every model with a change history, labelled with its Chinese name."""
    found = {}
    for model in apps.get_models():
        manager = getattr(model, "history", None)
        if manager is not None and hasattr(manager, "model") and not model._meta.label.startswith("simple_history"):
            found[model._meta.label_lower] = model
    return dict(sorted(found.items(), key=lambda item: str(item[1]._meta.verbose_name)))


@dataclass
class Change:
    at: datetime
    who: str
    model: str
    object_id: object
    name: str
    action: str
    fields: list


ACTIONS = {"+": "新建", "~": "修改", "-": "删除"}


def _name(record):
    for field in ("name", "username"):
        if hasattr(record, field):
            return getattr(record, field) or ""
    return ""


def change_history(*, date_from, date_to, model_label=None, account=None, limit=HISTORY_LIMIT):
    """The newest `limit` changes in the period, across every model (2 queries per model)."""
    start, end = _day_start(date_from), _day_start(date_to + timedelta(days=1))
    changes = []
    for label, model in history_models().items():
        if model_label and label != model_label:
            continue
        historical = model.history.model
        records = historical.objects.filter(history_date__gte=start, history_date__lt=end)
        if account:
            records = records.filter(history_user__username__icontains=account)
        previous = historical.objects.filter(
            **{model._meta.pk.attname: OuterRef(model._meta.pk.attname)},
            history_date__lt=OuterRef("history_date"),
        ).order_by("-history_date", "-history_id").values("history_id")[:1]
        records = list(
            records.select_related("history_user").annotate(previous_id=Subquery(previous))
            .order_by("-history_date", "-history_id")[:limit]
        )
        before = historical.objects.in_bulk([r.previous_id for r in records if r.previous_id])
        verbose = str(model._meta.verbose_name)
        for record in records:
            older = before.get(record.previous_id)
            fields = []
            if older is not None and record.history_type == "~":
                delta = record.diff_against(older, foreign_keys_are_objs=False)
                fields = [str(model._meta.get_field(c.field).verbose_name) for c in delta.changes]
            who = record.history_user
            changes.append(Change(
                at=record.history_date, who=(who.username if who else "系统"), model=verbose,
                object_id=getattr(record, model._meta.pk.attname), name=_name(record),
                action=ACTIONS.get(record.history_type, record.history_type), fields=fields,
            ))
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes[:limit]
