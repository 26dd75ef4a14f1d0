"""Every write of the project's own rows goes through `save_with_history`: the history entry
(django-simple-history) names the acting user and the reason, and the row its 最后修改人."""

from django.db import IntegrityError, transaction


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
