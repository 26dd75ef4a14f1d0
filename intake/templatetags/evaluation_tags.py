"""The nominee cross-check's flag, shown wherever a nomination is listed.

`recognitions` is what `intake.evaluation.selectors.recognitions_for` returned for the page's
nominations (computed once per page); a page without it shows no flag rather than querying."""

from django import template

register = template.Library()


@register.inclusion_tag("intake/evaluation/_recognition_flag.html")
def recognition_flag(recognitions, nomination, long=False):
    unit = recognitions.get(nomination.pk) if isinstance(recognitions, dict) else None
    return {"unit": unit, "long": long, "nomination": nomination}
