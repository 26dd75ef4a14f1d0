"""Writes of the slate review: the city's formal review, uploads and submission; the province's
acceptance, return, rejection, paper receipt and its own selection for the ministry.

City writes go through `services.ensure_entry_open` under the city's lock, so a submitted slate
freezes them all. Province writes on a city take the same lock (they change the city's counts);
the province's selection takes one province-wide lock, because its quota spans every city.
Every step is written to the slate's timeline (`SlateEvent`) in the same transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from intake.annex2 import sheet as annex2
from intake.campaigns.selectors import deadline_for
from intake.campaigns.services import grant_extension
from intake.common.history import save_with_history
from intake.common.localtime import local_time
from intake.common.locking import lock_objects
from intake.common.request_input import parse_int
from intake.common.uploads import display_name, stored_pdf, validate_pdf
from intake.common.validators import normalize_letter_number, normalize_phone, validate_letter_number, validate_phone
from intake.entry.services import ensure_entry_open, nomination_for_writing, save_nomination
from intake.models import DeadlineExtension, Nomination, ProvinceContact, Slate, SlateEvent
from intake.review import selectors as review_selectors
from intake.review import states
from intake.scoping import has_permission
from quotas.locking import lock_city
from quotas.services import ensure_province_room

PDF_LABELS = {"letter_pdf": "推荐函", "annex2_pdf": "附件2 汇总表"}


class SubmissionRefused(ValidationError):
    pass


def _event(slate, kind, user, note="", nomination=None):
    return SlateEvent.objects.create(slate=slate, kind=kind, actor=user, note=note[:1000], nomination=nomination)


def _locked_slate(campaign, city, *, create=False):
    qs = Slate.objects.select_for_update()
    if create:
        return qs.get_or_create(campaign=campaign, city=city)[0]
    return qs.filter(campaign=campaign, city=city).first()


# --- City side ---------------------------------------------------------------------------


def save_formal_review(nomination, *, user, **fields):
    """真实性 / 准确性 / 完整性, the site check note and the paper form's number of one nomination."""
    unknown = set(fields) - set(Nomination.FORMAL_REVIEW_FIELDS)
    if unknown:
        raise ValueError(f"not formal review fields: {sorted(unknown)}")
    with nomination_for_writing(nomination, user=user) as nomination:
        if nomination.status != Nomination.ENTERED:
            raise ValidationError(
                "该推荐对象当前状态为“%(status)s”，不需要形式审查。", code="not_reviewable",
                params={"status": nomination.get_status_display()},
            )
        for name, value in fields.items():
            setattr(nomination, name, value)
        return save_nomination(nomination, user, reason="形式审查")


# The stamped paper a clerk uploads must show the current data: each carries the Annex 2 校验码
# (the Annex 2 in its footer, the recommendation letter in its attachment line), which the clerk
# types at upload. Per upload: the slate field keeping the confirmed sheet's digest, and where on
# the paper the code is.
STAMPED_CODE_FIELDS = {"letter_pdf": "letter_digest", "annex2_pdf": "annex2_digest"}
STAMPED_PAPERS = {"letter_pdf": "推荐函", "annex2_pdf": "附件2"}
CODE_PLACES = {"letter_pdf": "附件栏“服务型制造示范推荐汇总表（校验码 …）”中", "annex2_pdf": "每页页脚"}


def upload_slate_pdf(*, user, campaign, city, field, uploaded, code=""):
    """Store a stamped scan as the slate's `field` ("letter_pdf" or "annex2_pdf").

    Both stamped papers must show the current data: the clerk types the Annex 2 校验码 printed on
    the paper (`code`), which must be the current data's; the slate keeps that sheet's digest, and
    `submission_problems` refuses once the data no longer prints the same sheet. The file is stored
    under the city's lock, after every check: a refused write, or a request that dies waiting for
    the lock, keeps nothing."""
    has_permission("enter", user, city, raise_exception=True)
    if field not in PDF_LABELS:
        raise ValueError(f"{field} is not a slate upload")
    validate_pdf(uploaded)  # before the lock: reading a scan takes a moment
    with transaction.atomic():
        lock_city(campaign, city)
        ensure_entry_open(campaign, city)
        slate = _locked_slate(campaign, city, create=True)
        digest_field = STAMPED_CODE_FIELDS[field]
        setattr(slate, digest_field, confirmed_annex2_digest(campaign, city, slate, code, field=field))
        with stored_pdf(getattr(slate, field), uploaded, validated=True):
            save_with_history(slate, user, validate=False, reason=f"上传{PDF_LABELS[field]}")
            code = annex2.code_of_digest(getattr(slate, digest_field))
            note = f"{PDF_LABELS[field]}：{display_name(uploaded, '')}（校验码 {code}）"
            _event(slate, SlateEvent.UPLOADED, user, note)
    return slate


