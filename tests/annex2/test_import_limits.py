"""Both XLSX imports (a city's Annex 2, the province's registry) read through the one reader: every
file the reader refuses is refused by each import's page with the same message, writes nothing and
keeps no preview. The reader's own tests: tests/common/test_xlsx_reader.py."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bench import xlsx_files as files
from intake.annex2.importer import MAX_NOMINATIONS
from intake.models import ImportPreview, Nomination, RecognisedUnit
from tests.common.test_xlsx_reader import DAMAGED
from tests.factories import credit_code

IMPORTS = {"annex2": ("huizhou", "/imports/annex2/"), "registry": ("province", "/evaluation/import/")}
REFUSED = {
    "1,500 sheets": (files.many_empty_sheets, "1500 张工作表"),
    "a declared dimension of the whole sheet": (
        lambda: files.workbook([("表", files.sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>', "A1:XFD1048576"))]),
        "声明的数据区域为 A1:XFD1048576"),
    "a cell beyond the last row": (
        lambda: files.workbook([("表", files.sheet_xml('<row r="9000"><c r="A9000"><v>1</v></c></row>'))]),
        "在单元格 A9000 还有内容或格式"),
    "one 32,767-character string in 6,000 cells": (files.one_long_string_everywhere, "有 32767 个字"),
    "too many XML elements": (lambda: files.most_elements(310_000), "XML 元素超过"),
    **{f"damaged: {case}": (lambda case=case: DAMAGED[case][0], DAMAGED[case][1]) for case in DAMAGED},
}


def written():
    return Nomination.objects.count(), RecognisedUnit.objects.count()


@pytest.mark.parametrize("case", REFUSED)
@pytest.mark.parametrize("kind", IMPORTS)
def test_each_import_refuses_what_the_reader_refuses(client_for, kind, case):
    account, url = IMPORTS[kind]
    make, message = REFUSED[case]
    client = client_for(account)
    before = written()
    response = client.post(url, {"file": SimpleUploadedFile("表.xlsx", make())})
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert 'name="token"' not in page and not ImportPreview.objects.exists()
    assert written() == before


def test_an_annex2_of_more_rows_than_any_city_has(client_for):
    header = ["序号", "项目名称", "联系人", "联系方式", "电子邮箱", "统一社会信用代码"]
    rows = [[i, f"项目{i}", "陈一", "13800138000", "a@example.cn", credit_code("441300")]
            for i in range(1, MAX_NOMINATIONS + 2)]
    data = files.workbook([("附件2", files.sheet_xml(files.rows_xml([["三、示范项目"], header, *rows])))])
    response = client_for("huizhou").post("/imports/annex2/", {"file": SimpleUploadedFile("附件2.xlsx", data)})
    assert f"有 {MAX_NOMINATIONS + 1} 个推荐对象，超过 {MAX_NOMINATIONS} 个的上限" in response.content.decode()
    assert not ImportPreview.objects.exists()
