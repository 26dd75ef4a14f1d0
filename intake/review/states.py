"""The slate's way through the province, as data: each move names the states it starts from, the
state it leads to, who takes it, what it stamps on the slate and what it writes in the timeline.

    draft ──submit──▶ submitted ──accept──▶ accepted
                 ▲        │
    returned ────┘◀─return┘

The services (`intake/review/services.py`) check their own preconditions (the submission
checklist, a return's reason and deadline) and then call `take`, which refuses a move the slate's
state does not allow, with the sentence the table gives, and records it.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from intake import scoping
from intake.common.history import save_with_history
from intake.common.localtime import local_time
from intake.models import Slate, SlateEvent

# Who takes a move: the permission (`scoping.RULES`) it needs on the slate's city.
CITY, PROVINCE = "enter", "review"
# The states in which the slate is with the province: the city's writes are frozen, and the
# province decides on its contents (不予受理, paper copies received) without moving it.
WITH_PROVINCE = Slate.FROZEN_STATUSES
NOT_SUBMITTED = ("slate_not_submitted", "%(city)s的推荐材料当前为“%(status)s”，地市提交后才能%(action)s。")


@dataclass(frozen=True)
class Move:
    label: str  # the history's reason and the pages' button
    sources: tuple  # states the move starts from
    target: str
    by: str  # CITY or PROVINCE: the permission the move needs
    event: str  # the SlateEvent kind written
    stamp: str  # the slate's `<stamp>_at` / `<stamp>_by` fields
    refusals: dict  # state → (code, message) when asked from a state not in `sources` (else NOT_SUBMITTED)


MOVES = {
    "submit": Move(
        "提交省厅", (Slate.DRAFT, Slate.RETURNED), Slate.SUBMITTED, CITY, SlateEvent.SUBMITTED, "submitted",
        {
            Slate.SUBMITTED: (
                "already_submitted", "推荐材料已于 %(at)s 提交省工业和信息化厅，正在审核，无需重复提交。",
            ),
            Slate.ACCEPTED: ("already_accepted", "推荐材料已由省工业和信息化厅受理，不能再次提交。"),
        },
    ),
    "accept": Move(
        "受理", (Slate.SUBMITTED,), Slate.ACCEPTED, PROVINCE, SlateEvent.ACCEPTED, "accepted",
        {
            Slate.ACCEPTED: ("already_accepted", "%(city)s的推荐材料已受理。"),
        },
    ),
    "return": Move(
        "退回", (Slate.SUBMITTED,), Slate.RETURNED, PROVINCE, SlateEvent.RETURNED, "returned",
        {
            Slate.ACCEPTED: (
                "already_accepted",
                "%(city)s的推荐材料已受理，不能退回。如个别推荐对象不符合要求，请对其“不予受理”。",
            ),
        },
    ),
}


def refusal(slate, action):
    """Why `action` (a move, or a province decision named in words) cannot be taken from the
    slate's state (a ValidationError), or None."""
    move = MOVES.get(action)
    if slate.status in (move.sources if move else WITH_PROVINCE):
        return None
    code, message = move.refusals.get(slate.status, NOT_SUBMITTED) if move else NOT_SUBMITTED
    return ValidationError(message, code=code, params={
        "city": slate.city.name, "status": slate.get_status_display(), "at": local_time(slate.submitted_at),
        "action": move.label if move else action,
    })


def may(slate, action, user=None):
    """`action` may be taken from the slate's state (and, when `user` is given, by them)."""
    move = MOVES.get(action)
    if user is not None and move is not None and not scoping.has_permission(move.by, user, slate.city):
        return False
    return refusal(slate, action) is None


def take(slate, action, *, user, note=""):
    """Move the locked `slate` by `action`, taken by `user` (who must hold the move's permission):
    its state, who and when, the history entry and the timeline's row, in the caller's transaction."""
    move = MOVES[action]
    scoping.has_permission(move.by, user, slate.city, raise_exception=True)
    problem = refusal(slate, action)
    if problem is not None:
        raise problem
    slate.status = move.target
    setattr(slate, f"{move.stamp}_at", timezone.now())
    setattr(slate, f"{move.stamp}_by", user)
    save_with_history(slate, user, validate=False, reason=move.label)
    SlateEvent.objects.create(slate=slate, kind=move.event, actor=user, note=note[:1000])
    return slate
