"""Reads of the slate review: what stops a submission, the province's overview, the timeline and
the province's own Annex 2. Writes are in `review_services.py`."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone

from intake.annex2.sheet import PROVINCE_RECOMMENDER, build_sheet, city_sheet, code_of_digest, sheet_digest
from intake.campaigns.selectors import deadline_for, deadlines_for
from intake.common.localtime import local_time
from intake.models import Category, Nomination, ProvinceContact, Slate
from intake.review import crosschecks, states
from quotas.selectors import province_selected, quota_matrix, quota_table


def submission_problems(campaign, city, *, slate=None, now=None, stamped=None, deadline=None, lines=None,
                        nominations=None):
    """Every reason the city cannot submit its slate now, as ValidationErrors with codes (empty
    list: it may). The service calls this under the city's lock; the page shows it as a checklist.
    What the page has read already, it passes: `stamped` (`stamped_annex2(...)`), the city's
    `deadline`, its quota `lines` (`quota_table`) and its `nominations` (`review_nominations`)."""
    slate = slate or slate_for(campaign, city)
    now = now or timezone.now()
    problems = []

    def add(code, message, **params):
        problems.append(ValidationError(message, code=code, params=params))

    moved = states.refusal(slate, "submit")
    if moved is not None:
        problems.append(moved)
    if not campaign.is_open:
        add("campaign_closed", "%(campaign)s未开放填报，不能提交。", campaign=campaign.name)
    else:
        deadline = deadline or deadline_for(campaign, city)
        if now > deadline:
            add("deadline_passed", "推荐已于 %(deadline)s 截止，不能再提交。如确需延期，请联系省工业和信息化厅。",
                deadline=local_time(deadline))
    if not slate.filler_name or not slate.filler_phone:
        add("filler_missing", "请在首页填写附件2表头的填报人和联系电话。")
    if not slate.letter_pdf:
        add("letter_missing", "请上传加盖公章的推荐函（PDF）。")
    else:
        stamped = stamped or stamped_annex2(campaign, city, slate)
        letter = stamped.letter
        if not letter.matches:
            add("letter_mismatch",
                "盖章推荐函所列附件2的校验码（%(stamped)s）与当前数据不一致（现为 %(current)s），"
                "请重新下载推荐函、盖章并上传。",
                stamped=letter.stamped_code or "未确认", current=letter.current_code)
    if not slate.annex2_pdf:
        add("annex2_missing", "请上传加盖公章的附件2 服务型制造示范推荐汇总表（PDF）。")
    else:
        stamped = stamped or stamped_annex2(campaign, city, slate, nominations=nominations)
        if not stamped.matches:
            add("annex2_mismatch",
                "盖章的附件2（校验码 %(stamped)s）与当前数据不一致（现为 %(current)s），请重新下载、盖章并上传。",
                stamped=stamped.stamped_code or "未确认", current=stamped.current_code)
    for line in lines if lines is not None else quota_table(campaign, city):
        if line.is_over:
            add("over_quota", "%(category)s已推荐 %(used)d 个，超过名额上限 %(allowed)d 个，请撤回 %(excess)d 个。",
                category=line.category.name, used=line.used, allowed=line.allowed, excess=line.excess)
    if nominations is not None:  # review order: counted first, by category, then as entered
        counted = [n for n in nominations if n.is_counted]
    else:
        counted = Nomination.objects.filter(
            campaign=campaign, city=city, status__in=Nomination.COUNTED_STATUSES
        ).order_by("category__order", "created_at", "pk")
    for n in counted:
        if n.failed_checks:
            add("check_failed", "“%(name)s”形式审查%(checks)s不通过：不通过的申报不能上报，请撤回该推荐对象。",
                name=n.name, checks="、".join(n.failed_checks))
        if n.pending_checks:
            add("check_pending", "“%(name)s”尚未完成形式审查（%(checks)s）。", name=n.name,
                checks="、".join(n.pending_checks))
        if not n.electronic_no:
            add("electronic_no_missing", "“%(name)s”未填写申报系统电子编号。", name=n.name)
        if not n.paper_no:
            add("paper_no_missing", "“%(name)s”未填写纸质材料编号，请对照纸质申报书填写。", name=n.name)
        elif n.paper_no_mismatch:
            add("number_mismatch",
                "“%(name)s”的纸质材料编号 %(paper)s 与电子编号 %(electronic)s 不一致，"
                "请核对纸质申报书是否为最新导出的版本。",
                name=n.name, paper=n.paper_no, electronic=n.electronic_no or "（未填写）")
    return problems


@dataclass(frozen=True)
class StampedAnnex2:
    """A stamped paper that prints the Annex 2 校验码 (the Annex 2 itself, or the recommendation
    letter in its attachment line) against the code of the current data."""

    stamped_digest: str  # of the sheet the clerk confirmed at upload ("" when none was)
    current_digest: str  # of the sheet the city's data prints now
    letter_digest: str = ""  # of the sheet the stamped letter lists (confirmed at its upload)

    @property
    def letter(self):
        """The same comparison for the stamped recommendation letter."""
        return StampedAnnex2(self.letter_digest, self.current_digest)

    @property
    def matches(self):
        return bool(self.stamped_digest) and self.stamped_digest == self.current_digest

    @property
    def stamped_code(self):
        return code_of_digest(self.stamped_digest) if self.stamped_digest else ""

    @property
    def current_code(self):
        return code_of_digest(self.current_digest)


def stamped_annex2(campaign, city, slate=None, *, nominations=None, categories=None):
    """Whether the stamped Annex 2 the city uploaded is the sheet its data prints now.
    `nominations`: the city's, in review order (`review_nominations`), when the page has them."""
    slate = slate or slate_for(campaign, city)
    if nominations is not None:  # the sheet's rows: the counted ones, by category, as entered
        nominations = [n for n in nominations if n.is_counted]
    sheet = city_sheet(campaign, city, slate=slate, nominations=nominations, categories=categories)
    return StampedAnnex2(slate.annex2_digest, sheet_digest(sheet), slate.letter_digest)


