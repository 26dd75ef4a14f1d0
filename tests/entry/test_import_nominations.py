"""`services.import_nominations`: each row gets the entry's checks once — quota, the model's field
checks, the credit code — and what they find is what a clerk typing the row would be told."""

from unittest import mock

from intake.entry import selectors, services
from intake.models import Category, Nomination
from quotas import selectors as quota_selectors
from tests.factories import credit_code, open_campaign, post_data, user


def rows(clerk, count):
    project = Category.objects.get(pk="project")
    return [(project, dict(post_data("project", clerk.city, name=f"项目{i}", credit_code=credit_code())))
            for i in range(count)]


def test_each_row_is_checked_once(seeded):
    clerk = user("qingyuan")
    with (
        mock.patch.object(Nomination, "full_clean", autospec=True, side_effect=Nomination.full_clean) as clean,
        mock.patch.object(selectors, "holder_of_credit_code", wraps=selectors.holder_of_credit_code) as holder,
        mock.patch.object(quota_selectors, "used_places", wraps=quota_selectors.used_places) as used,
    ):
        results = services.import_nominations(user=clerk, campaign=open_campaign(), city=clerk.city,
                                              rows=rows(clerk, 2))
    assert results == [{}, {}]
    assert Nomination.objects.filter(city=clerk.city, category="project").count() == 2
    assert (clean.call_count, holder.call_count, used.call_count) == (2, 2, 2)


def test_a_row_over_the_quota_is_refused_with_the_entrys_reasons_and_nothing_is_written(seeded):
    clerk = user("qingyuan")
    limit = quota_selectors.limit_for(open_campaign(), clerk.city, "project")
    results = services.import_nominations(user=clerk, campaign=open_campaign(), city=clerk.city,
                                          rows=rows(clerk, limit + 1))
    assert results[:limit] == [{}] * limit
    assert [code for _message, code in results[limit]["__all__"]] == ["quota_exceeded"]
    assert not Nomination.objects.filter(city=clerk.city, category="project").exists()
