"""`manage.py seed_scale`: the deadline-day volumes the load benchmark and the query-count test
rely on, built once and not doubled by a second run."""

from django.core.management import call_command

from intake.common.scale import REGISTRY_UNITS
from intake.models import Nomination, RecognisedUnit, Slate, SlateEvent, UnitEvaluation


def test_builds_every_state_once_and_a_second_run_adds_nothing(seeded, capsys):
    call_command("seed_scale")
    assert "推荐函 20 份" in capsys.readouterr().out
    slates = Slate.objects.filter(campaign__is_open=True)
    assert {s.status for s in slates} == {Slate.DRAFT, Slate.SUBMITTED, Slate.RETURNED, Slate.ACCEPTED}
    # Each slate that left the city has its timeline, and its history, as if entered by hand.
    for slate in slates.exclude(status=Slate.DRAFT):
        assert slate.events.filter(kind=SlateEvent.SUBMITTED).exists() and slate.history.exists()
    assert RecognisedUnit.objects.filter(is_active=True).count() == REGISTRY_UNITS
    assert UnitEvaluation.objects.filter(state=UnitEvaluation.FILED_ONLINE).count() > 100
    counts = (Nomination.objects.count(), Slate.objects.count(), RecognisedUnit.objects.count())

    call_command("seed_scale")
    assert (Nomination.objects.count(), Slate.objects.count(), RecognisedUnit.objects.count()) == counts
