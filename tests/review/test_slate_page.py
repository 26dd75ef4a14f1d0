"""/slate/ and /nominations/<id>/review/: the city's formal review and the paper/electronic number check."""

import html
import re

from intake.models import Nomination
from tests.factories import nominate, open_campaign, review, user


def review_post(n, **overrides):
    data = {"check_authenticity": "pass", "check_accuracy": "pass", "check_completeness": "pass",
            "site_check_note": "", "paper_no": n.electronic_no, **overrides}
    return {f"n{n.pk}-{k}": v for k, v in data.items()}


def test_formal_review_is_saved_with_history(client_for):
    n = nominate("qingyuan", "enterprise")
    client = client_for("qingyuan")
    response = client.post(f"/nominations/{n.pk}/review/", review_post(n, site_check_note="5月2日现场核查，属实"),
                           follow=True)
    assert f"已保存“{n.name}”的形式审查" in response.content.decode()
    n.refresh_from_db()
    assert (n.check_authenticity, n.check_accuracy, n.check_completeness) == ("pass", "pass", "pass")
    assert n.site_check_note == "5月2日现场核查，属实" and n.paper_no == n.electronic_no
    latest = n.history.first()
    assert latest.history_user.username == "qingyuan" and latest.history_change_reason == "形式审查"


def test_number_mismatch_is_flagged(client_for):
    n = nominate("qingyuan", "project")
    client = client_for("qingyuan")
    response = client.post(f"/nominations/{n.pk}/review/", review_post(n, paper_no="FW2023-WRONG"), follow=True)
    page = response.content.decode()
    assert f"纸质材料编号 FW2023-WRONG 与电子编号 {n.electronic_no} 不一致" in page
    assert "与电子编号不一致" in page  # the row's flag
    province_page = client_for("province").get(f"/review/441800/?campaign={open_campaign().year}").content.decode()
    assert "编号不一致" in province_page


def test_mismatch_property():
    n = Nomination(electronic_no="FW 2023 001", paper_no="")
    assert not n.paper_no_mismatch  # not entered yet: "missing", not "mismatch"
    n.paper_no = "fw2023001"
    assert not n.paper_no_mismatch
    n.paper_no = "FW2023002"
    assert n.paper_no_mismatch
    assert Nomination(electronic_no="", paper_no="X").paper_no_mismatch


def test_invalid_choice_is_a_message(client_for):
    n = nominate("qingyuan", "project")
    response = client_for("qingyuan").post(f"/nominations/{n.pk}/review/", review_post(n, check_accuracy="maybe"),
                                           follow=True)
    assert response.status_code == 200 and "maybe" in response.content.decode()
    n.refresh_from_db()
    assert n.check_accuracy == ""


def test_withdrawn_nomination_is_not_reviewed(client_for):
    from intake.entry import services

    n = nominate("qingyuan", "project")
    services.withdraw_nomination(n, user=user("qingyuan"))
    response = client_for("qingyuan").post(f"/nominations/{n.pk}/review/", review_post(n), follow=True)
    assert "不需要形式审查" in response.content.decode()


def test_page_lists_counted_nominations_with_their_review(client_for):
    a = nominate("qingyuan", "project")
    b = nominate("qingyuan", "enterprise")
    review(a, check_completeness="fail")
    page = client_for("qingyuan").get("/slate/").content.decode()
    assert a.name in page and b.name in page
    assert f'form="review-{a.pk}"' in page
    assert f"“{a.name}”形式审查完整性不通过" in page


def test_province_may_not_review_for_the_city(client_for):
    n = nominate("qingyuan", "project")
    assert client_for("province").post(f"/nominations/{n.pk}/review/", review_post(n)).status_code == 403
    assert client_for("province").get("/slate/").status_code == 403
    n.refresh_from_db()
    assert n.check_authenticity == ""


def test_review_needs_post(client_for):
    n = nominate("qingyuan", "project")
    assert client_for("qingyuan").get(f"/nominations/{n.pk}/review/").status_code == 405


def test_formal_review_inputs_show_the_value_disabled_when_closed_and_escaped(seeded):
    from intake.review.forms import FormalReviewForm

    n = nominate("qingyuan", "enterprise")
    n.check_accuracy, n.site_check_note, n.paper_no = "fail", '现场<b>"核查"</b> & 属实', "FW-1"
    for read_only in (False, True):
        form = FormalReviewForm(nomination=n, read_only=read_only)
        assert 'value="fail" selected' in str(form["check_accuracy"])
        assert ("disabled" in str(form["paper_no"])) is read_only
        # Escaped (the entity spelling is the template engine's: &quot; or &#34;), and read back as typed.
        value = re.search(r' value="([^"]*)"', str(form["site_check_note"]))[1]
        assert "<" not in value and html.unescape(value) == n.site_check_note
