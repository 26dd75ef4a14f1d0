"""The intake's domain: cities, categories, campaigns, nominations and the people entering them."""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from intake.common.localtime import local_time
from intake.common.uploads import private_upload_to
from intake.common.validators import (
    normalize_credit_code,
    normalize_email,
    normalize_form_no,
    normalize_phone,
    validate_credit_code,
    validate_phone,
)

# The ministry's platform where applicants register, fill in and export their forms, and where the
# evaluations are filed (notice 三、四); named with its address wherever the pages mention it.
MINISTRY_PLATFORM = "服务型制造公共服务平台"
MINISTRY_PLATFORM_URL = "https://selection.csoma.org.cn"


class City(models.Model):
    """A prefecture-level city that recommends nominees (Shenzhen reports to the ministry itself)."""

    code = models.CharField("行政区划代码", max_length=6, unique=True)
    name = models.CharField("城市名称", max_length=20, unique=True)
    slug = models.SlugField("拼音", max_length=30, unique=True, help_text="用作演示账号名，如 qingyuan")
    bureau_name = models.CharField("地市工业和信息化局", max_length=60)
    is_demo_city = models.BooleanField(
        "已获评工业和信息化部服务型制造示范城市",
        default=False,
        help_text="决定推荐名额档次：示范城市 6/2/3/3，其他地市 4/1/2/2。",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "地市"

    def __str__(self):
        return self.name

    @property
    def region_prefix(self):
        """The four digits a credit code registered in this city carries at positions 3–6."""
        return self.code[:4]


class Category(models.Model):
    """One of the five kinds of nominee; the code is the key other code and URLs rely on."""

    ENTERPRISE = "enterprise"
    PLATFORM_SHARED = "platform_shared"
    PLATFORM_OTHER = "platform_other"
    PROJECT = "project"
    CITY = "city"
    PLATFORMS = (PLATFORM_SHARED, PLATFORM_OTHER)

    code = models.CharField("代码", max_length=20, primary_key=True)
    name = models.CharField("类别", max_length=30)
    annex2_section = models.CharField("附件2 部分", max_length=30, help_text="如：一、示范企业")
    name_label = models.CharField("附件2 名称列", max_length=40, help_text="如：企业名称")
    order = models.PositiveSmallIntegerField("顺序", default=0)
    conditions = models.TextField("申报条件（表单提示）", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]
        verbose_name = verbose_name_plural = "推荐类别"

    def __str__(self):
        return self.name

    @property
    def is_city(self):
        return self.code == self.CITY

    @property
    def is_platform(self):
        return self.code in self.PLATFORMS


class DemoMode(models.Model):
    """示范模式 of an enterprise; a list the admins keep (42号 notice)."""

    name = models.CharField("示范模式", max_length=40, unique=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    is_active = models.BooleanField("可选", default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = verbose_name_plural = "示范模式"

    def __str__(self):
        return self.name


class CampaignQuerySet(models.QuerySet):
    def current(self):
        """The campaign pages show by default: the newest open one, else the newest."""
        return self.order_by("-is_open", "-year").first()


class Campaign(models.Model):
    year = models.PositiveSmallIntegerField("年度", unique=True)
    name = models.CharField("名称", max_length=80)
    province_notice_no = models.CharField("省厅通知文号", max_length=60, blank=True)
    ministry_notice_no = models.CharField("工信部通知文号", max_length=60, blank=True)
    submission_deadline = models.DateTimeField("推荐截止时间", help_text="北京时间；过后地市不能再新增、修改或撤回。")
    evaluation_online_deadline = models.DateTimeField("评估评价网上填报截止", null=True, blank=True)
    evaluation_explanation_deadline = models.DateTimeField("无法填报书面说明截止", null=True, blank=True)
    is_open = models.BooleanField("开放填报", default=True)
    # The notice's conditions a reviewer checks, "in principle" (42号): data of each campaign, so an
    # admin changes them with the campaign when a new notice changes them.
    min_service_revenue_share = models.DecimalField(
        "示范企业服务收入占营业收入比重下限（%）", max_digits=5, decimal_places=2, default=Decimal("30"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="42号通知：原则上不低于 30%。低于此值时地市保存和省厅审核都会看到提示（不阻止提交）。",
    )
    min_platform_years = models.PositiveSmallIntegerField(
        "示范平台运营年限下限（年）", default=2, validators=[MaxValueValidator(50)],
        help_text="42号通知：截至申报日运营满 2 年。不满时地市保存和省厅审核都会看到提示（不阻止提交）。",
    )
    application_date = models.DateField(
        "截至申报日", null=True, blank=True,
        help_text="计算平台运营年限的基准日（42号通知：截至申报日），全省各地市相同，不随个别地市延期改变。"
                  "不填时取本批次推荐截止时间的日期。",
    )
    history = HistoricalRecords()

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = "遴选批次"

    def __str__(self):
        return self.name

    @property
    def cutoff_date(self):
        """The day a platform's years in operation are counted to (截至申报日)."""
        return self.application_date or timezone.localtime(self.submission_deadline).date()


class DeadlineExtension(models.Model):
    """A later deadline granted to one city; beats the campaign's own."""

    SUBMISSION = "submission"
    EVALUATION_ONLINE = "evaluation_online"
    EVALUATION_EXPLANATION = "evaluation_explanation"
    KIND_CHOICES = [
        (SUBMISSION, "推荐截止"),
        (EVALUATION_ONLINE, "评估评价网上填报截止"),
        (EVALUATION_EXPLANATION, "书面说明截止"),
    ]

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="extensions", verbose_name="遴选批次")
    city = models.ForeignKey(City, models.PROTECT, related_name="extensions", verbose_name="地市")
    kind = models.CharField("截止类型", max_length=30, choices=KIND_CHOICES, default=SUBMISSION)
    deadline = models.DateTimeField("延至")
    reason = models.CharField("延期原因", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "地市延期"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "city", "kind"], name="one_extension_per_city_and_kind")
        ]

    def __str__(self):
        return f"{self.city} {self.get_kind_display()} 延至 {local_time(self.deadline)}"


class AccountManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `manage.py createsuperuser` makes the first administrator (a city role needs a city).
        extra_fields.setdefault("role", User.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    CITY = "city"
    PROVINCE = "province"
    ADMIN = "admin"
    AUDITOR = "auditor"
    ROLE_CHOICES = [(CITY, "地市工信局"), (PROVINCE, "省工信厅审核"), (ADMIN, "系统管理员"), (AUDITOR, "审计员")]

    role = models.CharField("角色", max_length=10, choices=ROLE_CHOICES, default=CITY)
    city = models.ForeignKey(
        City, models.PROTECT, null=True, blank=True, related_name="staff", verbose_name="所属地市",
        help_text="地市工信局账号必须绑定且只绑定一个地市。",
    )
    # Identification controls (intake/accounts/): a password someone else set is changed at the
    # next login; a password older than PASSWORD_MAX_AGE_DAYS too; raising the generation ends
    # every session of the account ("退出所有设备", reset, disable).
    must_change_password = models.BooleanField(
        "下次登录须修改密码", default=False, help_text="他人创建或重置密码的账号，首次登录时必须修改密码。"
    )
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    session_generation = models.PositiveIntegerField("会话代次", default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login", "session_generation"])

    objects = AccountManager()

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="city") | Q(city__isnull=False), name="city_staff_has_city"
            )
        ]

    def clean(self):
        super().clean()
        if self.role == self.CITY and not self.city_id:
            raise ValidationError({"city": "地市工信局账号必须选择所属地市。"})
        if self.role != self.CITY and self.city_id:
            raise ValidationError({"city": "只有地市工信局账号绑定地市；省厅审核和系统管理员账号请清空“所属地市”。"})

    @property
    def is_city_staff(self):
        return self.role == self.CITY and not self.is_superuser

    @property
    def sees_all_cities(self):
        return self.is_superuser or self.role in (self.PROVINCE, self.ADMIN)

    @property
    def display_name(self):
        """How pages name a person: 清远市填报员 rather than the login name."""
        return self.get_full_name() or self.username

    @property
    def is_auditor(self):
        return self.role == self.AUDITOR and not self.is_superuser

    def save(self, *args, update_fields=None, **kwargs):
        # A login only stamps `last_login`, which the history leaves out: it writes no history row,
        # so the account's history shows changes to the account, not every login (the security log
        # records those). On deadline day hundreds of logins would otherwise each write a row.
        if update_fields is not None and set(update_fields) <= {"last_login"}:
            self.skip_history_when_saving = True
            try:
                return super().save(*args, update_fields=update_fields, **kwargs)
            finally:
                del self.skip_history_when_saving
        return super().save(*args, update_fields=update_fields, **kwargs)

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def _get_session_auth_hash(self, secret=None):
        # Sessions carry an HMAC of this value: a new password or a new generation ends them all.
        # Generation 0 keeps Django's own value, so sessions from before survive the upgrade.
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "intake.User.session_auth_hash", f"{self.password}|{self.session_generation}",
            secret=secret, algorithm="sha256",
        ).hexdigest()


CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email", "electronic_no")
# The columns a clerk fills in per category (Annex 2's columns plus the checks' inputs).
ENTRY_FIELDS = {
    Category.ENTERPRISE: ("name", "credit_code", "demo_mode", "service_revenue_share", *CONTACT_FIELDS),
    Category.PLATFORM_SHARED: ("name", "credit_code", "provider", "platform_launch_date", *CONTACT_FIELDS),
    Category.PLATFORM_OTHER: ("name", "credit_code", "provider", "platform_launch_date", *CONTACT_FIELDS),
    Category.PROJECT: ("name", "credit_code", *CONTACT_FIELDS),
    Category.CITY: ("city_kind", *CONTACT_FIELDS),
}
CATEGORY_SPECIFIC_FIELDS = {"demo_mode", "service_revenue_share", "provider", "platform_launch_date", "city_kind"}
# The Annex 2 form's columns after 序号, in its order; a category has those of them it enters (and
# always the name: a city's is its own, with its kind). Then the two the system adds beside the form
# so that an exported sheet can be imported again. The sheet (annex2/sheet.py) prints these and the
# import (annex2/importer.py) requires them: `annex2_columns`, `annex2_required`.
ANNEX2_FORM_COLUMNS = ("name", "demo_mode", "provider", "contact_name", "contact_phone", "contact_email")
ANNEX2_EXTRA_COLUMNS = ("credit_code", "electronic_no")
ANNEX2_TITLES = {  # None: the category's own 名称 title (企业名称, 平台名称（共享制造类）…, `Category.name_label`)
    "name": None, "demo_mode": "示范模式", "provider": "公共服务/应用服务提供商", "contact_name": "联系人",
    "contact_phone": "联系方式", "contact_email": "电子邮箱", "credit_code": "统一社会信用代码",
    "electronic_no": "申报系统电子编号",
}


