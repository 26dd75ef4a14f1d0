import re

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from ..crosschecks import percent as percent_text
from ..models import CITY_BUREAU_ACCOUNT_NOTE, MINISTRY_PLATFORM, MINISTRY_PLATFORM_URL, account_note

register = template.Library()


@register.filter
def percent(value):
    """30.00 → 30, 29.50 → 29.5 (the number of a percentage, as the warnings print it)."""
    return percent_text(value) if value is not None else ""


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
