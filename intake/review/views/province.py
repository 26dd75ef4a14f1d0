"""The province's pages: overview of the cities, one city's review, its own selection."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from intake import scoping
from intake.campaigns.selectors import all_campaigns, deadline_for, get_campaign
from intake.common.charts import stacked_bars
from intake.common.confirm import confirmation_page, confirmed
from intake.common.localtime import local_time
from intake.common.outcome import save_form, say_outcome
from intake.common.request_input import parse_int
from intake.models import Category, Nomination
from intake.review import crosschecks, states
from intake.review import selectors as review_selectors
from intake.review import services as review_services
from intake.review.forms import ProvinceContactForm, RejectForm, ReturnSlateForm
from quotas.selectors import province_quota_table, quota_table


def _review_url(campaign, city):
    return f"{reverse('review_city', args=[city.code])}?campaign={campaign.year}"


def _decision_on(request, code):
    """(campaign, city) of a reviewer's decision on the slate of the city `code` names."""
    city = scoping.get_city_for_user(request.user, code)
    scoping.has_permission("review", request.user, raise_exception=True)
    return get_campaign(request.POST.get("campaign")), city


def _form_errors(request, form):
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))


def province_overview(request, campaign, *, campaigns=None):
    """The province's home: every city's slate, counts against quota, deadline and lateness;
    `campaigns`: the picker's, when the view has read them."""
    rows = review_selectors.province_overview(campaign, scoping.visible_cities(request.user))
    # The categories the quota lines were read with (one query fewer).
    categories = [line.category for line in rows[0].lines] if rows else list(Category.objects.all())
    totals = [
        (category, sum(row.lines[i].used for row in rows), sum(row.lines[i].allowed for row in rows))
        for i, category in enumerate(categories)
    ]
    chart = stacked_bars(
        [row.city.name for row in rows], review_selectors.chart_series(rows, categories),
        title=f"{campaign.name}：各地市推荐对象（不含撤回、不予受理）",
    )
    return render(request, "intake/province_home.html", {
        "campaign": campaign,
        "rows": rows,
        "categories": categories,
        "totals": totals,
        "status_counts": review_selectors.status_counts(rows),
        "late": [row.city.name for row in rows if row.is_late],
        "chart": chart,
        "province_quota": province_quota_table(campaign, categories=categories),
        "may_review": scoping.has_permission("review", request.user),
        "campaigns": all_campaigns() if campaigns is None else campaigns,
    })


def city_review(request, code):
    campaigns = all_campaigns()
    campaign = get_campaign(request.GET.get("campaign"), among=campaigns)
    slate = scoping.get_slate_for_user(request.user, campaign, code)
    if not request.user.sees_all_cities:
        return redirect(f"{reverse('slate')}?campaign={campaign.year}")  # the city's own page
    city = slate.city
    warnings = crosschecks.warnings_for(campaign, city)
    nominations = review_selectors.review_nominations(campaign, city)
    lines = quota_table(campaign, city, nominations=nominations)
    stamped = review_selectors.stamped_annex2(campaign, city, slate, nominations=nominations,
                                              categories=[line.category for line in lines])
    return render(request, "intake/review_city.html", {
        "campaign": campaign,
        "city": city,
        "slate": slate,
        "rows": [(n, warnings.get(n.pk, [])) for n in nominations],
        "warning_count": len(warnings),
        "lines": lines,
        "deadline": deadline_for(campaign, city),
        "timeline": review_selectors.timeline(slate),
        "stamped": stamped,
        "return_form": ReturnSlateForm(),
        "may_review": scoping.has_permission("review", request.user),
        "may_decide": any(states.may(slate, action, request.user) for action in ("accept", "return")),
        "paper_required": Nomination.PAPER_COPIES_REQUIRED,
        "now": timezone.now(),
        "campaigns": campaigns,
    })


@require_POST
def slate_accept(request, code):
    campaign, city = _decision_on(request, code)
    if not confirmed(request):
        stamped = review_selectors.stamped_annex2(campaign, city)
        return confirmation_page(
            request, title=f"确认受理{city.name}的推荐材料", confirm_label="确认受理",
            cancel_url=_review_url(campaign, city),
            lines=[f"{campaign.name}：受理后不能再退回该市修改；个别推荐对象不符合要求的，可对其“不予受理”。"],
            warnings=[
                f"{label}的校验码（{paper.stamped_code or '未确认'}）与当前数据（{paper.current_code}）不一致："
                "纸质盖章件不是按当前数据打印的。"
                for label, paper in (("盖章附件2", stamped), ("盖章推荐函", stamped.letter)) if not paper.matches
            ],
        )
    say_outcome(request, lambda: review_services.accept_slate(user=request.user, campaign=campaign, city=city),
                f"已受理{city.name}的推荐材料。")
    return redirect(_review_url(campaign, city))