def confirmed_annex2_digest(campaign, city, slate, code, *, field="annex2_pdf"):
    """The digest of the city's current Annex 2, once the clerk has typed its 校验码 from the
    stamped paper (`field` names which: the Annex 2 itself or the letter that lists it)."""
    digest = annex2.sheet_digest(annex2.city_sheet(campaign, city, slate=slate))
    current = annex2.code_of_digest(digest)
    typed = annex2.normalize_code(code)
    label = STAMPED_PAPERS[field]
    if not typed:
        raise ValidationError(
            "请填写盖章%(label)s上印的校验码（%(place)s，8 位，形如 7K3M-Q9TX），"
            "确认盖章的是按当前数据下载的%(label)s。",
            code="annex2_code_missing", params={"place": CODE_PLACES[field], "label": label},
        )
    if typed != current:
        raise ValidationError(
            "您填写的校验码 %(typed)s 与当前数据的附件2校验码 %(current)s 不一致：盖章的%(label)s不是按当前数据打印的"
            "（下载后推荐对象或填报人又有改动）。请重新下载%(label)s，盖章后再上传。",
            code="annex2_code_mismatch", params={"typed": typed, "current": current, "label": label},
        )
    return digest


def save_letter_number(*, user, campaign, city, letter_number):
    """The 发文字号 the city's recommendation letter prints (清工信函〔2023〕12号), kept with its slate."""
    has_permission("enter", user, city, raise_exception=True)
    letter_number = clean_letter_number(letter_number, campaign)
    with transaction.atomic():
        lock_city(campaign, city)
        ensure_entry_open(campaign, city)
        slate = _locked_slate(campaign, city, create=True)
        slate.letter_number = letter_number
        save_with_history(slate, user, validate=False, reason="填写推荐函发文字号")
    return slate


def clean_letter_number(letter_number, campaign):
    """The 发文字号 in its printed form; blank is allowed (the letter then leaves room to write it)."""
    letter_number = normalize_letter_number(letter_number)
    if letter_number:
        validate_letter_number(letter_number, year=campaign.year)
    return letter_number


def submit_slate(*, user, campaign, city):
    """Send the slate to the province, or refuse with every reason at once."""
    has_permission("enter", user, city, raise_exception=True)
    with transaction.atomic():
        lock_city(campaign, city)
        slate = _locked_slate(campaign, city, create=True)
        problems = review_selectors.submission_problems(campaign, city, slate=slate)
        if problems:
            raise SubmissionRefused(problems)
        resubmission = slate.status == Slate.RETURNED
        states.take(slate, "submit", user=user, note="退回后重新提交" if resubmission else "")
    return slate


# --- Province side -----------------------------------------------------------------------


def _slate_for_move(campaign, city, action):
    """The city's slate, locked, if `action` (a move of `states.MOVES`, or a decision on its
    contents named in words) may be taken from its state."""
    slate = _locked_slate(campaign, city) or Slate(campaign=campaign, city=city)
    slate.city = city
    problem = states.refusal(slate, action)
    if problem is not None:
        raise problem
    return slate


def accept_slate(*, user, campaign, city):
    has_permission("review", user, raise_exception=True)
    with transaction.atomic():
        lock_city(campaign, city)
        slate = _slate_for_move(campaign, city, "accept")
        states.take(slate, "accept", user=user)
    return slate


