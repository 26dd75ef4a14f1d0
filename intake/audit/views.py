"""The auditor's pages: the security log (filters, XLSX export) and the change history."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from intake.audit import selectors
from intake.audit.exports import EXPORT_MAX_ROWS, SecurityLogExport
from intake.audit.forms import AuditFilterForm, HistoryFilterForm
from intake.common.exports import attachment


def ensure_auditor(user):
    if not user.is_auditor:
        raise PermissionDenied("安全审计日志仅限审计员查看。")


@require_safe
def audit_log(request):
    ensure_auditor(request.user)
    form = AuditFilterForm(request.GET)
    events = selectors.security_events(form.filters())
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/log.html", {"form": form, "page": page, "query": query.urlencode()})


@require_safe
def audit_export(request):
    ensure_auditor(request.user)
    events = selectors.security_events(AuditFilterForm(request.GET).filters())
    if events[EXPORT_MAX_ROWS:EXPORT_MAX_ROWS + 1].exists():
        messages.error(request, f"符合条件的记录超过 {EXPORT_MAX_ROWS} 条，请缩小日期范围后分批导出。")
        return redirect(f"/audit/?{request.GET.urlencode()}")
    export = SecurityLogExport()
    return attachment(*export.render(events), fallback=export.ascii_filename())


@require_safe
def audit_history(request):
    ensure_auditor(request.user)
    form = HistoryFilterForm(request.GET)
    filters = form.filters()
    changes = selectors.change_history(
        date_from=filters["date_from"], date_to=filters["date_to"], model_label=filters["model"],
        account=filters["account"],
    )
    return render(request, "audit/history.html", {
        "form": form, "changes": changes, "filters": filters, "limit": selectors.HISTORY_LIMIT,
    })