def annex2_columns(category_code):
    """The fields of a category's Annex 2 table, after 序号."""
    entered = ENTRY_FIELDS[category_code]
    return tuple(name for name in ANNEX2_FORM_COLUMNS if name == "name" or name in entered)


def annex2_required(category_code):
    """The columns an imported table of the category must have: its form columns and, where the
    category has one, the credit code (the entry form asks for all of them)."""
    extra = ("credit_code",) if "credit_code" in ENTRY_FIELDS[category_code] else ()
    return annex2_columns(category_code) + extra


def _form_no(value):
    return normalize_form_no(value).upper()


class Nomination(models.Model):
    """One nominee a city recommends in one campaign and category."""

    ENTERED = "entered"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    STATUS_CHOICES = [(ENTERED, "已录入"), (WITHDRAWN, "已撤回"), (REJECTED, "不予受理")]
    COUNTED_STATUSES = (ENTERED,)  # the statuses that use a quota place and appear in Annex 2

    INDUSTRIAL_DESIGN = "industrial_design"
    OTHER_KIND = "other"
    CITY_KIND_CHOICES = [(INDUSTRIAL_DESIGN, "工业设计特色类"), (OTHER_KIND, "其他类")]

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="nominations", verbose_name="遴选批次")
    city = models.ForeignKey(City, models.PROTECT, related_name="nominations", verbose_name="推荐地市")
    category = models.ForeignKey(Category, models.PROTECT, related_name="nominations", verbose_name="类别")
    name = models.CharField("名称", max_length=200)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, blank=True, validators=[validate_credit_code], db_index=True
    )
    demo_mode = models.ForeignKey(
        DemoMode, models.PROTECT, null=True, blank=True, related_name="nominations", verbose_name="示范模式"
    )
    provider = models.CharField("公共服务/应用服务提供商", max_length=200, blank=True)
    city_kind = models.CharField("示范城市类别", max_length=20, choices=CITY_KIND_CHOICES, blank=True)
    contact_name = models.CharField("联系人", max_length=50)
    contact_phone = models.CharField("联系方式", max_length=30, validators=[validate_phone])
    contact_email = models.EmailField("电子邮箱", max_length=120)
    electronic_no = models.CharField("申报系统电子编号", max_length=60, blank=True)
    paper_no = models.CharField("纸质材料编号", max_length=60, blank=True)
    service_revenue_share = models.DecimalField(
        "服务收入占营业收入比重（%）", max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[
            MinValueValidator(0, "服务收入占营业收入比重应在 0 到 100 之间（单位为 %%），请填写百分数，如 35.5。"),
            MaxValueValidator(100, "服务收入占营业收入比重应在 0 到 100 之间（单位为 %%），请填写百分数，如 35.5。"),
        ],
    )
    platform_launch_date = models.DateField("平台上线运营时间", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=STATUS_CHOICES, default=ENTERED, db_index=True)
    status_reason = models.CharField("状态说明", max_length=300, blank=True)
    # The city's formal review (形式审查), the paper copies the province received and the
    # province's own selection for the ministry: written only by `intake/review/services.py`.
    CHECK_PASS = "pass"
    CHECK_FAIL = "fail"
    CHECK_CHOICES = [("", "未审查"), (CHECK_PASS, "通过"), (CHECK_FAIL, "不通过")]
    CHECK_FIELDS = ("check_authenticity", "check_accuracy", "check_completeness")
    FORMAL_REVIEW_FIELDS = (*CHECK_FIELDS, "site_check_note", "paper_no")  # what the city's review table writes
    PAPER_COPIES_REQUIRED = 2  # 申报书一式两份
    check_authenticity = models.CharField("真实性", max_length=10, choices=CHECK_CHOICES, blank=True)
    check_accuracy = models.CharField("准确性", max_length=10, choices=CHECK_CHOICES, blank=True)
    check_completeness = models.CharField("完整性", max_length=10, choices=CHECK_CHOICES, blank=True)
    site_check_note = models.CharField("现场核查情况", max_length=500, blank=True)
    paper_copies = models.PositiveSmallIntegerField("省厅收到纸质申报书（份）", default=0)
    province_selected = models.BooleanField("列入省推荐名单", default=False)
    created_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name="录入人")
    updated_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name="最后修改人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["campaign", "city__code", "category__order", "created_at", "pk"]
        verbose_name = verbose_name_plural = "推荐对象"
        indexes = [models.Index(fields=["campaign", "city", "status"])]
        constraints = [
            # The database's own guard for what services check first; wins a race between cities.
            models.UniqueConstraint(
                fields=["campaign", "credit_code"],
                condition=Q(status="entered") & ~Q(credit_code=""),
                name="credit_code_once_per_campaign",
            ),
            models.UniqueConstraint(
                fields=["campaign", "city"],
                condition=Q(status="entered", category="city"),
                name="city_nominates_itself_once",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_counted(self):
        return self.status in self.COUNTED_STATUSES

    @property
    def paper_no_mismatch(self):
        """The paper form's number, once entered, differs from the electronic one (spaces and case aside)."""
        return bool(self.paper_no) and _form_no(self.paper_no) != _form_no(self.electronic_no)

    @property
    def failed_checks(self):
        return [self._meta.get_field(f).verbose_name for f in self.CHECK_FIELDS if getattr(self, f) == self.CHECK_FAIL]

    @property
    def pending_checks(self):
        return [self._meta.get_field(f).verbose_name for f in self.CHECK_FIELDS if not getattr(self, f)]

    def clean_fields(self, exclude=None):
        # What was typed, in its plain form before it is checked, whichever path wrote it.
        self.credit_code = normalize_credit_code(self.credit_code)
        self.contact_phone = normalize_phone(self.contact_phone)
        self.contact_email = normalize_email(self.contact_email)
        self.electronic_no = normalize_form_no(self.electronic_no)
        self.paper_no = normalize_form_no(self.paper_no)
        super().clean_fields(exclude)

    def clean(self):
        """What each category requires beyond the common columns of Annex 2."""
        code = self.category_id
        errors = {}
        if code == Category.CITY:
            if self.credit_code:
                errors["credit_code"] = "示范城市由市人民政府申报，不填写统一社会信用代码。"
            if not self.city_kind:
                errors["city_kind"] = "请选择示范城市的类别：工业设计特色类或其他类。"
        elif code and not self.credit_code:
            errors["credit_code"] = "请填写申报主体的统一社会信用代码（18 位，见营业执照）。"
        if code == Category.ENTERPRISE and not self.demo_mode_id:
            errors["demo_mode"] = "请选择示范企业的示范模式。"
        if code in Category.PLATFORMS and not self.provider:
            errors["provider"] = "请填写公共服务/应用服务提供商。"
        if errors:
            raise ValidationError(errors)


class Slate(models.Model):
    """A city's recommendation (推荐函) for one campaign; 填报人 and 联系电话 head its Annex 2."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    STATUS_CHOICES = [(DRAFT, "未提交"), (SUBMITTED, "已提交"), (RETURNED, "已退回"), (ACCEPTED, "已受理")]
    FROZEN_STATUSES = (SUBMITTED, ACCEPTED)  # the city's nominations and slate are read-only
    PDF_FIELDS = {"letter": "letter_pdf", "annex2": "annex2_pdf"}  # URL name → field

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="slates", verbose_name="遴选批次")
    city = models.ForeignKey(City, models.PROTECT, related_name="slates", verbose_name="地市")
    filler_name = models.CharField("填报人", max_length=50, blank=True)
    filler_phone = models.CharField("联系电话", max_length=30, blank=True)
    status = models.CharField("状态", max_length=20, choices=STATUS_CHOICES, default=DRAFT)
    # Stamped scans; replaced files stay on disk and in the history (nothing is deleted).
    letter_pdf = models.FileField("推荐函（盖章扫描件）", upload_to=private_upload_to, blank=True, max_length=200)
    annex2_pdf = models.FileField("附件2 汇总表（盖章扫描件）", upload_to=private_upload_to, blank=True, max_length=200)
    # `annex2.sheet_digest` of the sheet the clerk confirmed the stamped paper shows (its 校验码).
    annex2_digest = models.CharField("盖章附件2对应的数据摘要", max_length=64, blank=True)
    # The recommendation letter's 发文字号 (清工信函〔2023〕12号), and the digest of the Annex 2 whose
    # 校验码 the stamped letter's attachment line prints (confirmed at upload, as for the Annex 2).
    letter_number = models.CharField(
        "推荐函发文字号", max_length=40, blank=True, help_text="例如 清工信函〔2023〕12号；印在系统起草的推荐函上。"
    )
    letter_digest = models.CharField("盖章推荐函对应的附件2数据摘要", max_length=64, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="提交人"
    )
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    returned_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="退回人"
    )
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="受理人"
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "地市推荐函"
        constraints = [models.UniqueConstraint(fields=["campaign", "city"], name="one_slate_per_city")]

    def __str__(self):
        return f"{self.city} {self.campaign.year} 推荐函"

    @property
    def is_frozen(self):
        return self.status in self.FROZEN_STATUSES

    @property
    def annex2_code(self):
        """The 校验码 of the stamped Annex 2 uploaded ("" when none was confirmed)."""
        from intake.annex2.sheet import code_of_digest

        return code_of_digest(self.annex2_digest) if self.annex2_digest else ""

    @property
    def letter_code(self):
        """The Annex 2 校验码 the stamped letter's attachment line shows ("" when none was confirmed)."""
        from intake.annex2.sheet import code_of_digest

        return code_of_digest(self.letter_digest) if self.letter_digest else ""


# --- Slate review: the timeline of a city's slate -------------------------------------------------


class SlateEvent(models.Model):
    """One step of a slate's way through the province, with who and when (append-only: rows are
    written by `intake/review/services.py` in the transaction of the change and never edited)."""

    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    UPLOADED = "uploaded"
    PAPER = "paper"
    SELECTED = "selected"
    UNSELECTED = "unselected"
    KIND_CHOICES = [
        (SUBMITTED, "提交省厅"),
        (RETURNED, "退回修改"),
        (ACCEPTED, "受理"),
        (REJECTED, "不予受理"),
        (UPLOADED, "上传材料"),
        (PAPER, "登记纸质材料"),
        (SELECTED, "列入省推荐名单"),
        (UNSELECTED, "移出省推荐名单"),
    ]

    slate = models.ForeignKey(Slate, models.PROTECT, related_name="events", verbose_name="推荐函")
    kind = models.CharField("事项", max_length=20, choices=KIND_CHOICES)
    nomination = models.ForeignKey(
        Nomination, models.PROTECT, null=True, blank=True, related_name="slate_events", verbose_name="推荐对象"
    )
    actor = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    note = models.CharField("说明", max_length=1000, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = verbose_name_plural = "推荐函办理记录"

    def __str__(self):
        return f"{self.slate} {self.get_kind_display()} {local_time(self.at)}"


# ---------------------------------------------------------------------------------------------
# Evaluation of the demonstration units of batches 1–4 (notice 四; accounts: notice 五(一))
# ---------------------------------------------------------------------------------------------

BATCH_CHOICES = [(1, "第一批"), (2, "第二批"), (3, "第三批"), (4, "第四批")]


def account_note(batch):
    """The account a recognised unit logs in with on the ministry's platform (notice 五(一)):
    batches 1–3 keep the account issued in 2022, batch 4 uses its own 2022 application account."""
    if batch == 4:
        return "使用 2022 年申报时的账号登录填报"
    return "沿用 2022 年发放的账号登录填报"


# The city bureaus' own accounts on the ministry's platform (notice 五(一)).
CITY_BUREAU_ACCOUNT_NOTE = "各地市工业和信息化局沿用 2022 年发放的账号登录"


class RecognisedUnit(models.Model):
    """A unit the ministry recognised in batches 1–4, kept by admins and the province.

    Never deleted: a unit that should no longer be listed is deactivated (`is_active`)."""

    ENTERPRISE = "enterprise"
    PLATFORM = "platform"
    PROJECT = "project"
    CITY = "city"
    KIND_CHOICES = [(ENTERPRISE, "示范企业"), (PLATFORM, "示范平台"), (PROJECT, "示范项目"), (CITY, "示范城市")]
    # Notice 四 asks enterprises, platforms and cities to fill in the evaluation; projects are
    # kept in the registry for the nominee cross-check only.
    EVALUATED_KINDS = (ENTERPRISE, PLATFORM, CITY)
    # The intake categories a recognised kind corresponds to (nominee cross-check).
    NOMINATION_CATEGORIES = {
        ENTERPRISE: (Category.ENTERPRISE,),
        PLATFORM: Category.PLATFORMS,
        PROJECT: (Category.PROJECT,),
        CITY: (Category.CITY,),
    }

    name = models.CharField("名称", max_length=200, blank=True, help_text="示范城市可不填，自动取地市名称。")
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, blank=True, validators=[validate_credit_code], db_index=True,
        help_text="示范城市不填；其他类别必填。",
    )
    kind = models.CharField("类别", max_length=20, choices=KIND_CHOICES)
    batch = models.PositiveSmallIntegerField("认定批次", choices=BATCH_CHOICES)
    city = models.ForeignKey(City, models.PROTECT, related_name="recognised_units", verbose_name="所在地市")
    is_active = models.BooleanField("在册", default=True, help_text="不再列入评估的单位取消勾选（不删除）。")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["city__code", "batch", "kind", "name", "pk"]
        verbose_name = verbose_name_plural = "前四批示范单位"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "credit_code"],
                condition=Q(is_active=True) & ~Q(credit_code=""),
                name="recognised_unit_code_once_per_kind",
                violation_error_message="该类别下已有使用同一统一社会信用代码的在册示范单位，请修改那一条，不要重复录入。",
            ),
            models.UniqueConstraint(
                fields=["city"],
                condition=Q(is_active=True, kind="city"),
                name="recognised_city_once",
                violation_error_message="该地市已登记为示范城市，请修改那一条，不要重复录入。",
            ),
            models.CheckConstraint(
                condition=(Q(kind="city") & Q(credit_code="")) | (~Q(kind="city") & ~Q(credit_code="")),
                name="recognised_unit_credit_code_by_kind",
                violation_error_message="示范城市不填写统一社会信用代码，其他类别必须填写。",
            ),
            models.CheckConstraint(
                condition=Q(batch__gte=1, batch__lte=4), name="recognised_unit_batch_1_to_4",
                violation_error_message="认定批次应为第一批至第四批。",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def account_note(self):
        return account_note(self.batch)

    @property
    def is_evaluated(self):
        return self.kind in self.EVALUATED_KINDS

    def clean_fields(self, exclude=None):
        self.credit_code = normalize_credit_code(self.credit_code)
        super().clean_fields(exclude)

    def clean(self):
        errors = {}
        self.name = (self.name or "").strip()
        if self.kind == self.CITY:
            if self.credit_code:
                errors["credit_code"] = "示范城市由市人民政府认定，不填写统一社会信用代码。"
            if self.city_id:
                self.name = self.city.name  # a city unit is the city itself
        else:
            if self.kind and not self.credit_code:
                errors["credit_code"] = "请填写该示范单位的统一社会信用代码（18 位）。"
            if not self.name:
                errors["name"] = "请填写示范单位名称。"
        if errors:
            raise ValidationError(errors)


class UnitEvaluation(models.Model):
    """Where one recognised unit stands in one campaign's evaluation; no row means 未填报."""

    NOT_FILED = "not_filed"
    FILED_ONLINE = "filed_online"
    UNABLE = "unable"
    STATE_CHOICES = [(NOT_FILED, "未填报"), (FILED_ONLINE, "已在线填报"), (UNABLE, "无法填报")]

    REVOKED = "revoked"
    DEREGISTERED = "deregistered"
    SUSPENDED = "suspended"
    LIQUIDATION = "liquidation"
    OTHER = "other"
    REASON_CHOICES = [
        (REVOKED, "吊销"), (DEREGISTERED, "注销"), (SUSPENDED, "停业"), (LIQUIDATION, "清算"), (OTHER, "其他"),
    ]

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="unit_evaluations", verbose_name="遴选批次")
    unit = models.ForeignKey(RecognisedUnit, models.PROTECT, related_name="evaluations", verbose_name="示范单位")
    state = models.CharField("填报状态", max_length=20, choices=STATE_CHOICES, default=NOT_FILED, db_index=True)
    filed_on = models.DateField("网上填报日期", null=True, blank=True)
    unable_reason = models.CharField("无法填报原因", max_length=20, choices=REASON_CHOICES, blank=True)
    unable_detail = models.CharField("情况说明", max_length=300, blank=True)
    explanation = models.FileField("书面说明（PDF）", upload_to=private_upload_to, max_length=200, blank=True)
    explanation_uploaded_at = models.DateTimeField("书面说明上传时间", null=True, blank=True)
    updated_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="最后修改人"
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "示范单位评估评价情况"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="one_evaluation_per_unit_and_campaign"),
            # What each state requires, kept by the database too (services check first).
            models.CheckConstraint(
                condition=~Q(state="filed_online") | Q(filed_on__isnull=False),
                name="evaluation_filed_online_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(state="unable") | (~Q(unable_reason="") & ~Q(explanation="")),
                name="evaluation_unable_has_reason_and_explanation",
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.campaign.year} {self.get_state_display()}"