@dataclass
class CityRow:
    city: object
    slate: Slate
    lines: list  # QuotaLine per category
    deadline: object
    is_late: bool
    paper_complete: int
    counted: int
    warnings: int
    is_extended: bool


def province_overview(campaign, cities, *, now=None):
    """One row per city with its slate, quota lines, deadline and paper status, in a fixed number
    of queries whatever the number of cities and nominations."""
    cities = list(cities)
    now = now or timezone.now()
    matrix = quota_matrix(campaign, cities)
    slates = {s.city_id: s for s in Slate.objects.filter(campaign=campaign, city__in=cities)}
    deadlines = deadlines_for(campaign, cities)
    paper = {
        row["city_id"]: row
        for row in Nomination.objects.filter(campaign=campaign, city__in=cities, status__in=Nomination.COUNTED_STATUSES)
        .order_by()
        .values("city_id")
        .annotate(counted=Count("pk"),
                  complete=Count("pk", filter=Q(paper_copies__gte=Nomination.PAPER_COPIES_REQUIRED)))
    }
    warnings = crosschecks.warning_counts(campaign, cities=cities)
    rows = []
    for city in cities:
        slate = slates.get(city.pk) or Slate(campaign=campaign, city=city)
        slate.campaign = campaign  # spare a query per row in templates
        counts = paper.get(city.pk, {})
        rows.append(CityRow(
            city=city, slate=slate, lines=matrix[city.pk], deadline=deadlines[city.pk],
            is_late=not slate.is_frozen and now > deadlines[city.pk],
            paper_complete=counts.get("complete", 0), counted=counts.get("counted", 0),
            warnings=warnings.get(city.pk, 0), is_extended=deadlines[city.pk] != campaign.submission_deadline,
        ))
    return rows


def status_counts(rows):
    """{status label: number of cities} for the overview's summary line."""
    counts = {label: 0 for _, label in Slate.STATUS_CHOICES}
    for row in rows:
        counts[row.slate.get_status_display()] += 1
    return counts


def chart_series(rows, categories):
    """The bar chart's series: nominations (counted) per category, one value per city."""
    return [
        (category.name, [next(line.used for line in row.lines if line.category.code == category.code) for row in rows])
        for category in categories
    ]


def review_nominations(campaign, city):
    """Every nomination of the city, counted first, for the review pages."""
    rows = Nomination.objects.filter(campaign=campaign, city=city).select_related("category", "demo_mode")
    return sorted(rows, key=lambda n: (not n.is_counted, n.category.order, n.created_at, n.pk))


def timeline(slate):
    """The slate's events, oldest first, with who did them."""
    if slate.pk is None:
        return []
    return list(slate.events.select_related("actor", "nomination"))


def selection_candidates(campaign):
    """Counted nominations of accepted slates, the pool the province selects from, by category."""
    accepted = Slate.objects.filter(campaign=campaign, status=Slate.ACCEPTED).values("city_id")
    rows = (
        Nomination.objects.filter(campaign=campaign, city__in=accepted, status__in=Nomination.COUNTED_STATUSES)
        .select_related("city", "category", "demo_mode")
        .order_by("category__order", "-province_selected", "city__code", "created_at", "pk")
    )
    grouped = {category.code: [] for category in Category.objects.all()}
    for n in rows:
        grouped[n.category_id].append(n)
    return grouped


def province_contact(campaign):
    """The province's 填报人 and 联系电话 for `campaign`, unsaved (blank) until a reviewer sets them."""
    return ProvinceContact.objects.filter(campaign=campaign).first() or ProvinceContact(campaign=campaign)


def province_selection_sheet(campaign, *, contact=None):
    """The Annex 2 content of the province's own selection; 推荐单位 is the department, 填报人 and
    联系电话 the province's own (`province_contact`). Renderers take this sheet as they take a city's."""
    contact = contact or province_contact(campaign)
    nominations = (
        province_selected(campaign)
        .select_related("demo_mode")
        .order_by("category__order", "city__code", "created_at", "pk")
    )
    return build_sheet(
        recommender=PROVINCE_RECOMMENDER, filler_name=contact.filler_name, filler_phone=contact.filler_phone,
        nominations=nominations, campaign=campaign,
    )


def slate_for(campaign, city):
    """The city's slate, unsaved when the city has not written one yet. It carries the `campaign`
    and `city` given, so reading `slate.city` or `slate.campaign` costs no query."""
    slate = Slate.objects.filter(campaign=campaign, city=city).first()
    if slate is None:
        return Slate(campaign=campaign, city=city)
    slate.campaign, slate.city = campaign, city
    return slate
