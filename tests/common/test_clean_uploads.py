"""Stored uploads and the rows that refer to them: a stamped scan is stored only under the city's
lock, after the write's checks; `manage.py clean_uploads` lists (and with --delete removes) what a
crash could still leave: files no row and no history row refers to."""

import io
import os
import time
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command

from intake.common.locking import LockBusy
from intake.models import Slate
from intake.review import services as review_services
from tests.factories import annex2_code, nominate, open_campaign, pdf_upload, ready_slate, upload_stamped, user


def stored(settings):
    root = settings.PRIVATE_MEDIA_ROOT
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs) \
        if os.path.exists(root) else []


def age(name, minutes):
    """Make a stored file look `minutes` old."""
    path = default_storage.path(name)
    then = time.time() - minutes * 60
    os.utime(path, (then, then))


def clean(*args):
    out = io.StringIO()
    call_command("clean_uploads", *args, stdout=out)
    return out.getvalue()


def test_nothing_is_stored_before_the_citys_lock_is_held(seeded, settings):
    """A worker killed while it waits for the lock (no clean-up runs then) leaves no file behind."""
    on_disk_while_waiting = []

    def killed_while_waiting(campaign, city):
        on_disk_while_waiting.extend(stored(settings))
        raise LockBusy("系统正忙")

    with mock.patch("intake.review.services.lock_city", side_effect=killed_while_waiting):
        with pytest.raises(LockBusy):
            review_services.upload_slate_pdf(user=user("qingyuan"), campaign=open_campaign(),
                                             city=user("qingyuan").city, field="letter_pdf", uploaded=pdf_upload())
    assert on_disk_while_waiting == [] and stored(settings) == []


def test_a_refused_code_stores_nothing(seeded, settings):
    nominate("qingyuan", "project")
    wrong = "0000-0000" if annex2_code("qingyuan") != "0000-0000" else "1111-1111"
    with pytest.raises(ValidationError, match="不一致"):
        upload_stamped("qingyuan", "annex2_pdf", code=wrong)
    assert stored(settings) == [] and not Slate.objects.exists()


def test_orphans_are_listed_then_removed_and_nothing_a_row_refers_to(seeded, settings):
    nominate("qingyuan", "project")
    ready_slate("qingyuan")
    upload_stamped("qingyuan", "letter_pdf")  # the first letter stays: its history row refers to it
    kept = stored(settings)
    assert len(kept) == 3
    orphan = default_storage.save("intake/slate/0123456789abcdef0123456789abcdef.pdf", pdf_upload())
    elsewhere = default_storage.save("imports/preview.bin", io.BytesIO(b"x"))  # not an upload folder
    for name in [*kept, orphan, elsewhere]:
        age(name, 120)
    listing = clean()
    assert orphan in listing and "共 1 个无记录引用的文件" in listing and "未删除" in listing
    assert default_storage.exists(orphan)  # a dry run by default
    assert "已删除 1 个" in clean("--delete")
    assert not default_storage.exists(orphan) and default_storage.exists(elsewhere)
    assert stored(settings) == sorted([*kept, elsewhere])
    slate = Slate.objects.get()
    for field in ("letter_pdf", "annex2_pdf"):
        with getattr(slate, field).open("rb") as handle:
            assert handle.read(5) == b"%PDF-"


def test_a_file_younger_than_the_threshold_is_left_alone(seeded, settings):
    orphan = default_storage.save("intake/slate/fedcba9876543210fedcba9876543210.pdf", pdf_upload())
    assert "已删除 0 个" in clean("--delete")  # it may belong to an upload about to commit
    assert default_storage.exists(orphan)
    assert "已删除 1 个" in clean("--delete", "--min-age-minutes", "0")
    assert not default_storage.exists(orphan)
