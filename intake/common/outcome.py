"""What a page says after a write it asked a service for: each reason of a refusal as its own
message, or what was done."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def refused(request, exc):
    for message in exc.messages:
        messages.error(request, message)


def say_outcome(request, write, done):
    """Run `write()` (a service call) and tell the user `done` (text, or a function of what `write`
    returned) or why it was refused. Returns what `write` returned, or None when it was refused."""
    try:
        result = write()
    except ValidationError as exc:
        refused(request, exc)
        return None
    messages.success(request, done(result) if callable(done) else done)
    return result


def save_form(request, form, write, done):
    """When `form` is valid, run `write(cleaned_data)` (a service call) and say `done`; a refusal
    goes onto the form, so the page shows it beside what was typed. True when it was saved."""
    if not form.is_valid():
        return False
    try:
        write(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    messages.success(request, done)
    return True
