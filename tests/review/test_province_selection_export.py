"""/exports/province-selection.xlsx|pdf: the province's own list as an Annex 2 whose 推荐单位 is
广东省工业和信息化厅, for reviewers only."""

from tests.annex2_helpers import pdf_text, sheet_rows, workbook
from tests.factories import accepted, nominate


def selected_enterprise(client_for):
    chosen = nominate("qingyuan", "enterprise", name="甲智能装备有限公司")
    nominate("qingyuan", "enterprise", name="未入选的企业")
    accepted("qingyuan")
    client_for("province").post(f"/nominations/{chosen.pk}/select/")
    return chosen


def test_xlsx_names_the_department_and_lists_only_the_selection(client_for):
    selected_enterprise(client_for)
    response = client_for("province").get("/exports/province-selection.xlsx")
    assert response.status_code == 200
    rows = sheet_rows(workbook(response).worksheets[0])
    text = "\n".join(" ".join(str(v) for v in row if v is not None) for row in rows)
    assert "推荐单位（盖章）：广东省工业和信息化厅" in text.replace(" ", "")
    assert "甲智能装备有限公司" in text and "未入选的企业" not in text
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_pdf_names_the_department(client_for):
    selected_enterprise(client_for)
    response = client_for("province").get("/exports/province-selection.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response))
    assert "广东省工业和信息化厅" in text and "甲智能装备有限公司" in text


def test_city_staff_may_not_export_the_province_selection(client_for):
    selected_enterprise(client_for)
    assert client_for("qingyuan").get("/exports/province-selection.xlsx").status_code == 403
    assert client_for("qingyuan").get("/exports/province-selection.pdf").status_code == 403


def test_the_provinces_own_filler_and_phone_are_printed(client_for):
    from intake.review import services as review_services
    from tests.factories import open_campaign, user

    selected_enterprise(client_for)
    province = client_for("province")
    before = " ".join(pdf_text(province.get("/exports/province-selection.pdf")))
    assert "省工信厅审核员" not in before  # the reviewer's account is not the sheet's 填报人
    review_services.save_province_contact(user=user("province"), campaign=open_campaign(), filler_name="黄璨",
                                          filler_phone="020-83133359")
    rows = sheet_rows(workbook(province.get("/exports/province-selection.xlsx")).worksheets[0])
    header = " ".join(str(v) for v in rows[2] if v)
    assert "填报人：黄璨" in header and "联系电话：020-83133359" in header
    text = " ".join(pdf_text(province.get("/exports/province-selection.pdf")))
    assert "填报人：黄璨" in text and "联系电话：020-83133359" in text
