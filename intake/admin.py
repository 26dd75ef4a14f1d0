"""Django admin: admins keep cities, categories, campaigns, deadlines and users here.

Nothing is deleted (rows are deactivated or changed, and the history keeps every version);
nominations are read-only here because their rules live in `services`.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.http import Http404
from simple_history import admin as simple_history_admin

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
from .request_input import parse_int

admin.site.disable_action("delete_selected")


class CheckedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete select shows a submitted id again by looking it up: an id that is not
    one ("²", letters) raised there instead of the form saying it is not a valid choice."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        key = remote.model._meta.get_field(remote.field_name)
        return super().optgroups(name, [v for v in value if _is_value_of(key, v)], attr)


def _is_value_of(field, value):
    try:
        field.to_python(value)
    except ValidationError:
        return False
    return not field.get_internal_type().endswith("AutoField") or parse_int(str(value)) is not None


class SimpleHistoryAdmin(simple_history_admin.SimpleHistoryAdmin):
    """django-simple-history's admin, with the ids a URL or a form gives checked before they are
    looked up: its history pages looked them up as given, so one that is not an id raised instead
    of answering 404 (and the autocomplete select, above, likewise)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _ensure_ids(self, object_id, version_id=None):
        if not _is_value_of(self.model._meta.pk, unquote(object_id)):
            raise Http404("没有该记录。")
        if version_id is not None and parse_int(version_id) is None:
            raise Http404("没有该历史版本。")

    def history_view(self, request, object_id, extra_context=None):
        self._ensure_ids(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._ensure_ids(object_id, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


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


@admin.register(User)
class UserAdmin(NoDeleteMixin, SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "role", "city", "first_name", "is_active", "last_login"]
    list_filter = ["role", "city", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (("推荐系统", {"fields": ("role", "city")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("推荐系统", {"fields": ("role", "city")}),)


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
