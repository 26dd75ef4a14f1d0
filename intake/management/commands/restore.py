from django.core.management.base import BaseCommand

from intake.audit.backup import restore


class Command(BaseCommand):
    help = "把 backup 命令的备份恢复到空数据库（DATABASE_URL）和空的上传文件夹（PRIVATE_MEDIA_ROOT）。"

    def add_arguments(self, parser):
        parser.add_argument("folder", help="backup 命令生成的文件夹")

    def handle(self, folder, **options):
        manifest = restore(folder)
        self.stdout.write(
            f"已从 {folder}（{manifest['created']}）恢复数据库和 {len(manifest['files'])} 个上传文件，校验一致。"
            "请再运行 manage.py migrate 和 manage.py check。"
        )
