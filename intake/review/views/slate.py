"""The city's slate: formal review of each nomination, stamped uploads, submission to the province;
and the stamped files, served to whoever the scoping lets see the slate."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from intake import scoping
from intake.campaigns.selectors import all_campaigns, deadline_for, get_campaign
from intake.common.confirm import confirmation_page, confirmed
from intake.common.outcome import refused
from intake.common.uploads import pdf_response
from intake.models import Nomination, Slate
from intake.review import selectors as review_selectors
from intake.review import services as review_services
from intake.review.forms import FormalReviewForm, LetterNumberForm, SlateUploadForm
from intake.review.selectors import slate_for
from quotas.selectors import quota_table


def _slate_url(campaign):
    return f"{reverse('slate')}?campaign={campaign.year}"


def slate_page(request):
    scoping.has_permission("keep_slate", request.user, raise_exception=True)
    campaigns = all_campaigns()
    campaign = get_campaign(request.GET.get("campaign"), among=campaigns)
    slate = scoping.get_slate_for_user(request.user, campaign)
    city = slate.city
    # Each thing read once and handed to the checks that need it.
    every = review_selectors.review_nominations(campaign, city)
    nominations = [n for n in every if n.status == Nomination.ENTERED]
    deadline = deadline_for(campaign, city)
    lines = quota_table(campaign, city, nominations=every)
    closed_reason = scoping.entry_closed_reason(campaign, city, deadline=deadline, slate=slate)
    stamped = review_selectors.stamped_annex2(campaign, city, slate, nominations=every,
                                              categories=[line.category for line in lines])
    problems = review_selectors.submission_problems(
        campaign, city, slate=slate, stamped=stamped, deadline=deadline, lines=lines, nominations=every,
    )
    return render(request, "intake/slate.html", {
        "campaign": campaign,
        "city": city,
        "slate": slate,
        "rows": [(n, FormalReviewForm(nomination=n, read_only=closed_reason is not None)) for n in nominations],
        # With the province, the slate's state is shown as a state, not as reasons it cannot be submitted.
        "problems": [] if slate.is_frozen else [" ".join(p.messages) for p in problems],
        "stamped": stamped,
        "closed_reason": closed_reason,
        "entry_open": closed_reason is None,
        "deadline": deadline,
        "timeline": review_selectors.timeline(slate),
        "max_upload_mb": settings.MAX_UPLOAD_MB,
        "campaigns": campaigns,
    })


@require_POST
def formal_review(request, pk):
    nomination = scoping.get_nomination_for_user(request.user, pk)
    scoping.has_permission("enter", request.user, nomination.city, raise_exception=True)
    form = FormalReviewForm(request.POST, nomination=nomination)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, f"“{nomination.name}”：" + " ".join(errors))
        return redirect(_slate_url(nomination.campaign))
    try:
        review_services.save_formal_review(
            nomination, user=request.user, **{f: form.cleaned_data[f] for f in FormalReviewForm.FIELDS}
        )
    except ValidationError as exc:
        refused(request, exc)
    else:
        nomination.refresh_from_db()
        messages.success(request, f"已保存“{nomination.name}”的形式审查。")
        if nomination.paper_no_mismatch:
            messages.warning(
                request,
                f"“{nomination.name}”的纸质材料编号 {nomination.paper_no} 与电子编号 "
                f"{nomination.electronic_no or '（未填写）'} 不一致，提交前请核对。",
            )
    return redirect(_slate_url(nomination.campaign))


@require_POST
def slate_upload(request, kind):
    field = Slate.PDF_FIELDS.get(kind)
    if field is None:
        raise Http404("没有这种材料。")
    scoping.has_permission("keep_slate", request.user, raise_exception=True)
    campaign = get_campaign(request.POST.get("campaign"))
    form = SlateUploadForm(request.POST, request.FILES)
    form.is_valid()  # the file field is optional; the service says what is wrong with it
    try:
        review_services.upload_slate_pdf(
            user=request.user, campaign=campaign, city=request.user.city, field=field,
            uploaded=form.cleaned_data.get("file"), code=form.cleaned_data.get("code", ""),
        )
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, f"已上传{review_services.PDF_LABELS[field]}。")
    return redirect(_slate_url(campaign))


@require_POST
def slate_letter_number(request):
    """The 发文字号 the drafted recommendation letter prints."""
    scoping.has_permission("keep_slate", request.user, raise_exception=True)
    campaign = get_campaign(request.POST.get("campaign"))
    form = LetterNumberForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_slate_url(campaign))
    try:
        slate = review_services.save_letter_number(
            user=request.user, campaign=campaign, city=request.user.city,
            letter_number=form.cleaned_data["letter_number"],
        )
    except ValidationError as exc:
        refused(request, exc)
    else:
        if slate.letter_number:
            messages.success(request, f"已保存推荐函发文字号 {slate.letter_number}，重新下载的推荐函会印上它。")
        else:
            messages.success(request, "已清除推荐函发文字号，推荐函上留空待填。")
    return redirect(_slate_url(campaign))


@require_POST
def slate_submit(request):
    scoping.has_permission("keep_slate", request.user, raise_exception=True)
    campaign = get_campaign(request.POST.get("campaign"))
    city = request.user.city
    if not confirmed(request):
        slate = slate_for(campaign, city)
        stamped = review_selectors.stamped_annex2(campaign, city, slate)
        if not review_selectors.submission_problems(campaign, city, slate=slate, stamped=stamped):
            counted = Nomination.objects.filter(campaign=campaign, city=city, status__in=Nomination.COUNTED_STATUSES)
            return confirmation_page(
                request, title=f"确认将{city.name}的推荐材料提交省工业和信息化厅", confirm_label="确认提交",
                cancel_url=_slate_url(campaign),
                lines=[
                    f"{campaign.name}：推荐对象 {counted.count()} 个，"
                    f"盖章附件2校验码 {stamped.stamped_code}（与当前数据一致）。",
                    "提交后本市的推荐对象、形式审查和盖章材料全部锁定，省厅审核期间不能修改；如需修改，须联系省厅退回。",
                ],
            )
        # Something stops the submission: the service refuses it with every reason, as before.
    try:
        review_services.submit_slate(user=request.user, campaign=campaign, city=city)
    except ValidationError as exc:
        messages.error(request, "不能提交，请先处理以下问题：")
        refused(request, exc)
    else:
        messages.success(
            request, "推荐材料已提交省工业和信息化厅。审核期间本市推荐对象不能修改；如需修改，请联系省厅退回。"
        )
    return redirect(_slate_url(campaign))


def slate_file(request, code, kind):
    field = Slate.PDF_FIELDS.get(kind)
    if field is None:
        raise Http404("没有这种材料。")
    campaign = get_campaign(request.GET.get("campaign"))
    slate = scoping.get_slate_for_user(request.user, campaign, code)
    label = review_services.PDF_LABELS[field]
    return pdf_response(getattr(slate, field), f"{slate.city.name}{campaign.year}年{label}.pdf")
