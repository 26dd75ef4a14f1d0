"""What a recommendation letter (推荐函) says, independent of DOCX or PDF.

The notice asks each city bureau to send the province 推荐函、申报汇总表（附件2）及相关申报书（一式
两份）; the department then recommends its own selection to the ministry the same way. The system
drafts both letters from the data the Annex 2 prints:

- `city_letter(campaign, city)`: the city bureau's letter to 广东省工业和信息化厅;
- `province_letter(campaign)`: the department's letter to 工业和信息化部办公厅 for its own selection.

Both read the nominees from the Annex 2 sheet itself (`annex2.city_sheet`,
`review_selectors.province_selection_sheet`), so the letter names them in the Annex 2's order and
prints the same 校验码 as the Annex 2 of the same data. Nothing is said about a nominee beyond its
category and the name the Annex 2 prints.

A `Letter` is plain, immutable text; `Letter.digest()` fingerprints all of it, so a renderer's
output is a pure function of (digest, renderer) and may be cached under it.
"""

import hashlib
import json
from dataclasses import asdict, dataclass

from django.utils import timezone

from intake.annex2 import sheet as annex2

PROVINCE = annex2.PROVINCE_RECOMMENDER  # 广东省工业和信息化厅
MINISTRY_OFFICE = "工业和信息化部办公厅"
ANNEX2_ATTACHMENT = "服务型制造示范推荐汇总表"
NUMERALS = "一二三四五六七八九十"
FULL_SPACE = "\u3000"


@dataclass(frozen=True)
class NomineeGroup:
    """One category's nominees, as its Annex 2 table lists them."""

    category: str  # 示范企业, 示范平台（共享制造类）, …
    names: tuple

    @property
    def count(self):
        return len(self.names)


