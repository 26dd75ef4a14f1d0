"""Control characters never reach the database.

C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F) controls come in with pasted text (Word, Excel,
terminals) and break the Annex 2 renderers, the XLSX files (openpyxl refuses most of them) and
anyone reading the data later. One function, `clean_text`, removes them, at two points:

- every save of a model of the project's own apps (`pre_save`), whatever wrote it: a service
  called by a view, the admin, an import, a management command, `loaddata`. A TextField (a
  multi-line text area) keeps tab and line breaks (CR LF and CR become LF); a one-line field keeps
  neither. A required field the removal would leave empty is refused with a message;
- every posted form (`ControlCharactersMiddleware`), before any form or rule sees the text, so
  that "\x01" is an empty answer to a required question (a reason, a name), not an answer. Tab and
  line breaks stay there: the form does not say which field is a text area; the save decides.
"""

import re

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError

SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MULTI_LINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # keeps tab (09) and LF (0a)


POSTED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # keeps tab, LF and CR


def clean_text(value, *, multiline=False):
    """`value` without control characters (tab and LF kept when `multiline`)."""
    if not isinstance(value, str):
        return value
    if multiline:
        return MULTI_LINE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return SINGLE_LINE.sub("", value)


def _text_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))]


def clean_instance(instance):
    """Strip the controls from `instance`'s text fields in place; refuse a required one emptied."""
    errors = {}
    for field in _text_fields(type(instance)):
        value = getattr(instance, field.attname)
        cleaned = clean_text(value, multiline=isinstance(field, models.TextField))
        if cleaned == value:
            continue
        setattr(instance, field.attname, cleaned)
        if value and not cleaned.strip() and not field.blank:
            errors[field.name] = ValidationError(
                "“%(label)s”只含有不可见的控制字符，请重新输入。", code="only_control_characters",
                params={"label": field.verbose_name},
            )
    if errors:
        raise ValidationError(errors)


def _project_labels():
    from django.conf import settings

    root = str(settings.BASE_DIR)
    return {a.label for a in apps.get_app_configs() if a.path.startswith(root) and "site-packages" not in a.path}


def _strip_controls(sender, instance, **kwargs):
    if sender._meta.app_label in _LABELS:
        clean_instance(instance)


_LABELS = set()


def connect():
    """Called once from `IntakeConfig.ready`: every model of the project's own apps (their
    historical copies included, which then have nothing left to strip)."""
    _LABELS.update(_project_labels())
    pre_save.connect(_strip_controls, dispatch_uid="intake.common.text.strip_controls")


class ControlCharactersMiddleware:
    """Posted form fields without control characters (tab and line breaks aside), for every view,
    the admin's included. Files are not touched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            try:
                posted = request.POST
            except (UnreadablePostError, MultiPartParserError):
                posted = None  # a cut-off body: the view and the CSRF check see what they always did
            if posted and any(POSTED.search(v) for values in posted.lists() for v in values[1]):
                cleaned = posted.copy()
                for key, values in posted.lists():
                    cleaned.setlist(key, [POSTED.sub("", v) for v in values])
                cleaned._mutable = False
                request.POST = cleaned
        return self.get_response(request)
