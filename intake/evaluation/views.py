"""Pages of the evaluation of the demonstration units of batches 1–4. Thin: units come through
`scoping`, rules through `intake.evaluation.services`, reads through its `selectors`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from intake import scoping
from intake.campaigns.selectors import all_campaigns, get_campaign
from intake.common import imports
from intake.common.charts import stacked_bars
from intake.common.exports import attachment
from intake.common.history import history_of
from intake.common.localtime import local_time
from intake.common.request_input import parse_int
from intake.common.uploads import UploadRejected, pdf_response
from intake.evaluation import registry_import, selectors, services
from intake.evaluation.exports import RegistryExport, RegistryImportTemplate
from intake.evaluation.forms import EvaluationStateForm, ExtensionForm, RecognisedUnitForm, RegistryUploadForm
from intake.models import BATCH_CHOICES, City, DeadlineExtension, RecognisedUnit, UnitEvaluation


def _campaign(request):
    return get_campaign(request.GET.get("campaign"))


def _unit_url(unit, campaign):
    return f"{reverse('evaluation_unit', args=[unit.pk])}?campaign={campaign.year}"


def _posted(request):
    """(data, files) of a POST, even an empty one (an empty QueryDict is falsy), else (None, None)."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def overview(request):
    campaign = _campaign(request)
    if scoping.has_permission("oversee_evaluation", request.user):
        return _province_overview(request, campaign)
    city = request.user.city
    if city is None:
        raise Http404("该账号没有绑定地市。")
    rows = selectors.unit_rows(campaign, selectors.evaluated(scoping.units_for(request.user)))
    deadlines = selectors.deadlines_of(campaign, city)
    return render(request, "intake/evaluation/city.html", {
        "campaign": campaign, "city": city, "rows": rows, "deadlines": deadlines,
        "summary": [(label, sum(r.standing == key for r in rows)) for key, label in selectors.STANDINGS],
        "campaigns": all_campaigns(),
    })


def _province_overview(request, campaign):
    cities = list(scoping.visible_cities(request.user))
    progress = selectors.progress_by_city(campaign, cities, scoping.units_for(request.user))
    summary = [(label, sum(p.counts[key] for p in progress)) for key, label in selectors.STANDINGS]
    return render(request, "intake/evaluation/province.html", {
        "campaign": campaign, "progress": progress, "summary": summary, "standings": selectors.STANDINGS,
        "total": sum(n for _label, n in summary),
        "chart": stacked_bars(
            [p.city.name for p in progress], selectors.progress_chart_series(progress),
            title=f"各地市前四批示范单位评估评价进度（{campaign.name}）",
        ),
        "campaigns": all_campaigns(),
    })


def outstanding(request):
    """What is still to be filed or explained, overdue first; the province may pick a city."""
    campaign = _campaign(request)
    units = selectors.evaluated(scoping.units_for(request.user))
    city_code = request.GET.get("city", "")
    if city_code and scoping.has_permission("oversee_evaluation", request.user):
        units = units.filter(city__code=city_code)
    rows = [
        r for r in selectors.unit_rows(campaign, units)
        if r.standing in (selectors.OUTSTANDING, selectors.OVERDUE)
    ]
    rows.sort(key=lambda r: (r.standing != selectors.OVERDUE, r.unit.city.code, r.unit.batch, r.unit.name))
    page = Paginator(rows, 100).get_page(parse_int(request.GET.get("page")))
    return render(request, "intake/evaluation/outstanding.html", {
        "campaign": campaign, "page": page, "city_code": city_code,
        "cities": (scoping.visible_cities(request.user)
                   if scoping.has_permission("oversee_evaluation", request.user) else None),
        "campaigns": all_campaigns(),
    })


def unit_detail(request, unit):
    unit = scoping.get_unit_for_user(request.user, unit)
    campaign = _campaign(request)
    evaluation = selectors.evaluation_of(campaign, unit)
    may_report = (scoping.has_permission("report_evaluation", request.user, unit)
                  and unit.is_active and unit.is_evaluated)
    if request.method == "POST" and not may_report:
        raise PermissionDenied("该示范单位的评估评价情况不能由您填写。")
    form = None
    if may_report:
        form = EvaluationStateForm.for_evaluation(evaluation, *_posted(request))
        if request.method == "POST" and form.is_valid():
            try:
                services.set_evaluation_state(user=request.user, campaign=campaign, unit=unit, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"已保存“{unit.name}”的评估评价情况。")
                return redirect(_unit_url(unit, campaign))
    return render(request, "intake/evaluation/unit.html", {
        "unit": unit, "campaign": campaign, "evaluation": evaluation, "form": form,
        "deadlines": selectors.deadlines_of(campaign, unit.city),
        "closed": _closed_states(campaign, unit) if may_report else {},
        "history": history_of(evaluation) if evaluation.pk else [],
        "unit_history": history_of(unit) if scoping.has_permission("oversee_evaluation", request.user) else None,
        "may_oversee": scoping.has_permission("oversee_evaluation", request.user),
        "campaigns": all_campaigns(),
    })


def _closed_states(campaign, unit):
    """{state label: why a change to it is refused now} (the service's own check)."""
    closed = {}
    for state, label in UnitEvaluation.STATE_CHOICES:
        try:
            services.ensure_evaluation_open(campaign, unit.city, state)
        except ValidationError as exc:
            closed[label] = " ".join(exc.messages)
    return closed