# ---------------------------------------------------------------------------------------------
# The province's own Annex 2 (its selection for the ministry)
# ---------------------------------------------------------------------------------------------


class ProvinceContact(models.Model):
    """填报人 and 联系电话 on the province's own selection sheet, one pair per campaign, as a city
    keeps its own on its slate; written by `review_services.save_province_contact`."""

    campaign = models.OneToOneField(
        Campaign, models.PROTECT, related_name="province_contact", verbose_name="遴选批次"
    )
    filler_name = models.CharField("填报人", max_length=50)
    filler_phone = models.CharField("联系电话", max_length=30, validators=[validate_phone])
    letter_number = models.CharField(
        "推荐函发文字号", max_length=40, blank=True,
        help_text="例如 粤工信生产合作函〔2023〕12号；印在致工业和信息化部办公厅的推荐函上。",
    )
    updated_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name="最后修改人")
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "省推荐名单填报人"

    def __str__(self):
        return f"{self.campaign} 省推荐名单填报人"


# ---------------------------------------------------------------------------------------------
# Accounts and security audit (GB/T 22239: identification, audit)
# ---------------------------------------------------------------------------------------------


class PasswordHistory(models.Model):
    """The hashes of an account's passwords, newest last, so a new one cannot repeat a recent one
    (`intake/accounts/passwords.py:PasswordHistoryValidator` writes and reads them)."""

    user = models.ForeignKey(User, models.PROTECT, related_name="password_history", verbose_name="用户")
    password = models.CharField("密码摘要", max_length=128)
    at = models.DateTimeField("设置时间", default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = verbose_name_plural = "历史密码"

    def __str__(self):
        return f"{self.user} {local_time(self.at)}"


class SecurityEvent(models.Model):
    """One entry of the security log (安全审计日志). Append-only in the database itself: triggers
    refuse every UPDATE, and a DELETE of an entry younger than RETENTION_DAYS
    (`intake/audit/triggers.py`); `manage.py purge_security_log` is the only way out and logs itself.
    Written only through `intake/audit/log.py:record`."""

    RETENTION_DAYS = 180  # 《网络安全法》第二十一条：网络日志留存不少于六个月

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    CAPTCHA_FAILED = "captcha_failed"
    LOCKED_OUT = "locked_out"
    LOGOUT = "logout"
    LOGOUT_ALL = "logout_all"
    SESSION_EXPIRED = "session_expired"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    OTP_ENROLLED = "otp_enrolled"
    OTP_FAILED = "otp_failed"
    RECOVERY_USED = "recovery_used"
    RECOVERY_RENEWED = "recovery_renewed"
    OTP_RESET = "otp_reset"
    ACCOUNT_CREATED = "account_created"
    ACCOUNT_DISABLED = "account_disabled"
    ACCOUNT_ENABLED = "account_enabled"
    DOWNLOAD = "download"
    UPLOAD = "upload"
    DENIED = "denied"
    ADMIN_CHANGE = "admin_change"
    BACKUP = "backup"
    PURGE = "purge"
    KIND_CHOICES = [
        (LOGIN, "登录成功"),
        (LOGIN_FAILED, "登录失败"),
        (CAPTCHA_FAILED, "验证码错误"),
        (LOCKED_OUT, "登录锁定"),
        (LOGOUT, "退出登录"),
        (LOGOUT_ALL, "退出所有设备"),
        (SESSION_EXPIRED, "超时自动退出"),
        (PASSWORD_CHANGED, "修改密码"),
        (PASSWORD_RESET, "重置密码"),
        (OTP_ENROLLED, "绑定动态口令"),
        (OTP_FAILED, "动态口令错误"),
        (RECOVERY_USED, "使用恢复码"),
        (RECOVERY_RENEWED, "重新生成恢复码"),
        (OTP_RESET, "重置动态口令"),
        (ACCOUNT_CREATED, "创建账号"),
        (ACCOUNT_DISABLED, "停用账号"),
        (ACCOUNT_ENABLED, "启用账号"),
        (DOWNLOAD, "下载文件"),
        (UPLOAD, "上传文件"),
        (DENIED, "拒绝访问"),
        (ADMIN_CHANGE, "后台修改"),
        (BACKUP, "数据备份"),
        (PURGE, "清理过期日志"),
    ]

    SUCCESS = "success"
    FAILURE = "failure"
    REFUSED = "refused"
    OUTCOME_CHOICES = [(SUCCESS, "成功"), (FAILURE, "失败"), (REFUSED, "拒绝")]

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="账号",
    )
    username = models.CharField("用户名", max_length=150, blank=True, db_index=True,
                                help_text="登录失败时为所尝试的用户名。")
    role = models.CharField("角色", max_length=10, blank=True)
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    kind = models.CharField("事件", max_length=20, choices=KIND_CHOICES, db_index=True)
    target = models.CharField("对象", max_length=300, blank=True)
    city = models.ForeignKey(City, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="涉及地市")
    outcome = models.CharField("结果", max_length=10, choices=OUTCOME_CHOICES, default=SUCCESS)
    detail = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = verbose_name_plural = "安全审计日志"

    def __str__(self):
        return f"{local_time(self.at, seconds=True)} {self.username} {self.get_kind_display()}"

    @property
    def role_display(self):
        return dict(User.ROLE_CHOICES).get(self.role, self.role)


