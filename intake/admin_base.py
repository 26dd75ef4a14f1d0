"""What every ModelAdmin of the project builds on, so that the admin is no way around the rules.

- `HistoryAdmin`: django-simple-history's admin with reverting switched off (and uploaded files
  shown in the history as uploaded, not by their storage path). Its history form
  ("revert to this version") saves whatever is posted with only the *view* permission checked
  (django-simple-history 3.x), around every service and its rules: here it shows the old version
  read-only and refuses any POST (403), for every role, superusers included
  (`SIMPLE_HISTORY_REVERT_DISABLED` also hides its button). `checks.py` fails `manage.py check`
  for a registered history admin that is not one of these.
- `ReadOnlyAdmin`: view-only for everyone (nominations, slates and their timeline, evaluations:
  their rules and timeline live in the services the app's pages call).
- `ServiceAdmin`: add and change save through `save_through_service` (a service that applies the
  rules and writes the history), never through `obj.save()`. A refusal the form could not foresee
  (a rule checked under a lock) comes back as a message, nothing saved.
Nothing is deleted: no delete permission anywhere, and no bulk delete action.
"""

from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import FileField
from django.http import Http404, HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from intake.common.request_input import parse_int


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


class _FilesNotPaths(HistoricalRecordContextHelper):
    """An uploaded file's version shows as uploaded or not, never its storage path: files are
    sent only by the views that apply the city scoping."""

    def prepare_delta_change_value(self, change, value):
        if isinstance(self.model._meta.get_field(change.field), FileField):
            return "已上传文件" if value else "（无）"
        return super().prepare_delta_change_value(change, value)


class LabelledInputsMixin:
    """Every input of the admin has a name a screen reader says: the date and time halves of a
    date-time field, and each row's editable cells in a list (whose column head is no label)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        widget = getattr(widget, "widget", widget)  # inside the "add another" wrapper
        if isinstance(widget, AdminSplitDateTime):
            label = formfield.label or db_field.verbose_name
            widget.widgets[0].attrs["aria-label"] = f"{label}：日期"
            widget.widgets[1].attrs["aria-label"] = f"{label}：时间"
        return formfield

    def get_changelist_formset(self, request, **kwargs):
        base = super().get_changelist_formset(request, **kwargs)

        class NamedRows(base):
            def _construct_form(self, i, **kwargs):
                form = super()._construct_form(i, **kwargs)
                row = f"（{form.instance}）" if form.instance.pk else ""  # a bare form from a bad post: no row
                for field in form.fields.values():
                    field.widget.attrs["aria-label"] = f"{field.label}{row}"
                return form

        return NamedRows


class HistoryAdmin(LabelledInputsMixin, NoDeleteMixin, SimpleHistoryAdmin):
    def get_historical_record_context_helper(self, request, historical_record):
        return _FilesNotPaths(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        self._ensure_ids(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("历史版本只能查看，不能恢复：请在对应页面按规则修改。")
        self._ensure_ids(object_id, version_id)
        request.viewing_history_version = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _ensure_ids(self, object_id, version_id=None):
        # django-simple-history looks the ids up as given: one that is not an id raised (a 500)
        # instead of answering that there is no such record.
        pk, value = self.model._meta.pk, unquote(object_id)
        try:
            pk.to_python(value)
        except ValidationError:
            raise Http404("没有该记录。")
        if pk.get_internal_type().endswith("AutoField") and parse_int(value) is None:
            raise Http404("没有该记录。")
        if version_id is not None and parse_int(version_id) is None:
            raise Http404("没有该历史版本。")

    def revert_disabled(self, request, obj=None):
        return True

    def get_readonly_fields(self, request, obj=None):
        if getattr(request, "viewing_history_version", False):
            return self._every_field(request, obj)
        return super().get_readonly_fields(request, obj)

    def _every_field(self, request, obj):
        if self.fieldsets:
            return flatten_fieldsets(self.fieldsets)
        if self.fields:
            return list(self.fields)
        excluded = set(self.exclude or ())
        fields = [f.name for f in self.model._meta.concrete_fields if f.editable and not f.auto_created]
        fields += [f.name for f in self.model._meta.many_to_many]
        return [name for name in fields if name not in excluded]


class ReadOnlyAdmin(HistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ServiceAdmin(HistoryAdmin):
    """Subclasses implement `save_through_service(request, obj, form, change)`."""

    def save_model(self, request, obj, form, change):
        self.save_through_service(request, obj, form, change)

    def save_through_service(self, request, obj, form, change):
        raise NotImplementedError(f"{type(self).__name__} must save through a service")

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields (a user's groups and permissions) are saved by Django after the row;
        # inlines of a ServiceAdmin are read-only (their own page saves them through a service).
        form.save_m2m()
        for formset in formsets:
            if formset.has_changed():
                raise PermissionDenied("此处的关联数据只读，请在其自己的页面修改。")
            formset.save()  # saves nothing (nothing changed); records that for the admin's log

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            return self._refused(request, exc)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except ValidationError as exc:
            return self._refused(request, exc)

    def _refused(self, request, exc):
        for message in exc.messages:
            self.message_user(request, f"未保存：{message}", level=messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())
