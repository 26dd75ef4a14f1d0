"""The only way entries leave the security log: older than the retention, and logged."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from intake.audit.log import record
from intake.models import SecurityEvent


@transaction.atomic
def purge(days=SecurityEvent.RETENTION_DAYS, now=None):
    """Delete entries older than `days` (at least the retention); returns (count, cut-off). The
    database refuses any younger entry whatever this is asked (intake/audit/triggers.py)."""
    if days < SecurityEvent.RETENTION_DAYS:
        raise ValueError(f"安全审计日志至少保存 {SecurityEvent.RETENTION_DAYS} 天，不能清理更近的记录。")
    cutoff = (now or timezone.now()) - timedelta(days=days)
    count, _ = SecurityEvent.objects.filter(at__lt=cutoff).delete()
    record(SecurityEvent.PURGE, target=f"{cutoff:%Y-%m-%d %H:%M:%S} 之前的记录",
           detail=f"删除 {count} 条（保存期限 {days} 天）")
    return count, cutoff