@require_POST
def slate_return(request, code):
    campaign, city = _decision_on(request, code)
    form = ReturnSlateForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_review_url(campaign, city))
    if not confirmed(request):
        extend_to = form.cleaned_data["extend_to"]
        return confirmation_page(
            request, title=f"确认退回{city.name}的推荐材料", confirm_label="确认退回",
            cancel_url=_review_url(campaign, city), danger=True,
            lines=[
                f"退回原因：{form.cleaned_data['reason']}",
                f"截止时间延至 {local_time(extend_to)}（北京时间）" if extend_to else "不延期",
                "退回后该市可修改推荐对象，须重新下载、盖章上传附件2后再提交。",
            ],
        )
    say_outcome(
        request, lambda: review_services.return_slate(user=request.user, campaign=campaign, city=city,
                                                      **form.cleaned_data),
        f"已将{city.name}的推荐材料退回，该市可修改后重新提交。",
    )
    return redirect(_review_url(campaign, city))


@require_POST
def slate_paper(request, code):
    campaign, city = _decision_on(request, code)
    copies = {}
    for key, value in request.POST.items():
        if key.startswith("copies-") and parse_int(key[7:]) is not None:
            copies[key[7:]] = value
    say_outcome(
        request, lambda: review_services.record_paper(user=request.user, campaign=campaign, city=city, copies=copies),
        lambda changed: f"已登记 {len(changed)} 个推荐对象的纸质申报书份数。" if changed else "纸质材料登记没有变化。",
    )
    return redirect(_review_url(campaign, city))


@require_POST
def nomination_reject(request, pk):
    nomination = scoping.get_nomination_for_user(request.user, pk)
    scoping.has_permission("review", request.user, raise_exception=True)
    form = RejectForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    elif not confirmed(request):
        return confirmation_page(
            request, title=f"确认对“{nomination.name}”不予受理", confirm_label="确认不予受理",
            cancel_url=_review_url(nomination.campaign, nomination.city), danger=True,
            lines=[
                f"{nomination.city.name} · {nomination.category.name} · {nomination.name}",
                f"不予受理原因：{form.cleaned_data['reason']}（该市可在推荐对象页面看到）",
                "不予受理后，该推荐对象不再计入名额和附件2，不能恢复。",
            ],
        )
    else:
        say_outcome(
            request, lambda: review_services.reject_nomination(nomination, user=request.user,
                                                               reason=form.cleaned_data["reason"]),
            f"“{nomination.name}”已不予受理，不再计入名额和附件2。",
        )
    return redirect(_review_url(nomination.campaign, nomination.city))


def province_selection(request):
    scoping.has_permission("review", request.user, raise_exception=True)
    return _selection_page(request, get_campaign(request.GET.get("campaign")))


def _selection_page(request, campaign, contact_form=None):
    """`contact_form`: the 填报人/联系电话 form as posted, when it was refused."""
    candidates = review_selectors.selection_candidates(campaign)
    warnings = crosschecks.warnings_for(campaign)
    lines = province_quota_table(campaign)
    contact = review_selectors.province_contact(campaign)
    return render(request, "intake/province_selection.html", {
        "campaign": campaign,
        "sections": [
            (line, [(n, warnings.get(n.pk, [])) for n in candidates.get(line.category.code, [])]) for line in lines
        ],
        "sheet": review_selectors.province_selection_sheet(campaign, contact=contact),
        "contact_form": contact_form or ProvinceContactForm(instance=contact),
        "campaigns": all_campaigns(),
    })


@require_POST
def province_contact(request):
    """The province's own 填报人 and 联系电话 for one campaign's selection sheet."""
    scoping.has_permission("review", request.user, raise_exception=True)
    campaign = get_campaign(request.POST.get("campaign"))
    form = ProvinceContactForm(request.POST)
    if save_form(request, form, lambda data: review_services.save_province_contact(
        user=request.user, campaign=campaign, **data
    ), "已保存省推荐名单附件2的填报人和联系电话。"):
        return redirect(_selection_url(campaign))
    return _selection_page(request, campaign, contact_form=form)


def _selection_url(campaign):
    return f"{reverse('province_selection')}?campaign={campaign.year}"


@require_POST
def nomination_select(request, pk):
    nomination = scoping.get_nomination_for_user(request.user, pk)
    scoping.has_permission("review", request.user, raise_exception=True)
    say_outcome(request, lambda: review_services.select_for_ministry(nomination, user=request.user),
                f"已将“{nomination.name}”列入省推荐名单。")
    return redirect(_selection_url(nomination.campaign))


@require_POST
def nomination_unselect(request, pk):
    nomination = scoping.get_nomination_for_user(request.user, pk)
    scoping.has_permission("review", request.user, raise_exception=True)
    say_outcome(request, lambda: review_services.unselect_for_ministry(nomination, user=request.user),
                f"已将“{nomination.name}”移出省推荐名单。")
    return redirect(_selection_url(nomination.campaign))
