"""The confirmation step of an irreversible action (submitting a slate; the province's 受理, 退回,
不予受理): the first POST shows what will happen, the second, with `confirm=yes`, does it. A page
of its own rather than a script dialog (the content security policy allows no inline script)."""

from django.shortcuts import render

CONFIRM_FIELD = "confirm"


def confirmed(request):
    return request.POST.get(CONFIRM_FIELD) == "yes"


def confirmation_page(request, *, title, lines, confirm_label, cancel_url, warnings=(), danger=False):
    """Render the confirmation of `request`'s POST: its fields are posted again with confirm=yes."""
    replay = [
        (name, value) for name, values in request.POST.lists() for value in values
        if name not in ("csrfmiddlewaretoken", CONFIRM_FIELD)
    ]
    return render(request, "intake/confirm.html", {
        "title": title, "lines": lines, "warnings": warnings, "confirm_label": confirm_label,
        "cancel_url": cancel_url, "action": request.path, "replay": replay, "danger": danger,
    })
