from django import template
from django.utils import timezone

register = template.Library()


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
