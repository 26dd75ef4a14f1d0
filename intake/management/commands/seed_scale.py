"""`manage.py seed_scale`: deadline-day volumes on top of `seed_demo` (see intake/common/scale.py)."""

from django.core.management.base import BaseCommand

from intake.common.scale import CAMPAIGNS, build_scale_data


class Command(BaseCommand):
    help = (
        "在演示数据上生成截止日的数据量：多个批次，每个地市每个类别名额用满，各种状态的推荐函，"
        "500 个前四批示范单位（用于压测和查看大数据量下的页面）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaigns", type=int, default=CAMPAIGNS, help="批次数（默认 %(default)s）")
        parser.add_argument("--withdrawn-per-city", type=int, default=1, help="每个地市每批次的已撤回对象数")

    def handle(self, *args, campaigns, withdrawn_per_city, **options):
        report = build_scale_data(campaigns=campaigns, withdrawn_per_city=withdrawn_per_city)
        years = "、".join(str(c.year) for c in report.campaigns)
        self.stdout.write(
            f"批次：{years}；新增已录入推荐对象 {report.nominations_created} 个，已撤回 {report.withdrawn_created} 个，"
            f"推荐函 {report.slates_created} 份，示范单位 {report.units_created} 个。"
        )
