"""The province's pages: overview of the cities, one city's review, its own selection."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from quotas.selectors import province_quota_table, quota_table

from .. import crosschecks, review_selectors, review_services, scoping, selectors
from ..charts import stacked_bars
from ..forms import RejectForm, ReturnSlateForm
from ..models import Category, Nomination
from ..pagecache import cached_page
from ..request_input import parse_int


def _review_url(campaign, city):
    return f"{reverse('review_city', args=[city.code])}?campaign={campaign.year}"


def _errors(request, exc):
    for message in exc.messages:
        messages.error(request, message)


def _form_errors(request, form):
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))


def province_overview(request, campaign):
    """The province's home: every city's slate, counts against quota, deadline and lateness."""
    rows = review_selectors.province_overview(campaign, scoping.visible_cities(request.user))
    categories = list(Category.objects.all())
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
        "province_quota": province_quota_table(campaign),
        "may_review": scoping.may_review(request.user),
        "campaigns": selectors.all_campaigns(),
    })


@cached_page
def city_review(request, code):
    campaign = selectors.get_campaign(request.GET.get("campaign"))
    slate = scoping.get_slate_for_user(request.user, campaign, code)
    if not request.user.sees_all_cities:
        return redirect(f"{reverse('slate')}?campaign={campaign.year}")  # the city's own page
    city = slate.city
    warnings = crosschecks.warnings_for(campaign, city)
    nominations = review_selectors.review_nominations(campaign, city)
    return render(request, "intake/review_city.html", {
        "campaign": campaign,
        "city": city,
        "slate": slate,
        "rows": [(n, warnings.get(n.pk, [])) for n in nominations],
        "warning_count": len(warnings),
        "lines": quota_table(campaign, city),
        "deadline": selectors.deadline_for(campaign, city),
        "timeline": review_selectors.timeline(slate),
        "return_form": ReturnSlateForm(),
        "may_review": scoping.may_review(request.user),
        "paper_required": Nomination.PAPER_COPIES_REQUIRED,
        "now": timezone.now(),
        "campaigns": selectors.all_campaigns(),
    })


@require_POST
def slate_accept(request, code):
    city = scoping.get_city_for_user(request.user, code)
    scoping.ensure_may_review(request.user)
    campaign = selectors.get_campaign(request.POST.get("campaign"))
    try:
        review_services.accept_slate(user=request.user, campaign=campaign, city=city)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"已受理{city.name}的推荐材料。")
    return redirect(_review_url(campaign, city))


@require_POST
def slate_return(request, code):
    city = scoping.get_city_for_user(request.user, code)
    scoping.ensure_may_review(request.user)
    campaign = selectors.get_campaign(request.POST.get("campaign"))
    form = ReturnSlateForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_review_url(campaign, city))
    try:
        review_services.return_slate(user=request.user, campaign=campaign, city=city, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"已将{city.name}的推荐材料退回，该市可修改后重新提交。")
    return redirect(_review_url(campaign, city))


@require_POST
def slate_paper(request, code):
    city = scoping.get_city_for_user(request.user, code)
    scoping.ensure_may_review(request.user)
    campaign = selectors.get_campaign(request.POST.get("campaign"))
    copies = {}
    for key, value in request.POST.items():
        if key.startswith("copies-") and parse_int(key[7:]) is not None:
            copies[key[7:]] = value
    try:
        changed = review_services.record_paper(user=request.user, campaign=campaign, city=city, copies=copies)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        text = f"已登记 {len(changed)} 个推荐对象的纸质申报书份数。" if changed else "纸质材料登记没有变化。"
        messages.success(request, text)
    return redirect(_review_url(campaign, city))


@require_POST
def nomination_reject(request, pk):
    nomination = scoping.get_nomination_for_user(request.user, pk)
    scoping.ensure_may_review(request.user)
    form = RejectForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            review_services.reject_nomination(nomination, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, f"“{nomination.name}”已不予受理，不再计入名额和附件2。")
    return redirect(_review_url(nomination.campaign, nomination.city))


@cached_page
def province_selection(request):
    scoping.ensure_may_review(request.user)
    campaign = selectors.get_campaign(request.GET.get("campaign"))
    candidates = review_selectors.selection_candidates(campaign)
    warnings = crosschecks.warnings_for(campaign)
    lines = province_quota_table(campaign)
    return render(request, "intake/province_selection.html", {
        "campaign": campaign,
        "sections": [
            (line, [(n, warnings.get(n.pk, [])) for n in candidates.get(line.category.code, [])]) for line in lines
        ],
        "sheet": review_selectors.province_selection_sheet(campaign),
        "campaigns": selectors.all_campaigns(),
    })


def _selection_url(campaign):
    return f"{reverse('province_selection')}?campaign={campaign.year}"


@require_POST
def nomination_select(request, pk):
    nomination = scoping.get_nomination_for_user(request.user, pk)
    scoping.ensure_may_review(request.user)
    try:
        review_services.select_for_ministry(nomination, user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"已将“{nomination.name}”列入省推荐名单。")
    return redirect(_selection_url(nomination.campaign))


@require_POST
def nomination_unselect(request, pk):
    nomination = scoping.get_nomination_for_user(request.user, pk)
    scoping.ensure_may_review(request.user)
    try:
        review_services.unselect_for_ministry(nomination, user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"已将“{nomination.name}”移出省推荐名单。")
    return redirect(_selection_url(nomination.campaign))
