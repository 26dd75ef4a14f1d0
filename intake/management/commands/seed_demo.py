"""Load the reference data and demo accounts. Creates only what is missing, so running it again
changes nothing and never overwrites what an admin has edited since."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from stdnum.cn import uscc

from intake.common.localtime import local_time
from intake.evaluation.services import set_evaluation_state
from intake.models import (
    Campaign,
    Category,
    City,
    DeadlineExtension,
    DemoMode,
    Nomination,
    RecognisedUnit,
    Slate,
    UnitEvaluation,
    User,
)
from quotas.models import QuotaRule
from quotas.services import copy_quota_rules

FIXTURES = ["categories", "demo_modes", "cities", "campaign_2023", "quota_rules_2023"]
PROVINCE_GROUP = "省级审核"
PROVINCE_VIEW_MODELS = [
    City, Category, DemoMode, Campaign, DeadlineExtension, Nomination, Slate, QuotaRule, RecognisedUnit, UnitEvaluation,
]
DEMO_CAMPAIGN_DAYS = 60


class Command(BaseCommand):
    help = "载入地市、类别、示范模式、2023 年批次和名额规则，并创建演示账号与一个开放中的演示批次。"

    def handle(self, *args, **options):
        with transaction.atomic():
            created = self.load_fixtures()
            campaign, campaign_created = self.demo_campaign()
            rules = copy_quota_rules(Campaign.objects.get(year=2023), campaign)
            users = self.demo_users()
            units = self.demo_registry(campaign)
        self.stdout.write(
            f"参考数据新增 {created} 条；演示批次“{campaign.name}”{'已创建' if campaign_created else '已存在'}"
            f"（截止 {local_time(campaign.submission_deadline)}）；"
            f"名额规则新增 {rules} 条；账号新增 {users} 个；演示示范单位新增 {units} 个。"
        )

    def load_fixtures(self):
        created, models = 0, set()
        for name in FIXTURES:
            path = settings.BASE_DIR / "fixtures" / f"{name}.json"
            for item in serializers.deserialize("json", path.read_text(encoding="utf-8")):
                model = type(item.object)
                models.add(model)
                if not model.objects.filter(pk=item.object.pk).exists():
                    item.object.save()
                    created += 1
        # Rows saved with explicit keys leave PostgreSQL's sequences behind; move them on.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
                cursor.execute(sql)
        return created

    def demo_campaign(self):
        today = timezone.localdate()
        deadline = timezone.make_aware(datetime.combine(today + timedelta(days=DEMO_CAMPAIGN_DAYS), time(23, 59, 59)))
        return Campaign.objects.get_or_create(
            year=today.year,
            defaults={
                "name": f"{today.year}年服务型制造示范遴选（演示）",
                "province_notice_no": "演示",
                "ministry_notice_no": "演示",
                "submission_deadline": deadline,
                "evaluation_online_deadline": deadline + timedelta(days=14),
                "evaluation_explanation_deadline": deadline + timedelta(days=17),
                "is_open": True,
            },
        )

    def demo_users(self):
        password = settings.DEMO_PASSWORD
        group, _ = Group.objects.get_or_create(name=PROVINCE_GROUP)
        if not group.permissions.exists():
            codenames = [f"view_{m._meta.model_name}" for m in PROVINCE_VIEW_MODELS]
            group.permissions.set(Permission.objects.filter(codename__in=codenames))
        accounts = [
            ("admin", {"role": User.ADMIN, "is_staff": True, "is_superuser": True, "first_name": "系统管理员"}),
            ("province", {"role": User.PROVINCE, "is_staff": True, "first_name": "省工信厅审核员"}),
            ("auditor", {"role": User.AUDITOR, "first_name": "安全审计员"}),
        ] + [
            (city.slug, {"role": User.CITY, "city": city, "first_name": f"{city.name}填报员"})
            for city in City.objects.all()
        ]
        created = 0
        # Demo accounts open at once: no forced first change (must_change_password stays off).
        for username, fields in accounts:
            user, was_created = User.objects.get_or_create(username=username, defaults=fields)
            if was_created:
                user.set_password(password)
                user.save()
                created += 1
                if user.role == User.PROVINCE:
                    user.groups.add(group)
        return created

    def demo_registry(self, campaign):
        """A small fictitious registry of batches 1–4 (two units per city, and the demonstration
        city), a few already reported in the demo campaign. Only into an empty registry, so a real
        list imported by the province is never mixed with demo rows."""
        if RecognisedUnit.objects.exists():
            return 0
        serial = 0

        def code(city):
            nonlocal serial
            serial += 1
            body = f"91{city.code}DM{serial:07d}"  # "DM": never one of the test factories' codes
            return body + uscc.calc_check_digit(body)

        units = []
        for index, city in enumerate(City.objects.all()):
            short = city.name.removesuffix("市")
            units.append(RecognisedUnit(
                name=f"{short}{DEMO_ENTERPRISES[index % len(DEMO_ENTERPRISES)]}有限公司（演示）",
                credit_code=code(city), kind=RecognisedUnit.ENTERPRISE, batch=index % 4 + 1, city=city,
            ))
            units.append(RecognisedUnit(
                name=f"{short}{DEMO_PLATFORMS[index % len(DEMO_PLATFORMS)]}（演示）",
                credit_code=code(city), kind=RecognisedUnit.PLATFORM, batch=(index + 2) % 4 + 1, city=city,
            ))
            if city.is_demo_city:
                units.append(RecognisedUnit(name=city.name, kind=RecognisedUnit.CITY, batch=2, city=city))
        for unit in units:
            unit.full_clean()
            unit.save()
        # A few cities have already reported, so the progress page shows something.
        for unit in units[:12:2]:
            clerk = User.objects.filter(role=User.CITY, city=unit.city).order_by("pk").first()
            try:
                set_evaluation_state(
                    user=clerk, campaign=campaign, unit=unit, state=UnitEvaluation.FILED_ONLINE,
                    filed_on=timezone.localdate(),
                )
            except ValidationError:
                break  # the demo campaign's evaluation has closed: leave the states alone
        return len(units)


DEMO_ENTERPRISES = ["智能装备", "精密电子", "新材料科技", "家电制造", "纺织服装", "汽车零部件"]
DEMO_PLATFORMS = ["工业互联网平台", "共享制造服务平台", "工业设计服务平台"]
