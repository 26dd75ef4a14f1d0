"""The slate's states and moves as data (`intake/review/states.py`): every move from every state is
either in the table or refused with the table's sentence, and the services move only through it."""

import pytest
from django.core.exceptions import ValidationError

from intake.models import Slate, SlateEvent
from intake.review import services as review_services
from intake.review import states
from tests.factories import city, nominate, open_campaign, ready_slate, submit, user

EVERY_STATE = [state for state, _label in Slate.STATUS_CHOICES]


def test_the_table_names_every_state_and_leads_only_to_states():
    for action, move in states.MOVES.items():
        assert set(move.sources) | {move.target} <= set(EVERY_STATE), action
        assert not set(move.sources) & set(move.refusals), action


@pytest.mark.parametrize("action", sorted(states.MOVES))
@pytest.mark.parametrize("status", EVERY_STATE)
def test_a_move_from_each_state_is_allowed_or_refused_with_a_reason(seeded, action, status):
    slate = Slate(campaign=open_campaign(), city=city("qingyuan"), status=status)
    problem = states.refusal(slate, action)
    if status in states.MOVES[action].sources:
        assert problem is None and states.may(slate, action)
    else:
        assert isinstance(problem, ValidationError) and problem.messages[0].strip()
        assert "%(" not in problem.messages[0]  # every placeholder filled


def test_submit_return_and_submit_again_follow_the_table(seeded):
    nominate("qingyuan", "project")
    ready_slate("qingyuan")
    submit("qingyuan")
    province, campaign, qingyuan = user("province"), open_campaign(), city("qingyuan")
    review_services.return_slate(user=province, campaign=campaign, city=qingyuan, reason="请补充材料")
    slate = Slate.objects.get(campaign=campaign, city=qingyuan)
    assert (slate.status, slate.returned_by) == (Slate.RETURNED, province)
    with pytest.raises(ValidationError) as refused:
        review_services.accept_slate(user=province, campaign=campaign, city=qingyuan)
    assert refused.value.error_list[0].code == "slate_not_submitted"
    submit("qingyuan")
    review_services.accept_slate(user=province, campaign=campaign, city=qingyuan)
    slate.refresh_from_db()
    assert slate.status == Slate.ACCEPTED
    moves = [kind for kind in slate.events.values_list("kind", flat=True) if kind != SlateEvent.UPLOADED]
    assert moves == [SlateEvent.SUBMITTED, SlateEvent.RETURNED, SlateEvent.SUBMITTED, SlateEvent.ACCEPTED]
    assert [r.history_change_reason for r in slate.history.order_by("history_id")][-3:] == ["退回", "提交省厅", "受理"]


def test_a_move_is_taken_only_by_whom_the_table_names(seeded):
    from django.core.exceptions import PermissionDenied

    nominate("qingyuan", "project")
    ready_slate("qingyuan")
    submit("qingyuan")
    slate = Slate.objects.get(campaign=open_campaign(), city=city("qingyuan"))
    with pytest.raises(PermissionDenied, match="审核"):
        states.take(slate, "accept", user=user("qingyuan"))
    slate.status = Slate.RETURNED
    with pytest.raises(PermissionDenied):
        states.take(slate, "submit", user=user("huizhou"))
    assert Slate.objects.get(pk=slate.pk).status == Slate.SUBMITTED