def return_slate(*, user, campaign, city, reason, extend_to=None):
    """Give the slate back to the city with a reason; the city can edit and submit again. After the
    deadline that needs a new deadline for the city (`extend_to`), or the city would be stuck."""
    has_permission("review", user, raise_exception=True)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写退回原因，地市将按原因修改后重新提交。", code="reason_missing")
    now = timezone.now()
    if extend_to is not None and extend_to <= now:
        raise ValidationError("延期后的截止时间应晚于现在。", code="extension_in_past")
    with transaction.atomic():
        lock_city(campaign, city)
        slate = _slate_for_move(campaign, city, "return")
        current = deadline_for(campaign, city)
        if extend_to is None and now > current:
            raise ValidationError(
                "推荐已截止，退回后%(city)s无法修改和重新提交。请同时填写“延期至”，给该市新的截止时间。",
                code="extension_needed", params={"city": city.name},
            )
        if extend_to is not None and extend_to <= current:
            raise ValidationError(
                "“延期至”应晚于%(city)s当前的截止时间 %(deadline)s；不需要延期时请留空。",
                code="extension_not_later",
                params={"city": city.name, "deadline": local_time(current)},
            )
        note = reason
        if extend_to is not None:
            grant_extension(
                user=user, campaign=campaign, city=city, kind=DeadlineExtension.SUBMISSION, deadline=extend_to,
                reason=f"退回修改：{reason}",
            )
            note = f"{reason}（截止时间延至 {local_time(extend_to)}）"
        slate.return_reason = reason
        states.take(slate, "return", user=user, note=note)
    return slate


def reject_nomination(nomination, *, user, reason):
    """不予受理 at the province's formal review: the nomination no longer counts nor exports."""
    has_permission("review", user, raise_exception=True)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写不予受理的原因，地市可在推荐对象页面看到。", code="reason_missing")
    with transaction.atomic():
        lock_city(nomination.campaign, nomination.city)
        slate = _slate_for_move(nomination.campaign, nomination.city, "不予受理其中的推荐对象")
        nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if nomination.status != Nomination.ENTERED:
            raise ValidationError(
                "“%(name)s”当前为“%(status)s”，不能不予受理。", code="not_rejectable",
                params={"name": nomination.name, "status": nomination.get_status_display()},
            )
        nomination.status = Nomination.REJECTED
        nomination.status_reason = reason[:300]
        nomination.province_selected = False
        # A province decision changes only its own columns: the city's data is not validated again
        # (rules may have changed since it was entered).
        save_with_history(nomination, user, f"不予受理：{reason}", validate=False,
                          update_fields=["status", "status_reason", "province_selected"])
        _event(slate, SlateEvent.REJECTED, user, f"“{nomination.name}”：{reason}", nomination)
    return nomination


def record_paper(*, user, campaign, city, copies):
    """The paper copies of each form the province received ({nomination_id: 0–2}); two are due."""
    has_permission("review", user, raise_exception=True)
    cleaned = {}
    for pk, value in copies.items():
        number = parse_int(value)
        if number is None or not 0 <= number <= Nomination.PAPER_COPIES_REQUIRED:
            raise ValidationError(
                "纸质申报书份数应为 0 到 %(max)d 之间的整数。", code="paper_copies_invalid",
                params={"max": Nomination.PAPER_COPIES_REQUIRED},
            )
        cleaned[parse_int(str(pk))] = number
    with transaction.atomic():
        lock_city(campaign, city)
        slate = _slate_for_move(campaign, city, "登记纸质材料")
        nominations = Nomination.objects.select_for_update().filter(
            campaign=campaign, city=city, status__in=Nomination.COUNTED_STATUSES, pk__in=cleaned
        )
        changed = []
        for n in nominations:
            if n.paper_copies != cleaned[n.pk]:
                n.paper_copies = cleaned[n.pk]
                save_with_history(n, user, f"收到纸质申报书 {n.paper_copies} 份", validate=False,
                                  update_fields=["paper_copies"])
                changed.append(f"“{n.name}”{n.paper_copies} 份")
        if changed:
            _event(slate, SlateEvent.PAPER, user, "收到纸质申报书：" + "、".join(changed))
    return changed


def lock_province(campaign):
    """Hold the province-wide selection lock for `campaign` until the transaction ends."""
    lock_objects([("intake.province_selection", campaign.pk)], rows=[campaign])


