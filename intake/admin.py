"""Django admin: admins keep cities, categories, campaigns, deadlines and users here.

Nothing is deleted (rows are deactivated or changed, and the history keeps every version);
nominations are read-only here because their rules live in `services`.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Campaign,
    Category,
    City,
    DeadlineExtension,
    DemoMode,
    Nomination,
    RecognisedUnit,
    Slate,
    SlateEvent,
    UnitEvaluation,
    User,
)

admin.site.disable_action("delete_selected")
# Second factors are enrolled by their holder and reset on /users/: the admin never shows a secret.
for otp_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(otp_model):
        admin.site.unregister(otp_model)


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(City)
class CityAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "bureau_name", "is_demo_city"]
    list_editable = ["is_demo_city"]
    search_fields = ["name", "code", "slug"]


@admin.register(Category)
class CategoryAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "annex2_section", "name_label", "order"]

    def has_add_permission(self, request):
        return False  # the five codes are what the code and the URLs know

    def get_readonly_fields(self, request, obj=None):
        return ["code"]


@admin.register(DemoMode)
class DemoModeAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]


class DeadlineExtensionInline(admin.TabularInline):
    model = DeadlineExtension
    extra = 0
    autocomplete_fields = ["city"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["year", "name", "submission_deadline", "is_open"]
    list_editable = ["is_open"]
    inlines = [DeadlineExtensionInline]
    actions = ["copy_previous_quota_rules"]

    @admin.action(description="从上一批次复制推荐名额规则（已有规则的类别不变）")
    def copy_previous_quota_rules(self, request, queryset):
        from quotas.services import copy_quota_rules

        for campaign in queryset:
            source = Campaign.objects.filter(year__lt=campaign.year).order_by("-year").first()
            if source is None:
                self.message_user(request, f"{campaign}：没有更早的批次可复制。", level="warning")
                continue
            created = copy_quota_rules(source, campaign)
            self.message_user(request, f"{campaign}：从 {source.year} 年复制了 {created} 条规则。")


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["campaign", "city", "kind", "deadline", "reason"]
    list_filter = ["campaign", "kind"]
    autocomplete_fields = ["city"]


class PasswordSetByAdminForm(AdminPasswordChangeForm):
    """A password an admin sets is changed by its holder at the next login."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit)


@admin.register(User)
class UserAdmin(NoDeleteMixin, SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "role", "city", "first_name", "is_active", "last_login"]
    list_filter = ["role", "city", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (("推荐系统", {"fields": ("role", "city", "must_change_password")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("推荐系统", {"fields": ("role", "city")}),)
    change_password_form = PasswordSetByAdminForm

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # created by someone else: changed at first login
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ["name", "city", "category", "campaign", "status", "credit_code", "updated_at"]
    list_filter = ["campaign", "category", "status", "city"]
    search_fields = ["name", "credit_code", "electronic_no"]
    list_select_related = ["city", "category", "campaign"]


@admin.register(Slate)
class SlateAdmin(ReadOnlyAdmin):
    list_display = ["city", "campaign", "status", "filler_name", "filler_phone", "updated_at"]
    list_filter = ["campaign", "status"]
    list_select_related = ["city", "campaign"]


@admin.register(SlateEvent)
class SlateEventAdmin(NoDeleteMixin, admin.ModelAdmin):
    """The slates' timeline, append-only: written by intake/review_services.py."""

    list_display = ["at", "slate", "kind", "actor", "note"]
    list_filter = ["kind", "slate__campaign"]
    list_select_related = ["slate__city", "slate__campaign", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
# Evaluation of the demonstration units of batches 1–4. Admins edit the registry here too (the
# province in the app); states are changed by the cities through the services only.


@admin.register(RecognisedUnit)
class RecognisedUnitAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "city", "kind", "batch", "credit_code", "is_active"]
    list_filter = ["kind", "batch", "is_active", "city"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["city"]


@admin.register(UnitEvaluation)
class UnitEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["unit", "campaign", "state", "filed_on", "unable_reason", "updated_by", "updated_at"]
    list_filter = ["campaign", "state", "unit__city"]
    search_fields = ["unit__name", "unit__credit_code"]
    list_select_related = ["unit", "campaign", "updated_by"]
    exclude = ["explanation"]  # downloaded through the scoped view, never a public link
