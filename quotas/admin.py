from django.contrib import admin

from intake.admin import SimpleHistoryAdmin  # ids checked before they are looked up

from .models import QuotaRule


@admin.register(QuotaRule)
class QuotaRuleAdmin(SimpleHistoryAdmin):
    list_display = ["campaign", "scope", "city", "category", "maximum"]
    list_editable = ["maximum"]
    list_filter = ["campaign", "scope", "category"]
    list_select_related = ["campaign", "city", "category"]
    autocomplete_fields = ["city"]

    def has_delete_permission(self, request, obj=None):
        return False  # set the maximum to 0 instead: the rule and its history stay
