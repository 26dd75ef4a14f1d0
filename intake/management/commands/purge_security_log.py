from django.core.management.base import BaseCommand, CommandError

from intake.audit.purge import purge
from intake.common.localtime import local_time
from intake.models import SecurityEvent


class Command(BaseCommand):
    help = f"删除超过保存期限的安全审计日志（至少 {SecurityEvent.RETENTION_DAYS} 天，不删除更近的记录），并记入日志。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=SecurityEvent.RETENTION_DAYS,
                            help=f"保存天数，不少于 {SecurityEvent.RETENTION_DAYS}")

    def handle(self, days, **options):
        try:
            count, cutoff = purge(days)
        except ValueError as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"已删除 {local_time(cutoff)} 之前的安全审计日志 {count} 条；"
                          "更近的记录全部保留。本次清理已记入日志。")
