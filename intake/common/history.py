"""The history of the project's own rows (django-simple-history). Every write goes through
`save_with_history`: the entry names the acting user and the reason, and the row its 最后修改人.
`history_of` reads it back in words for the pages."""

from datetime import datetime

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from intake.common.localtime import local_time


def _explain_by_model(obj):
    obj.validate_unique()
    obj.validate_constraints()


def save_with_history(obj, user, reason="", *, validate=True, update_fields=None, explain_conflict=None):
    """Save `obj`, the history entry naming `user` (and `reason`); a row with a 最后修改人
    (`updated_by`) records `user` there too.

    `validate`: run the model's field checks first (`full_clean`). Uniqueness and the model's
    constraints are left to the database, which checks them on the write anyway (a query per
    constraint beforehand made a 500-row import take seconds); a refusal, or a race lost to
    another writer, comes back as the message the checks would have given: `explain_conflict(obj)`
    raises it (by default, when validating, the model's own `validate_unique` and
    `validate_constraints`). Writes that checked the row themselves, or change only columns
    nobody types, pass `validate=False`.

    `update_fields`: only these columns (and 最后修改人 and the auto-updated times)."""
    fields = obj._meta.concrete_fields
    if any(field.name == "updated_by" for field in fields):
        obj.updated_by = user
        if update_fields is not None:
            update_fields = [*update_fields, "updated_by"]
    if update_fields is not None:
        update_fields = [*update_fields, *(field.name for field in fields if getattr(field, "auto_now", False))]
    if validate:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    obj._history_user = user
    if reason:
        obj._change_reason = reason[:100]
    explain = explain_conflict or (_explain_by_model if validate else None)
    if explain is None:
        obj.save(update_fields=update_fields)
        return obj
    try:
        with transaction.atomic():
            obj.save(update_fields=update_fields)
    except IntegrityError:
        explain(obj)
        raise
    return obj


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
