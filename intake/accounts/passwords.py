"""Password rules (身份鉴别) beyond Django's own validators, and the password's age.

Django's validators already give the length (8), similarity to the account's names, common and
all-digit passwords. Added here: three of the four character classes, not containing the user
name, not one of the account's last 5 passwords (checked against the stored hashes, so nothing
readable is kept), and the maximum age. Written here rather than taken from
django-password-validators: that package's last release predates Django 5, has English messages
only and keeps its own copy of every password hash outside the user's history.
"""

import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import MinimumLengthValidator, validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

CLASSES = [
    ("大写字母", str.isupper),
    ("小写字母", str.islower),
    ("数字", lambda ch: ch.isascii() and ch.isdigit()),
    ("符号", lambda ch: not ch.isalnum() and not ch.isspace()),
]


class MinimumLength(MinimumLengthValidator):
    """Django's rule with a Chinese message (its catalogue lacks the current wording)."""

    def get_error_message(self):
        return f"密码太短：至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"至少 {self.min_length} 个字符。"


class CharacterClassesValidator:
    """At least `classes` of: upper case, lower case, digits, symbols."""

    def __init__(self, classes=3):
        self.classes = classes

    def validate(self, password, user=None):
        present = [name for name, test in CLASSES if any(test(ch) for ch in password)]
        if len(present) < self.classes:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类（现只有：%(present)s）。",
                code="password_too_simple",
                params={"n": self.classes, "present": "、".join(present) or "无"},
            )

    def get_help_text(self):
        return f"须包含大写字母、小写字母、数字、符号中的至少 {self.classes} 类。"


class UsernameNotContainedValidator:
    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower()
        if username and username in password.lower():
            raise ValidationError("密码不能包含用户名“%(username)s”。", code="password_contains_username",
                                  params={"username": user.username})

    def get_help_text(self):
        return "不能包含用户名。"


class PasswordHistoryValidator:
    """Not one of the account's last `last` passwords (the current one included). Each new
    password's hash is kept in `PasswordHistory` when it is saved (Django calls
    `password_changed` from `User.save` after `set_password`)."""

    def __init__(self, last=5):
        self.last = last

    def recent_hashes(self, user):
        from intake.models import PasswordHistory

        hashes = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.last])
        if user.password and user.password not in hashes:
            hashes.insert(0, user.password)  # accounts from before the history was kept
        return hashes[: self.last]

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        if any(check_password(password, encoded) for encoded in self.recent_hashes(user)):
            raise ValidationError(
                "新密码不能与最近使用过的 %(n)d 个密码相同，请另设一个。",
                code="password_reused", params={"n": self.last},
            )

    def password_changed(self, password, user=None):
        from intake.models import PasswordHistory

        if user is not None and user.pk is not None:
            PasswordHistory.objects.create(user=user, password=user.password)

    def get_help_text(self):
        return f"不能与最近使用过的 {self.last} 个密码相同。"


def password_expired(user, now=None):
    """Older than PASSWORD_MAX_AGE_DAYS (0: never). An account whose change time is unknown counts
    from when it was created."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days:
        return False
    changed = user.password_changed_at or user.date_joined
    return changed + timedelta(days=days) <= (now or timezone.now())


def must_change_password(user):
    return user.must_change_password or password_expired(user)


ONE_TIME_ALPHABET = "".join(ch for ch in string.ascii_letters + string.digits if ch not in "0O1lI")


def one_time_password(user, length=12):
    """A random password for an account someone else sets up, meeting every rule for `user`."""
    while True:
        candidate = "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(length - 2)) + "-" + secrets.choice(
            string.digits[2:]
        )
        try:
            validate_password(candidate, user)
        except ValidationError:
            continue
        return candidate
