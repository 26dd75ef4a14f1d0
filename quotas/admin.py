from django.contrib import admin

from intake.admin_base import ServiceAdmin
from quotas import services
from quotas.models import QuotaRule


@admin.register(QuotaRule)
class QuotaRuleAdmin(ServiceAdmin):
    """Set the maximum to 0 instead of deleting: the rule and its history stay. Saved through
    `services.save_quota_rule` (the lock of every city the rule decides, the history)."""

    list_display = ["campaign", "scope", "city", "category", "maximum"]
    list_editable = ["maximum"]
    list_filter = ["campaign", "scope", "category"]
    list_select_related = ["campaign", "city", "category"]

    def save_through_service(self, request, obj, form, change):
        services.save_quota_rule(user=request.user, rule=obj)
