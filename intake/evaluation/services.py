"""Writes of the evaluation: a unit's state, the registry, the evaluation deadlines per city.

`ensure_evaluation_open` is the one lock check; every state change goes through
`set_evaluation_state`, which applies it, the scoping and what each state requires."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from intake.campaigns.services import grant_extension
from intake.common.history import save_with_history
from intake.common.localtime import local_time
from intake.common.locking import lock_objects
from intake.common.uploads import UploadRejected, stored_pdf, validate_pdf
from intake.evaluation import selectors
from intake.models import MINISTRY_PLATFORM, DeadlineExtension, RecognisedUnit, UnitEvaluation
from intake.scoping import has_permission

EVALUATION_KINDS = (DeadlineExtension.EVALUATION_ONLINE, DeadlineExtension.EVALUATION_EXPLANATION)
REGISTRY_FIELDS = ("name", "credit_code", "kind", "batch", "city", "is_active")


class EvaluationClosed(ValidationError):
    pass


def ensure_evaluation_open(campaign, city, state, now=None):
    """Refuse a change to `state` once the deadline binding it for `city` has passed."""
    deadlines = selectors.deadlines_of(campaign, city)
    if not deadlines.configured:
        raise EvaluationClosed(
            "%(campaign)s尚未设置评估评价的截止时间，暂不能填报。请联系系统管理员在“遴选批次”中设置。",
            code="evaluation_not_configured", params={"campaign": campaign.name},
        )
    deadline = deadlines.for_state(state)
    if (now or timezone.now()) > deadline:
        what = "无法填报书面说明" if state == UnitEvaluation.UNABLE else "评估评价网上填报"
        raise EvaluationClosed(
            "%(city)s的%(what)s已于 %(deadline)s 截止，不能再将状态改为“%(state)s”。"
            "如确需延期，请联系省工业和信息化厅。",
            code="evaluation_closed",
            params={
                "city": city.name, "what": what, "deadline": local_time(deadline),
                "state": dict(UnitEvaluation.STATE_CHOICES)[state],
            },
        )


def set_evaluation_state(*, user, campaign, unit, state, filed_on=None, unable_reason="", unable_detail="",
                         explanation=None):
    """Record where `unit` stands: 未填报, 已在线填报 on `filed_on`, or 无法填报 for `unable_reason`
    with the written explanation (a PDF; a new upload replaces the shown one, the old file and
    every earlier state stay in the history)."""
    has_permission("report_evaluation", user, unit, raise_exception=True)
    if state not in dict(UnitEvaluation.STATE_CHOICES):
        raise ValidationError({"state": "请选择填报状态。"})
    if not unit.is_active or not unit.is_evaluated:
        raise ValidationError("该单位不在本次评估评价范围内（已停用或为示范项目）。", code="not_evaluated")
    with transaction.atomic():
        # One writer per unit and campaign at a time; the first write creates the row.
        lock_objects([("intake.unitevaluation", campaign.pk, unit.pk)], rows=[unit])
        ensure_evaluation_open(campaign, unit.city, state)
        evaluation = (
            UnitEvaluation.objects.select_for_update().filter(campaign=campaign, unit=unit).first()
            or UnitEvaluation(campaign=campaign, unit=unit)
        )
        was_unable = evaluation.state == UnitEvaluation.UNABLE and bool(evaluation.explanation)
        errors = _state_errors(campaign, state, filed_on, unable_reason, unable_detail, explanation, was_unable)
        if errors:
            raise ValidationError(errors)
        evaluation.state = state
        evaluation.filed_on = filed_on if state == UnitEvaluation.FILED_ONLINE else None
        if state == UnitEvaluation.UNABLE:
            evaluation.unable_reason = unable_reason
            evaluation.unable_detail = (unable_detail or "").strip()
        else:
            # The explanation no longer applies; the file and the old values stay in the history.
            evaluation.unable_reason = evaluation.unable_detail = ""
            evaluation.explanation = ""
            evaluation.explanation_uploaded_at = None
        if explanation is not None and state == UnitEvaluation.UNABLE:
            with stored_pdf(evaluation.explanation, explanation):
                evaluation.explanation_uploaded_at = timezone.now()
                save_with_history(evaluation, user, _change_reason(evaluation), validate=False)
        else:
            save_with_history(evaluation, user, _change_reason(evaluation), validate=False)
    return evaluation


def _state_errors(campaign, state, filed_on, unable_reason, unable_detail, explanation, was_unable):
    """What `state` requires, as {field: message} (empty when all is there)."""
    errors = {}
    if state == UnitEvaluation.FILED_ONLINE:
        today = timezone.localdate()
        if filed_on is None:
            errors["filed_on"] = f"请填写该单位在{MINISTRY_PLATFORM}完成网上填报的日期。"
        elif filed_on > today:
            errors["filed_on"] = f"网上填报日期不能晚于今天（{today:%Y-%m-%d}），请核对。"
        elif filed_on.year != campaign.year:
            errors["filed_on"] = f"网上填报日期应在 {campaign.year} 年内（本批次评估评价的年度），请核对。"
    elif state == UnitEvaluation.UNABLE:
        if unable_reason not in dict(UnitEvaluation.REASON_CHOICES):
            errors["unable_reason"] = "请选择无法填报的原因：吊销、注销、停业、清算或其他。"
        elif unable_reason == UnitEvaluation.OTHER and not (unable_detail or "").strip():
            errors["unable_detail"] = "原因为“其他”时，请简要写明具体情况。"
        if explanation is None and not was_unable:
            errors["explanation"] = "请上传盖章的书面说明（PDF）。无法完成网上填报的单位须报送书面说明。"
        elif explanation is not None:
            try:
                validate_pdf(explanation)
            except UploadRejected as exc:
                errors["explanation"] = exc.messages
    return errors


def _change_reason(evaluation):
    if evaluation.state == UnitEvaluation.FILED_ONLINE:
        return f"已在线填报（{evaluation.filed_on:%Y-%m-%d}）"
    if evaluation.state == UnitEvaluation.UNABLE:
        return f"无法填报：{evaluation.get_unable_reason_display()}"
    return "未填报"


def save_unit(*, user, unit=None, reason="", **fields):
    """Add a unit to the registry or change one (deactivate with is_active=False; never delete)."""
    has_permission("oversee_evaluation", user, raise_exception=True)
    unit = unit or RecognisedUnit()
    for name, value in fields.items():
        if name not in REGISTRY_FIELDS:
            raise ValueError(f"{name} is not a registry field")
        setattr(unit, name, value)
    return save_with_history(unit, user, reason)


def extend_evaluation_deadline(*, user, campaign, city, kind, deadline, reason):
    """Give `city` a later evaluation deadline of `kind` (online / explanation), or move its
    extension (`intake.campaigns.services.grant_extension` applies the rules and writes the history)."""
    has_permission("oversee_evaluation", user, raise_exception=True)
    if kind not in EVALUATION_KINDS:
        raise ValidationError({"kind": "请选择要延期的截止类型：网上填报或书面说明。"})
    return grant_extension(user=user, campaign=campaign, city=city, kind=kind, deadline=deadline, reason=reason)
