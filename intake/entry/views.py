"""The entry's pages: home, the nominee list, new nominee, a nominee's page, withdraw and restore.
Thin: objects come through `scoping`, rules through `services`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from intake import scoping
from intake.campaigns.selectors import all_campaigns, deadline_for, deadline_open, get_campaign
from intake.common.history import history_of
from intake.common.outcome import save_form, say_outcome
from intake.common.request_input import parse_int
from intake.entry import selectors, services
from intake.entry.forms import NominationFilterForm, NominationForm, WithdrawForm
from intake.evaluation.selectors import recognitions_for
from intake.models import Category, Nomination
from intake.review import crosschecks
from intake.review.forms import SlateContactForm
from intake.review.selectors import slate_for
from intake.review.services import save_slate_contact
from intake.review.views.province import province_overview
from quotas.selectors import quota_table


def home(request):
    campaigns = all_campaigns()
    campaign = get_campaign(request.GET.get("campaign"), among=campaigns)
    if request.user.sees_all_cities:
        return province_overview(request, campaign, campaigns=campaigns)
    return _city_home(request, campaign, campaigns=campaigns)


def _city_home(request, campaign, slate_form=None, *, campaigns=None):
    """The city's home; `slate_form`: the Annex 2 header form as posted, when it was refused;
    `campaigns`: the picker's, when the view has read them."""
    city = request.user.city
    slate = slate_for(campaign, city)
    by_category = selectors.nominations_by_category(campaign, city)
    recognitions = recognitions_for(n for rows in by_category.values() for n in rows)
    deadline = deadline_for(campaign, city)
    return render(request, "intake/city_home.html", {
        "campaign": campaign,
        "city": city,
        "sections": [
            (line, by_category.get(line.category.code, []))
            for line in quota_table(campaign, city, nominations=(n for rows in by_category.values() for n in rows))
        ],
        "deadline": deadline,
        "entry_open": selectors.entry_is_open(campaign, city, deadline=deadline, slate=slate),
        "deadline_open": deadline_open(campaign, city, deadline=deadline),
        "slate": slate,
        "slate_form": slate_form or SlateContactForm(instance=slate),
        "recognitions": recognitions,
        "campaigns": all_campaigns() if campaigns is None else campaigns,
    })


def nomination_list(request):
    campaigns = all_campaigns()
    campaign = get_campaign(request.GET.get("campaign"), among=campaigns)
    nominations = scoping.nominations_for(request.user).filter(campaign=campaign)
    categories = list(Category.objects.all())
    cities = list(scoping.visible_cities(request.user)) if request.user.sees_all_cities else None
    filters = NominationFilterForm(request.GET, categories=categories, cities=cities).filters()
    if filters["category"]:
        nominations = nominations.filter(category_id=filters["category"])
    if filters["status"]:
        nominations = nominations.filter(status=filters["status"])
    if filters["city"]:
        nominations = nominations.filter(city__code=filters["city"])
    page = Paginator(nominations, 50).get_page(parse_int(request.GET.get("page")))
    return render(request, "intake/nomination_list.html", {
        "campaign": campaign,
        "page": page,
        "recognitions": recognitions_for(page.object_list),
        "filters": filters,
        "categories": categories,
        "statuses": Nomination.STATUS_CHOICES,
        "cities": cities,
        "campaigns": campaigns,
    })


def nomination_new(request, category):
    category = get_object_or_404(Category, code=category)
    scoping.has_permission("enter", request.user, raise_exception=True)
    city = request.user.city
    campaign = get_campaign()
    blocked = scoping.entry_closed_reason(campaign, city, category)
    form = NominationForm(
        request.POST or None, category=category,
        instance=Nomination(campaign=campaign, city=city, category=category),
    )
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.create_nomination(
                user=request.user, campaign=campaign, city=city, category=category, **form.entry_fields()
            )
        except ValidationError as exc:
            # Quota full or entry closed meanwhile: said once, in the banner above the form.
            blocked = scoping.entry_closed_reason(campaign, city, category)
            if blocked is None:
                form.add_error(None, exc)
        else:
            messages.success(request, f"已录入{category.name}“{nomination.name}”。")
            _warn(request, nomination)
            return redirect("home")
    line = next(line for line in quota_table(campaign, city) if line.category.code == category.code)
    return render(request, "intake/nomination_form.html", {
        "form": form, "category": category, "campaign": campaign, "city": city, "line": line,
        "blocked": blocked,
    })


