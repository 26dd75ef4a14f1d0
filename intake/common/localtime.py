"""Moments as every page, message, export and history note words them: Beijing time (the project's
TIME_ZONE), to the minute."""

from django.utils import timezone


def local_time(moment, *, seconds=False, empty="—"):
    """`moment` (an aware datetime) in local time, "2026-03-31 17:00" (with ":05" when `seconds`);
    `empty` when there is none."""
    if moment is None:
        return empty
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