def select_for_ministry(nomination, *, user):
    """Put a nomination of an accepted slate on the province's own list, within the province rule."""
    has_permission("review", user, raise_exception=True)
    with transaction.atomic():
        lock_province(nomination.campaign)
        # of=("self",): lock the nomination's row only, not the city and campaign rows joined.
        nomination = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("campaign", "city", "category")
            .get(pk=nomination.pk)
        )
        if not nomination.is_counted:
            raise ValidationError(
                "“%(name)s”当前为“%(status)s”，不能列入省推荐名单。", code="not_selectable",
                params={"name": nomination.name, "status": nomination.get_status_display()},
            )
        if nomination.province_selected:
            raise ValidationError("“%(name)s”已在省推荐名单中。", code="already_selected",
                                  params={"name": nomination.name})
        slate = Slate.objects.filter(campaign=nomination.campaign, city=nomination.city).first()
        if slate is None or slate.status != Slate.ACCEPTED:
            raise ValidationError(
                "%(city)s的推荐材料尚未受理，请先受理后再遴选其推荐对象。", code="slate_not_accepted",
                params={"city": nomination.city.name},
            )
        ensure_province_room(nomination.campaign, nomination.category)
        nomination.province_selected = True
        save_with_history(nomination, user, "列入省推荐名单", validate=False, update_fields=["province_selected"])
        _event(slate, SlateEvent.SELECTED, user, f"“{nomination.name}”", nomination)
    return nomination


def unselect_for_ministry(nomination, *, user):
    has_permission("review", user, raise_exception=True)
    with transaction.atomic():
        lock_province(nomination.campaign)
        nomination = (
            Nomination.objects.select_for_update(of=("self",)).select_related("campaign", "city").get(pk=nomination.pk)
        )
        if not nomination.province_selected:
            raise ValidationError("“%(name)s”不在省推荐名单中。", code="not_selected", params={"name": nomination.name})
        nomination.province_selected = False
        save_with_history(nomination, user, "移出省推荐名单", validate=False, update_fields=["province_selected"])
        slate = Slate.objects.get(campaign=nomination.campaign, city=nomination.city)
        _event(slate, SlateEvent.UNSELECTED, user, f"“{nomination.name}”", nomination)
    return nomination


def save_province_contact(*, user, campaign, filler_name, filler_phone, letter_number=""):
    """填报人 and 联系电话 printed on the province's own selection sheet for `campaign`, and the
    发文字号 of the department's recommendation letter to the ministry."""
    has_permission("review", user, raise_exception=True)
    filler_name, filler_phone = clean_filler(filler_name, filler_phone)
    letter_number = clean_letter_number(letter_number, campaign)
    with transaction.atomic():
        lock_province(campaign)  # two reviewers saving at once: one row, the last one wins
        contact = ProvinceContact.objects.select_for_update().filter(campaign=campaign).first()
        contact = contact or ProvinceContact(campaign=campaign)
        contact.filler_name, contact.filler_phone = filler_name, filler_phone
        contact.letter_number = letter_number
        return save_with_history(contact, user, validate=False)


def clean_filler(filler_name, filler_phone):
    """填报人 and 联系电话 of an Annex 2 header, checked and in their plain form (a city's or the
    province's), or ValidationError naming the field."""
    filler_name, filler_phone = (filler_name or "").strip(), normalize_phone(filler_phone)
    errors = {}
    if not filler_name:
        errors["filler_name"] = ValidationError("请填写填报人。", code="required")
    try:
        validate_phone(filler_phone)
    except ValidationError as exc:
        errors["filler_phone"] = exc
    if errors:
        raise ValidationError(errors)
    return filler_name, filler_phone


def save_slate_contact(*, user, campaign, city, filler_name, filler_phone):
    """填报人 and 联系电话 printed on the city's Annex 2."""
    has_permission("enter", user, city, raise_exception=True)
    filler_name, filler_phone = clean_filler(filler_name, filler_phone)
    with transaction.atomic():
        lock_city(campaign, city)  # a submission of the slate cannot slip in between
        ensure_entry_open(campaign, city)
        slate, _ = Slate.objects.select_for_update().get_or_create(campaign=campaign, city=city)
        slate.filler_name = filler_name
        slate.filler_phone = filler_phone
        return save_with_history(slate, user, validate=False)
