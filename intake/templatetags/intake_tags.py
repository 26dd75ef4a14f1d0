import re

from django import forms, template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from intake.common.imports import PREVIEW_TEXT_CHARS, excerpt
from intake.models import CITY_BUREAU_ACCOUNT_NOTE, MINISTRY_PLATFORM, MINISTRY_PLATFORM_URL, account_note
from intake.review.crosschecks import percent as percent_text

register = template.Library()


@register.simple_tag
def bootstrap_widget(field):
    """The field's widget (Django's) with Bootstrap 5's classes, as crispy-forms gave them: the
    widget's own, its kind (textinput, select …), form-select or form-control, is-invalid after an
    error (templates/forms/fields.html)."""
    widget = field.field.widget
    if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.FileInput,
                           forms.MultiWidget)):
        raise TypeError(f"{field.name}: {type(widget).__name__} is drawn by crispy-forms, not forms/fields.html")
    classes = widget.attrs.get("class", "").split()
    kind = type(widget).__name__.lower()
    if kind not in classes:
        classes.append(kind)
    classes.append("form-select" if isinstance(widget, forms.Select) else "form-control")
    if field.errors:
        classes.append("is-invalid")
    return field.as_widget(attrs={"class": " ".join(dict.fromkeys(classes))})


@register.filter
def percent(value):
    """30.00 → 30, 29.50 → 29.5 (the number of a percentage, as the warnings print it)."""
    return percent_text(value) if value is not None else ""


@register.filter
def preview_text(value, limit=PREVIEW_TEXT_CHARS):
    """A value as an import preview shows it: a long text cut, so the page stays small however large
    the cells are (the rows kept for the confirmation keep every character)."""
    return "" if value is None else excerpt(value, int(limit))


@register.filter
def time_left(deadline):
    """剩余 3 天 4 小时 / 剩余 25 分钟 / 已截止."""
    if not deadline:
        return ""
    seconds = int((deadline - timezone.now()).total_seconds())
    if seconds <= 0:
        return "已截止"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"剩余 {days} 天 {hours} 小时"
    if hours:
        return f"剩余 {hours} 小时 {minutes} 分钟"
    return f"剩余 {max(minutes, 1)} 分钟"


@register.filter
def keep_words(text):
    """A label that may break before its bracket but never inside a part, so a narrow column shows
    示范平台 / （共享制造类） rather than 示范平台（共享制造类/）."""
    parts = [part for part in re.split(r"(?=[（(])", str(text)) if part]
    return format_html_join(mark_safe("<wbr>"), '<span class="text-nowrap">{}</span>', ((part,) for part in parts))


@register.simple_tag
def ministry_platform():
    """The ministry's platform, named with its address (notice 三)."""
    return format_html('{}（<a href="{}" rel="noopener">{}</a>）', MINISTRY_PLATFORM,
                       MINISTRY_PLATFORM_URL, MINISTRY_PLATFORM_URL)


@register.simple_tag
def account_rules():
    """Who logs in to the ministry's platform with which account (notice 五(一)): the city bureaus
    beside the units of batches 1–3 and of batch 4."""
    return format_html("登录账号：{}；前三批示范单位{}；第四批示范单位{}。", CITY_BUREAU_ACCOUNT_NOTE,
                       account_note(1), account_note(4))



# The query string is read in Python: in a template, `request.GET.items` is the value of a
# parameter named "items" when there is one, not the method.


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with `changes` (a link to another page keeps the filters)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def query_pairs(context, *left_out):
    """(name, value) of every query parameter but `left_out`, e.g. to carry them through a form."""
    return [(key, value) for key, values in context["request"].GET.lists() if key not in left_out for value in values]
