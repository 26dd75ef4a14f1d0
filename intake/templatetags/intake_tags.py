from django import template
from django.utils import timezone

from ..imports import PREVIEW_TEXT_CHARS, excerpt

register = template.Library()


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
