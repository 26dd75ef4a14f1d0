"""After the deadline (Asia/Shanghai) a city can no longer create, edit or withdraw; an extension
for the campaign or one city reopens it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from intake.entry.services import EntryClosed
from intake.models import DeadlineExtension, Nomination
from tests.factories import city, nominate, open_campaign, post_data


@pytest.fixture
def closed(seeded):
    """The open campaign with its deadline a minute ago, and one nomination entered before."""
    n = nominate("qingyuan", "project")
    campaign = open_campaign()
    campaign.submission_deadline = timezone.now() - timedelta(minutes=1)
    campaign.save()
    return n


def test_create_after_deadline_refused_with_reason(client_for, closed):
    client = client_for("qingyuan")
    home = client.get("/").content.decode()
    assert "已截止" in home and "新增示范企业" not in home
    response = client.post("/nominations/new/enterprise/", post_data("enterprise", city("qingyuan")))
    text = response.content.decode()
    assert "已于" in text and "截止，不能再新增、修改或撤回" in text
    assert Nomination.objects.count() == 1


def test_edit_and_withdraw_after_deadline_refused(client_for, closed):
    client = client_for("qingyuan")
    response = client.post(f"/nominations/{closed.pk}/withdraw/", follow=True)
    assert "截止" in response.content.decode()
    closed.refresh_from_db()
    assert closed.status == Nomination.ENTERED
    with pytest.raises(EntryClosed):
        from intake.entry import services
        from tests.factories import user

        services.update_nomination(closed, user=user("qingyuan"), name="改名")


def test_deadline_message_is_in_beijing_time(closed):
    campaign = open_campaign()
    campaign.submission_deadline = datetime(2023, 5, 6, 15, 59, 59, tzinfo=UTC)
    campaign.save()
    with pytest.raises(ValidationError) as exc:
        nominate("qingyuan", "project")
    assert "2023-05-06 23:59" in exc.value.messages[0]


def test_extension_for_one_city_reopens_only_that_city(closed):
    DeadlineExtension.objects.create(
        campaign=open_campaign(), city=city("qingyuan"), deadline=timezone.now() + timedelta(days=1), reason="补报"
    )
    nominate("qingyuan", "project")
    with pytest.raises(EntryClosed):
        nominate("yunfu", "project")


def test_extending_the_campaign_reopens_every_city(closed):
    campaign = open_campaign()
    campaign.submission_deadline = timezone.now() + timedelta(hours=2)
    campaign.save()
    nominate("yunfu", "project")


def test_closed_campaign_refuses_even_before_deadline(seeded):
    campaign = open_campaign()
    campaign.is_open = False
    campaign.save()
    with pytest.raises(EntryClosed) as exc:
        nominate("qingyuan", "project", campaign=campaign)
    assert "未开放填报" in exc.value.messages[0]


def test_home_shows_time_left(client_for):
    campaign = open_campaign()
    campaign.submission_deadline = timezone.now() + timedelta(days=3, hours=5, minutes=1)
    campaign.save()
    assert "剩余 3 天 5 小时" in client_for("qingyuan").get("/").content.decode()