def unit_explanation(request, unit):
    unit = scoping.get_unit_for_user(request.user, unit)
    evaluation = UnitEvaluation.objects.filter(campaign=_campaign(request), unit=unit).first()
    if evaluation is None:
        raise Http404("该单位尚未上传书面说明。")
    return pdf_response(evaluation.explanation, f"{unit.name}-无法填报书面说明.pdf")


def registry(request):
    """The registry as the province keeps it: every unit, deactivated ones too, with filters."""
    scoping.has_permission("oversee_evaluation", request.user, raise_exception=True)
    units = scoping.units_for(request.user)
    filters = {key: request.GET.get(key, "") for key in ("city", "kind", "batch", "active", "q")}
    if filters["city"]:
        units = units.filter(city__code=filters["city"])
    if filters["kind"]:
        units = units.filter(kind=filters["kind"])
    if parse_int(filters["batch"]) is not None:
        units = units.filter(batch=parse_int(filters["batch"]))
    if filters["active"] in ("1", "0"):
        units = units.filter(is_active=filters["active"] == "1")
    if filters["q"]:
        units = units.filter(Q(name__icontains=filters["q"]) | Q(credit_code__icontains=filters["q"]))
    page = Paginator(units, 100).get_page(parse_int(request.GET.get("page")))
    return render(request, "intake/evaluation/registry.html", {
        "page": page, "filters": filters, "cities": City.objects.all(),
        "kinds": RecognisedUnit.KIND_CHOICES, "batches": BATCH_CHOICES,
    })


def unit_new(request):
    return _unit_form(request, None)


def unit_edit(request, unit):
    return _unit_form(request, scoping.get_unit_for_user(request.user, unit))


def _unit_form(request, unit):
    scoping.has_permission("oversee_evaluation", request.user, raise_exception=True)
    form = RecognisedUnitForm(_posted(request)[0], instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_unit(
                user=request.user, unit=form.instance, reason="新增" if unit is None else "修改",
                **{name: form.cleaned_data[name] for name in services.REGISTRY_FIELDS},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已保存示范单位“{saved.name}”。")
            return redirect("evaluation_registry")
    return render(request, "intake/evaluation/unit_form.html", {"form": form, "unit": unit})


def export(request):
    scoping.has_permission("oversee_evaluation", request.user, raise_exception=True)
    export = RegistryExport(_campaign(request))
    return attachment(*export.render(), fallback=export.ascii_filename())


def import_template(request):
    scoping.has_permission("oversee_evaluation", request.user, raise_exception=True)
    export = RegistryImportTemplate()
    return attachment(*export.render(), fallback=export.ascii_filename())


def registry_import_view(request):
    scoping.has_permission("oversee_evaluation", request.user, raise_exception=True)
    form = RegistryUploadForm(*_posted(request))
    preview = token = None
    if request.method == "POST" and form.is_valid():
        try:
            preview, token = imports.preview_upload(
                registry_import.RegistryImporter(), form.cleaned_data["file"], user=request.user
            )
        except UploadRejected as exc:
            form.add_error("file", exc)
    return render(request, "intake/evaluation/import.html", {"form": form, "preview": preview, "token": token})


@require_POST
def registry_import_confirm(request):
    scoping.has_permission("oversee_evaluation", request.user, raise_exception=True)
    try:
        done = imports.confirm(registry_import.RegistryImporter(), user=request.user, token=request.POST.get("token"))
    except imports.ImportRefused as exc:
        messages.error(request, " ".join(exc.messages))
        return render(request, "intake/evaluation/import.html", {
            "form": RegistryUploadForm(), "preview": exc.preview, "token": None,
        })
    if done is None:
        messages.error(request, "预览已失效（可能已导入，或在其他窗口上传了新的文件）。请重新上传文件预览后再确认。")
        return redirect("evaluation_import")
    preview, counts = done
    messages.success(
        request,
        f"已导入“{preview.source}”：新增 {counts['新增']} 个，更新 {counts['更新']} 个，"
        f"恢复在册 {counts['恢复在册']} 个，未变 {counts['不变']} 个。",
    )
    return redirect("evaluation_registry")


def extensions(request):
    """The evaluation deadlines of every city, and a form to extend one city's."""
    scoping.has_permission("oversee_evaluation", request.user, raise_exception=True)
    campaign = _campaign(request)
    form = ExtensionForm(_posted(request)[0])
    if request.method == "POST" and form.is_valid():
        try:
            extension = services.extend_evaluation_deadline(user=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"已将{extension.city.name}的{extension.get_kind_display()}延至 "
                f"{local_time(extension.deadline)}（北京时间）。",
            )
            return redirect(f"{reverse('evaluation_extensions')}?campaign={campaign.year}")
    cities = list(City.objects.all())
    deadlines = selectors.evaluation_deadlines(campaign, cities)
    granted = {
        (e.city_id, e.kind): e
        for e in DeadlineExtension.objects.filter(campaign=campaign, kind__in=services.EVALUATION_KINDS)
    }
    rows = [
        (city, deadlines[city.pk], granted.get((city.pk, DeadlineExtension.EVALUATION_ONLINE)),
         granted.get((city.pk, DeadlineExtension.EVALUATION_EXPLANATION)))
        for city in cities
    ]
    return render(request, "intake/evaluation/extensions.html", {
        "campaign": campaign, "form": form, "rows": rows, "campaigns": all_campaigns(),
    })
