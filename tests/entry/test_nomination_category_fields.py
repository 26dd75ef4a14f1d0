"""What is stored for a nomination is what its category's columns ask for: the columns of other
categories are cleared by the service, on entry, edit and import alike."""

from intake.entry import services
from intake.models import Category, DemoMode, Nomination
from tests.factories import city, nominate, open_campaign, post_data, user


def test_editing_a_platform_with_the_city_category_posted_stores_no_city_kind(client_for):
    platform = nominate("qingyuan", "platform_other")
    data = post_data("platform_other", city("qingyuan"), name=platform.name, credit_code=platform.credit_code)
    data.update(category="city", city_kind="industrial_design")
    client_for("qingyuan").post(f"/nominations/{platform.pk}/", data)
    platform.refresh_from_db()
    assert platform.category_id == "platform_other" and platform.city_kind == ""


def test_entry_clears_the_columns_of_other_categories(seeded):
    n = nominate("qingyuan", "project", city_kind="industrial_design", provider="某提供商",
                 demo_mode=DemoMode.objects.first(), service_revenue_share="45.00")
    n = Nomination.objects.get(pk=n.pk)
    assert (n.city_kind, n.provider, n.demo_mode, n.service_revenue_share) == ("", "", None, None)


def test_an_edit_clears_them_whatever_is_passed(seeded):
    n = nominate("qingyuan", "enterprise")
    services.update_nomination(n, user=user("qingyuan"), city_kind="other", provider="某提供商")
    n = Nomination.objects.get(pk=n.pk)
    assert n.city_kind == "" and n.provider == "" and n.demo_mode is not None  # its own column stays


def test_a_changed_category_keeps_only_the_new_ones(seeded):
    n = nominate("qingyuan", "enterprise")
    services.update_nomination(n, user=user("qingyuan"), category=Category.objects.get(pk="platform_shared"),
                               provider="应用服务提供商")
    n = Nomination.objects.get(pk=n.pk)
    assert n.demo_mode is None and n.service_revenue_share is None and n.provider == "应用服务提供商"


def test_an_import_row_is_cleared_too(seeded):
    clerk = user("qingyuan")
    fields = {k: v for k, v in post_data("project", clerk.city).items()}
    fields["city_kind"] = "other"
    results = services.import_nominations(user=clerk, campaign=open_campaign(), city=clerk.city,
                                          rows=[(Category.objects.get(pk="project"), fields)])
    assert results == [{}]
    assert Nomination.objects.get().city_kind == ""
