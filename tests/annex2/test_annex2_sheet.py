"""The content of Annex 2 for a city, before any rendering."""

from intake.annex2.sheet import PROVINCE_RECOMMENDER, build_sheet, city_sheet
from intake.entry import services
from intake.review.services import save_slate_contact
from tests.factories import city, nominate, open_campaign, user


def test_city_sheet_sections_columns_numbering(seeded):
    first = nominate("qingyuan", "enterprise", name="甲企业")
    nominate("qingyuan", "enterprise", name="乙企业")
    withdrawn = nominate("qingyuan", "enterprise", name="撤回的企业")
    services.withdraw_nomination(withdrawn, user=user("qingyuan"))
    nominate("qingyuan", "platform_other", name="某平台", provider="公共服务提供商")
    nominate("qingyuan", "city", city_kind="industrial_design")
    nominate("huizhou", "project", name="别市项目")
    save_slate_contact(user=user("qingyuan"), campaign=open_campaign(), city=city("qingyuan"),
                                filler_name="李四", filler_phone="0763-3361234")

    sheet = city_sheet(open_campaign(), city("qingyuan"))
    header = (sheet.recommender, sheet.filler_name, sheet.filler_phone)
    assert header == ("清远市工业和信息化局", "李四", "0763-3361234")
    assert [s.heading for s in sheet.sections] == ["一、示范企业", "二、示范平台", "三、示范项目", "四、示范城市"]
    assert [len(s.tables) for s in sheet.sections] == [1, 2, 1, 1]
    enterprises = sheet.sections[0].tables[0]
    assert enterprises.headers == ["序号", "企业名称", "示范模式", "联系人", "联系方式", "电子邮箱"]
    assert [row[:2] for row in enterprises.rows] == [["1", "甲企业"], ["2", "乙企业"]]
    assert enterprises.rows[0][2] == str(first.demo_mode)
    shared, other = sheet.sections[1].tables
    assert shared.headers[1] == "平台名称（共享制造类）" and shared.rows == []
    assert other.headers == ["序号", "平台名称（其他类）", "公共服务/应用服务提供商", "联系人", "联系方式", "电子邮箱"]
    assert other.rows[0][:3] == ["1", "某平台", "公共服务提供商"]
    assert sheet.sections[2].tables[0].rows == []  # Huizhou's project is not Qingyuan's
    assert sheet.sections[3].tables[0].headers[1] == "城市名称（工业设计特色类或其他类）"
    assert sheet.sections[3].tables[0].rows[0][1] == "清远市（工业设计特色类）"
    assert sheet.row_count == 4


def test_build_sheet_for_the_province(seeded):
    n = nominate("qingyuan", "project")
    sheet = build_sheet(recommender=PROVINCE_RECOMMENDER, filler_name="", filler_phone="", nominations=[n])
    assert sheet.recommender == "广东省工业和信息化厅" and sheet.row_count == 1