@dataclass(frozen=True)
class Letter:
    authority: str  # 发文机关: the red header and the signature
    number: str  # 发文字号 as printed (a blank to write in by hand when the clerk has not set one)
    title: str
    addressee: str  # 主送机关, with its colon
    opening: str  # the paragraph before the list of nominees
    groups: tuple  # NomineeGroup per category with nominees, in the Annex 2's order
    closing: str
    attachments: tuple  # the 附件 lines, numbered
    date: str  # 成文日期 in Arabic numerals: 2023年5月20日
    contact: str  # 附注: （联系人：…，联系电话：…）
    annex2_code: str  # the 校验码 of the Annex 2 the letter encloses
    year: int
    city_code: str = ""  # "" for the department's letter

    @property
    def signature(self):
        return self.authority

    @property
    def total(self):
        return sum(g.count for g in self.groups)

    @property
    def group_headings(self):
        """[(（一）示范企业（4个）, names)], the list as the body prints it."""
        return [
            (f"（{NUMERALS[i] if i < len(NUMERALS) else i + 1}）{g.category}（{g.count}个）", g.names)
            for i, g in enumerate(self.groups)
        ]

    def digest(self):
        """SHA-256 (hex) of everything the letter prints: equal digests, equal documents."""
        data = asdict(self)
        return hashlib.sha256(
            json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()

    def filename(self, extension):
        return f"{self.title}.{extension}"

    def ascii_filename(self, extension):
        return f"letter_{self.city_code or 'province'}_{self.year}.{extension}"


def chinese_date(day):
    """成文日期 with Arabic numerals, no leading zeros (GB/T 9704-2012 7.3.5.1): 2023年5月20日."""
    return f"{day.year}年{day.month}月{day.day}日"


def number_or_blank(number, year):
    """The 发文字号, or a line to fill in by hand that already has the year: 　　〔2023〕　　号."""
    return number or f"{FULL_SPACE * 4}〔{year}〕{FULL_SPACE * 2}号"


def groups_of(sheet):
    """The nominees of an Annex 2 sheet per category, in the sheet's order; the name is the
    column after 序号, as printed (a city nominee with its kind: 清远市（其他类）)."""
    return tuple(
        NomineeGroup(table.category.name, tuple(row[1] for row in table.rows))
        for section in sheet.sections
        for table in section.tables
        if table.rows
    )


def _counts(groups):
    return "、".join(f"{g.category}{g.count}个" for g in groups)


def _notice(title, number):
    """《title》（number）, the number only when it reads as a 文号."""
    cited = f"《{title}》"
    if number and "〔" in number and number.endswith("号"):
        cited += f"（{number}）"
    return cited


def _ministry_notice_title(year):
    return f"工业和信息化部办公厅关于开展{year}年服务型制造示范遴选和评估评价工作的通知"


def _contact(name, phone):
    blank = FULL_SPACE * 4
    return f"（联系人：{name or blank}，联系电话：{phone or blank}）"


def _attachments(code, total, copies=""):
    lines = [f"{ANNEX2_ATTACHMENT}（校验码 {code}）"]
    if total:
        lines.append(f"申报书{total}份{copies}")
    return tuple(f"{i}. {line}" for i, line in enumerate(lines, start=1))


def _closing(total, copies=""):
    if not total:
        return "现将服务型制造示范推荐汇总表随函报送。"
    return f"现将服务型制造示范推荐汇总表及相关申报书{copies}随函报送，请予审核。"


def _recommends(year, groups):
    if not groups:
        return "本次没有推荐对象。"
    return (
        f"现推荐{sum(g.count for g in groups)}个申报主体参加{year}年服务型制造示范遴选，"
        f"其中{_counts(groups)}，名单如下："
    )


def city_letter(campaign, city, *, slate=None, day=None):
    """The city bureau's letter to the department, listing the nominees of its Annex 2."""
    from intake.review.selectors import slate_for

    slate = slate or slate_for(campaign, city)
    sheet = annex2.city_sheet(campaign, city, slate=slate)
    groups = groups_of(sheet)
    year = campaign.year
    notice = _notice(f"广东省工业和信息化厅转发{_ministry_notice_title(year)}", campaign.province_notice_no)
    opening = (
        f"根据{notice}要求，我局对本地区申报主体在线申报材料的真实性、准确性、完整性进行了形式审查，"
        f"确认申报主体提交的正式纸质材料编号与申报系统上的电子编号一致。{_recommends(year, groups)}"
    )
    total = sum(g.count for g in groups)
    return Letter(
        authority=city.bureau_name,
        number=number_or_blank(slate.letter_number, year),
        title=f"{city.bureau_name}关于推荐{year}年服务型制造示范的函",
        addressee=f"{PROVINCE}：",
        opening=opening,
        groups=groups,
        closing=_closing(total, "（一式两份）"),
        attachments=_attachments(sheet.verification_code, total, "（一式两份）"),
        date=chinese_date(day or timezone.localdate()),
        contact=_contact(slate.filler_name, slate.filler_phone),
        annex2_code=sheet.verification_code,
        year=year,
        city_code=city.code,
    )


def province_letter(campaign, *, day=None):
    """The department's letter to the ministry's general office, listing its own selection."""
    from intake.review.selectors import province_contact, province_selection_sheet

    contact = province_contact(campaign)
    sheet = province_selection_sheet(campaign, contact=contact)
    groups = groups_of(sheet)
    year = campaign.year
    notice = _notice(_ministry_notice_title(year), campaign.ministry_notice_no)
    opening = (
        f"根据{notice}要求，我厅组织各地级以上市（不含深圳）工业和信息化局开展了申报推荐工作，"
        f"各地市工业和信息化局对申报材料进行了形式审查，我厅进行了审核。{_recommends(year, groups)}"
    )
    total = sum(g.count for g in groups)
    return Letter(
        authority=PROVINCE,
        number=number_or_blank(contact.letter_number, year),
        title=f"{PROVINCE}关于推荐{year}年服务型制造示范的函",
        addressee=f"{MINISTRY_OFFICE}：",
        opening=opening,
        groups=groups,
        closing=_closing(total),
        attachments=_attachments(sheet.verification_code, total),
        date=chinese_date(day or timezone.localdate()),
        contact=_contact(contact.filler_name, contact.filler_phone),
        annex2_code=sheet.verification_code,
        year=year,
    )
