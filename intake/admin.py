"""Django admin: admins keep cities, categories, campaigns, deadlines and users here.

Every save goes through a service (`ServiceAdmin`, see `admin_base.py`) that applies the rules and
writes the history. Nominations, slates, their timeline and the evaluations are read-only here for
everyone: their rules live in the services the app's pages call. Reverting from the history is
off everywhere. Nothing is deleted (rows are deactivated or changed, the history keeps every
version); the admin has no delete.
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from intake.admin_base import NoDeleteMixin, ReadOnlyAdmin, ServiceAdmin
from intake.campaigns import services as campaign_services
from intake.common.forms import label_empty_choices
from intake.evaluation import services as evaluation_services
from intake.models import (
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
from quotas.selectors import quota_table

admin.site.disable_action("delete_selected")
# Second factors are enrolled by their holder and reset on /users/: the admin never shows a secret.
for otp_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(otp_model):
        admin.site.unregister(otp_model)


def _changed_reason(form, change):
    return "新增" if not change else ("修改：" + "、".join(form.changed_data))[:100]


@admin.register(City)
class CityAdmin(ServiceAdmin):
    list_display = ["code", "name", "bureau_name", "is_demo_city"]
    list_editable = ["is_demo_city"]
    search_fields = ["name", "code", "slug"]

    def save_through_service(self, request, obj, form, change):
        campaign_services.save_city(user=request.user, city=obj)
        for campaign in Campaign.objects.filter(is_open=True):
            for line in quota_table(campaign, obj):
                if line.is_over:
                    self.message_user(
                        request,
                        f"{obj.name}在{campaign.name}的{line.category.name}已推荐 {line.used} 个，超过现在的名额 "
                        f"{line.allowed} 个：该市提交前须撤回 {line.excess} 个。",
                        level=messages.WARNING,
                    )


@admin.register(Category)
class CategoryAdmin(ServiceAdmin):
    list_display = ["code", "name", "annex2_section", "name_label", "order"]
    readonly_fields = ["code"]  # the five codes are what the code and the URLs know

    def has_add_permission(self, request):
        return False

    def save_through_service(self, request, obj, form, change):
        campaign_services.save_reference(user=request.user, obj=obj, reason=_changed_reason(form, change))


@admin.register(DemoMode)
class DemoModeAdmin(ServiceAdmin):
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]

    def save_through_service(self, request, obj, form, change):
        campaign_services.save_reference(user=request.user, obj=obj, reason=_changed_reason(form, change))


class DeadlineExtensionInline(admin.TabularInline):
    """Shown for reading; extensions are granted on their own page, where the rules apply."""

    model = DeadlineExtension
    extra = 0
    fields = ["city", "kind", "deadline", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(ServiceAdmin):
    list_display = ["year", "name", "submission_deadline", "is_open"]
    list_editable = ["is_open"]
    inlines = [DeadlineExtensionInline]
    actions = ["copy_previous_quota_rules"]
    readonly_fields = ["extensions_link"]

    @admin.display(description="地市延期")
    def extensions_link(self, obj):
        url = reverse("admin:intake_deadlineextension_add")
        listing = reverse("admin:intake_deadlineextension_changelist")
        if obj is None or obj.pk is None:
            return format_html('<a href="{}">给地市延期</a>', url)
        return format_html(
            '<a href="{}?campaign={}">给地市延期</a> · <a href="{}?campaign__id__exact={}">查看本批次的延期</a>',
            url, obj.pk, listing, obj.pk,
        )

    def save_through_service(self, request, obj, form, change):
        campaign_services.save_reference(user=request.user, obj=obj, reason=_changed_reason(form, change))

    def has_copy_quota_rules_permission(self, request):
        return request.user.has_perm("quotas.add_quotarule")

    @admin.action(description="从上一批次复制推荐名额规则（已有规则的类别不变）", permissions=["copy_quota_rules"])
    def copy_previous_quota_rules(self, request, queryset):
        from quotas.services import copy_quota_rules

        for campaign in queryset:
            source = Campaign.objects.filter(year__lt=campaign.year).order_by("-year").first()
            if source is None:
                self.message_user(request, f"{campaign}：没有更早的批次可复制。", level="warning")
                continue
            created = copy_quota_rules(source, campaign, user=request.user)
            self.message_user(request, f"{campaign}：从 {source.year} 年复制了 {created} 条规则。")


class DeadlineExtensionForm(forms.ModelForm):
    """The rules of `grant_extension`, checked on the form so they show beside the fields."""

    class Meta:
        model = DeadlineExtension
        fields = ["campaign", "city", "kind", "deadline", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_empty_choices(self)

    def clean(self):
        data = super().clean()
        campaign = data.get("campaign") or getattr(self.instance, "campaign", None)
        kind = data.get("kind") or self.instance.kind
        if campaign is not None and "deadline" not in self.errors:
            problem = campaign_services.extension_problems(campaign, kind, data.get("deadline"), data.get("reason"))
            if problem is not None:
                raise problem
        return data


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ServiceAdmin):
    form = DeadlineExtensionForm
    list_display = ["campaign", "city", "kind", "deadline", "reason"]
    list_filter = ["campaign", "kind"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.pk is not None:  # an extension is moved, never given to another city
            return ["campaign", "city", "kind", *super().get_readonly_fields(request, obj)]
        return super().get_readonly_fields(request, obj)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "campaign" not in initial:
            campaign = Campaign.objects.current()
            initial["campaign"] = campaign.pk if campaign else None
        return initial

    def save_through_service(self, request, obj, form, change):
        saved = campaign_services.grant_extension(
            user=request.user, campaign=obj.campaign, city=obj.city, kind=obj.kind, deadline=obj.deadline,
            reason=obj.reason,
        )
        obj.pk = saved.pk


class PasswordSetByAdminForm(AdminPasswordChangeForm):
    """A password an admin sets is changed by its holder at the next login."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit)


