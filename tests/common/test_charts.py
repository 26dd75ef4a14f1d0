from xml.etree import ElementTree

from intake.common.charts import stacked_bars


def test_stacked_bars_are_valid_svg_with_segments_and_escaping():
    svg = stacked_bars(["广州市", "清远<市>"], [("企业", [3, 0]), ("平台", [1, 2])], title="推荐 & 名额")
    root = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    bars = [r for r in root.iter(f"{ns}rect") if r.find(f"{ns}title") is not None]
    assert [b.find(f"{ns}title").text for b in bars] == ["广州市 企业：3", "广州市 平台：1", "清远<市> 平台：2"]
    widths = [float(b.get("width")) for b in bars]
    assert widths[0] == 3 * widths[1] and widths[2] == 2 * widths[1]  # proportional
    assert root.find(f"{ns}title").text == "推荐 & 名额"


def test_empty_chart_renders():
    ElementTree.fromstring(stacked_bars([], [], title="无数据"))
