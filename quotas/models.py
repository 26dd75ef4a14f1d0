"""推荐名额: how many nominations a city (or the province) may make per category and campaign."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class QuotaRule(models.Model):
    DEMO_CITY = "demo_city"
    OTHER_CITY = "other_city"
    CITY = "city"
    PROVINCE = "province"
    SCOPE_CHOICES = [
        (DEMO_CITY, "已获评示范城市的地市"),
        (OTHER_CITY, "其他地市"),
        (CITY, "指定地市"),
        (PROVINCE, "全省向工信部推荐"),
    ]

    campaign = models.ForeignKey(
        "intake.Campaign", models.PROTECT, related_name="quota_rules", verbose_name="遴选批次"
    )
    scope = models.CharField("适用范围", max_length=20, choices=SCOPE_CHOICES)
    city = models.ForeignKey(
        "intake.City", models.PROTECT, null=True, blank=True, related_name="quota_rules",
        verbose_name="指定地市", help_text="仅当适用范围为“指定地市”时填写；指定地市的规则优先于其档次规则。",
    )
    category = models.ForeignKey(
        "intake.Category", models.PROTECT, related_name="quota_rules", verbose_name="类别"
    )
    maximum = models.PositiveSmallIntegerField("名额上限")
    history = HistoricalRecords()

    class Meta:
        ordering = ["campaign", "scope", "city__code", "category__order"]
        verbose_name = verbose_name_plural = "推荐名额规则"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "scope", "category"],
                condition=Q(city__isnull=True),
                name="one_rule_per_tier_and_category",
            ),
            models.UniqueConstraint(
                fields=["campaign", "city", "category"],
                condition=Q(city__isnull=False),
                name="one_rule_per_city_and_category",
            ),
            models.CheckConstraint(
                condition=(Q(scope="city") & Q(city__isnull=False)) | (~Q(scope="city") & Q(city__isnull=True)),
                name="city_rule_names_a_city",
            ),
        ]

    def __str__(self):
        target = self.city if self.scope == self.CITY else self.get_scope_display()
        return f"{self.campaign.year} {target} {self.category}：≤ {self.maximum}"

    def clean(self):
        if self.scope == self.CITY and not self.city_id:
            raise ValidationError({"city": "适用范围为“指定地市”时必须选择地市。"})
        if self.scope != self.CITY and self.city_id:
            raise ValidationError({"city": "只有适用范围为“指定地市”的规则才能选择地市，请清空或改选适用范围。"})