@admin.register(User)
class UserAdmin(ServiceAdmin, BaseUserAdmin):
    list_display = ["username", "role", "city", "first_name", "is_active", "last_login"]
    list_filter = ["role", "city", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (("推荐系统", {"fields": ("role", "city", "must_change_password")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("推荐系统", {"fields": ("role", "city")}),)
    change_password_form = PasswordSetByAdminForm

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # created by someone else: changed at first login
        super().save_model(request, obj, form, change)

    def save_through_service(self, request, obj, form, change):
        campaign_services.save_account(user=request.user, account=obj, reason=_changed_reason(form, change))


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
    # The stamped scans are sent only by the scoped view (intake/review/views/slate.py:slate_file), never
    # by a storage URL.
    exclude = ["letter_pdf", "annex2_pdf"]
    readonly_fields = ["stamped_files"]

    @admin.display(description="盖章材料")
    def stamped_files(self, obj):
        links = [
            format_html(
                '<a href="{}?campaign={}">{}</a>', reverse("slate_file", args=[obj.city.code, kind]),
                obj.campaign.year, label,
            )
            for kind, field, label in (("letter", "letter_pdf", "推荐函（PDF）"),
                                       ("annex2", "annex2_pdf", "附件2（PDF）"))
            if getattr(obj, field)
        ]
        return format_html(" · ".join(["{}"] * len(links)), *links) if links else "未上传"


@admin.register(SlateEvent)
class SlateEventAdmin(NoDeleteMixin, admin.ModelAdmin):
    """The slates' timeline, append-only: written by intake/review/services.py."""

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
class RecognisedUnitAdmin(ServiceAdmin):
    list_display = ["name", "city", "kind", "batch", "credit_code", "is_active"]
    list_filter = ["kind", "batch", "is_active", "city"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["city"]

    def save_through_service(self, request, obj, form, change):
        saved = evaluation_services.save_unit(
            user=request.user, unit=obj, reason=_changed_reason(form, change),
            **{name: getattr(obj, name) for name in evaluation_services.REGISTRY_FIELDS},
        )
        obj.pk = saved.pk


@admin.register(UnitEvaluation)
class UnitEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["unit", "campaign", "state", "filed_on", "unable_reason", "updated_by", "updated_at"]
    list_filter = ["campaign", "state", "unit__city"]
    search_fields = ["unit__name", "unit__credit_code"]
    list_select_related = ["unit", "campaign", "updated_by"]
    exclude = ["explanation"]  # downloaded through the scoped view, never a storage URL
    readonly_fields = ["explanation_link"]

    @admin.display(description="书面说明（PDF）")
    def explanation_link(self, obj):
        if not obj.explanation:
            return "未上传"
        url = reverse("evaluation_explanation", args=[obj.unit_id])
        return format_html('<a href="{}?campaign={}">查看 PDF</a>', url, obj.campaign.year)



# Django's permission groups (the province's view-only group): kept, not deleted.
if admin.site.is_registered(Group):

    class GroupAdmin(NoDeleteMixin, BaseGroupAdmin):
        pass

    admin.site.unregister(Group)
    admin.site.register(Group, GroupAdmin)


class _ViewOnly:
    def has_change_permission(self, request, obj=None):
        return False


# Login throttling (django-axes): records to read. Deleting an attempt lifts a lock-out, django-axes'
# own way; its clean-up action needs the same delete permission. The access logs stay.
if admin.site.is_registered(AccessAttempt):

    class AccessAttemptAdmin(_ViewOnly, axes_admin.AccessAttemptAdmin):
        @admin.action(description=axes_admin.AccessAttemptAdmin.cleanup_expired_attempts.short_description,
                      permissions=["delete"])
        def cleanup_expired_attempts(self, request, queryset):
            request.axes_attempt_time = timezone.now()  # django-axes sets it on login requests only
            return super().cleanup_expired_attempts(request, queryset)

    class AccessLogAdmin(_ViewOnly, NoDeleteMixin, axes_admin.AccessLogAdmin):
        pass

    class AccessFailureLogAdmin(_ViewOnly, NoDeleteMixin, axes_admin.AccessFailureLogAdmin):
        pass

    for model, model_admin in ((AccessAttempt, AccessAttemptAdmin), (AccessLog, AccessLogAdmin),
                               (AccessFailureLog, AccessFailureLogAdmin)):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)

# The render queue (django-tasks' database backend) is machinery, not a record anyone edits: what was
# rendered, when and with which 校验码 is the `Render` table, kept by the worker.
from django_tasks_db.models import DBTaskResult  # noqa: E402

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
