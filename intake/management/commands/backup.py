from django.core.management.base import BaseCommand

from intake.audit.backup import backup
from intake.audit.log import record
from intake.models import SecurityEvent


class Command(BaseCommand):
    help = "备份数据库（PostgreSQL：pg_dump；SQLite：在线备份）和上传文件到一个新的空文件夹，可在系统运行时执行。"

    def add_arguments(self, parser):
        parser.add_argument("folder", help="新的空文件夹，如 /srv/backup/gdsm-20250506")

    def handle(self, folder, **options):
        manifest = backup(folder)
        size = sum(f["size"] for f in manifest["files"].values())
        record(SecurityEvent.BACKUP, target=folder,
               detail=f"数据库 {manifest['database']}；上传文件 {len(manifest['files'])} 个，{size} 字节")
        self.stdout.write(
            f"已备份到 {folder}：数据库（{manifest['database']}）和 {len(manifest['files'])} 个上传文件。")