def nomination_detail(request, pk):
    nomination = scoping.get_nomination_for_user(request.user, pk)
    blocker = scoping.entry_closed_reason(nomination.campaign, nomination.city)
    may_enter = scoping.has_permission("enter", request.user, nomination.city)
    # While entry is closed (deadline, a slate with the province) the page shows values, not inputs.
    may_edit = may_enter and nomination.status == Nomination.ENTERED and blocker is None
    form = None
    if may_edit:
        category = nomination.category
        if request.method == "POST":
            # Build the form for the category asked for, so its own columns are validated.
            category = NominationForm.posted_category(request.POST, current=category) or category
        form = NominationForm(
            request.POST or None, instance=nomination, category=category, allow_category_change=True
        )
        if request.method == "POST" and form.is_valid():
            try:
                nomination = services.update_nomination(
                    nomination, user=request.user, category=form.cleaned_data.get("category"),
                    **form.entry_fields(),
                )
            except ValidationError as exc:
                blocker = scoping.entry_closed_reason(nomination.campaign, nomination.city)
                if blocker is None:
                    form.add_error(None, exc)
                else:  # closed meanwhile: said once, in the banner; the values are shown as saved
                    form = None
                    nomination.refresh_from_db()
            else:
                messages.success(request, f"已保存“{nomination.name}”的修改。")
                _warn(request, nomination)
                return redirect("nomination_detail", pk=nomination.pk)
    elif request.method == "POST" and not (may_enter and blocker is not None):
        raise PermissionDenied("该推荐对象不能由您修改。")
    return render(request, "intake/nomination_detail.html", {
        "nomination": nomination,
        "form": form,
        "may_enter": may_enter,
        "entry_open": blocker is None,
        "entry_closed_reason": blocker if may_enter else None,
        "history": history_of(nomination),
        "warnings": crosschecks.entry_warnings(nomination) if nomination.is_counted else [],
        "recognitions": recognitions_for([nomination]),
    })


@require_POST
def nomination_withdraw(request, pk):
    nomination = scoping.get_nomination_for_user(request.user, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        say_outcome(
            request, lambda: services.withdraw_nomination(nomination, user=request.user,
                                                          reason=form.cleaned_data["reason"]),
            f"已撤回“{nomination.name}”，名额已释放；需要时可在详情页恢复。",
        )
    return redirect("nomination_detail", pk=nomination.pk)


@require_POST
def nomination_restore(request, pk):
    nomination = scoping.get_nomination_for_user(request.user, pk)
    say_outcome(request, lambda: services.restore_nomination(nomination, user=request.user),
                f"已恢复“{nomination.name}”。")
    return redirect("nomination_detail", pk=nomination.pk)


@require_POST
def slate_contact(request):
    scoping.has_permission("keep_slate", request.user, raise_exception=True)
    campaign = get_campaign(request.POST.get("campaign"))
    form = SlateContactForm(request.POST)
    if save_form(request, form, lambda data: save_slate_contact(
        user=request.user, campaign=campaign, city=request.user.city, **data
    ), "已保存填报人和联系电话。"):
        return redirect(f"/?campaign={campaign.year}")
    # Refused: the home page again with what was typed, the faulty field marked.
    return _city_home(request, campaign, slate_form=form)


def _warn(request, nomination):
    """The warnings the province will see about what was just saved, shown to the city now."""
    for warning in crosschecks.entry_warnings(nomination):
        messages.warning(request, f"提示：{warning}")