# ---------------------------------------------------------------------------------------------
# Imports waiting for their confirmation
# ---------------------------------------------------------------------------------------------


class ImportPreview(models.Model):
    """An uploaded XLSX read and checked, waiting until its uploader confirms it (`intake/common/imports.py`).

    Not part of the record: only the cells read wait here (never the file), for one user and one
    kind of import, under a token the confirm form sends back, until they are confirmed, replaced
    by a newer preview or expired; expired ones are removed whenever a preview is stored.
    """

    ANNEX2, REGISTRY = "annex2", "registry"
    KIND_CHOICES = [(ANNEX2, "附件2汇总表"), (REGISTRY, "前四批示范单位名单")]

    user = models.ForeignKey(User, models.CASCADE, related_name="+", verbose_name="上传人")
    kind = models.CharField("导入类型", max_length=20, choices=KIND_CHOICES)
    token = models.CharField("确认令牌", max_length=64, unique=True)
    source = models.CharField("文件名", max_length=120, blank=True)
    payload = models.JSONField("读到的内容")
    created_at = models.DateTimeField("预览时间", auto_now_add=True)
    expires_at = models.DateTimeField("失效时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "待确认的导入"
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_import_preview_per_user_and_kind")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.source}"


# Heavy documents rendered by the background worker
# ---------------------------------------------------------------------------------------------


class Render(models.Model):
    """One document rendered off the request path (`intake/renders/`): the province-wide Annex 2 PDF
    and any other export registered as a render kind.

    A row per kind and digest of exactly what the document prints: the same data is rendered once,
    and a download of unchanged data is the stored file. Rows are never deleted; the files of old
    renders may be pruned (`pruned_at`), the row keeps what it was (校验码, time, size)."""

    QUEUED, RUNNING, DONE, FAILED, SUPERSEDED = "queued", "running", "done", "failed", "superseded"
    STATUS_CHOICES = [
        (QUEUED, "排队中"), (RUNNING, "生成中"), (DONE, "已生成"), (FAILED, "生成失败"),
        (SUPERSEDED, "数据已变化，改为生成新版本"),
    ]

    kind = models.CharField("文件类型", max_length=40)
    scope = models.CharField("文件范围", max_length=100, help_text="同一类文件的同一范围（如年度、是否含全部地市）")
    digest = models.CharField("内容摘要", max_length=64)
    params = models.JSONField("参数", default=dict)
    status = models.CharField("状态", max_length=12, choices=STATUS_CHOICES, default=QUEUED)
    code = models.CharField("校验码", max_length=9, blank=True)
    filename = models.CharField("文件名", max_length=200, blank=True)
    file = models.FileField("文件", upload_to="renders/documents/", max_length=200, blank=True)
    size = models.PositiveIntegerField("字节数", default=0)
    pages = models.PositiveIntegerField("页数", default=0)
    parts_total = models.PositiveIntegerField("分册数", default=0)
    parts_rendered = models.PositiveIntegerField("本次生成的分册数", default=0)
    part_digests = models.JSONField("分册摘要", default=list, blank=True,
                                    help_text="组成该文件的各分册（及页码等叠加层）的内容摘要")
    error = models.TextField("错误", blank=True)
    successor = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name="改为生成的版本")
    requested_at = models.DateTimeField("请求时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True, db_index=True)
    pruned_at = models.DateTimeField("文件清理时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台生成的文件"
        constraints = [models.UniqueConstraint(fields=["kind", "digest"], name="one_render_per_kind_and_digest")]
        indexes = [models.Index(fields=["kind", "scope", "status", "finished_at"], name="render_latest_idx")]

    def __str__(self):
        return f"{self.kind} {self.scope} {self.code or self.digest[:8]}（{self.get_status_display()}）"

    @property
    def is_done(self):
        return self.status == self.DONE and bool(self.file) and self.pruned_at is None
