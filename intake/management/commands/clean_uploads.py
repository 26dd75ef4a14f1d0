"""List, and with --delete remove, stored uploads that no row and no history row refers to.

Every upload is stored under the lock of its write, after the write's checks, and removed again
when the write fails (`intake/common/uploads.py:stored_pdf`); a process killed between storing the file
and committing its row can still leave one behind. Dry run by default.
"""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from intake.common.localtime import local_time
from intake.common.uploads import orphaned_files


class Command(BaseCommand):
    help = "列出（默认）或删除（--delete）没有任何记录或历史记录引用的上传文件。"

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="删除列出的文件（默认只列出，不删除）")
        parser.add_argument(
            "--min-age-minutes", type=int, default=60,
            help="只处理早于这么多分钟前保存的文件（默认 60）：更新的文件可能属于尚未完成的上传",
        )

    def handle(self, *args, delete=False, min_age_minutes=60, **options):
        found = orphaned_files(min_age_minutes=min_age_minutes)
        for name, size, modified in found:
            self.stdout.write(f"{name}\t{size} 字节\t{local_time(modified)}")
            if delete:
                default_storage.delete(name)
        total = sum(size for _name, size, _modified in found)
        if delete:
            self.stdout.write(f"已删除 {len(found)} 个无记录引用的文件，共 {total} 字节。")
        else:
            self.stdout.write(
                f"共 {len(found)} 个无记录引用的文件（{total} 字节）。这是预览，未删除；加 --delete 删除。"
            )
