"""The second factor: TOTP (any authenticator app) with one-time recovery codes (django-otp).

Who must use it: the roles in REQUIRE_2FA_ROLES (settings: empty while DEBUG is on). Anyone who
has enrolled is asked for a code at every login. The secret is kept in the session only until
the first code proves the app has it; then the device is saved with that code's time step
as used, so the same code cannot log in again.
"""

import time
from base64 import b32encode
from binascii import unhexlify

import segno
from django.conf import settings
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

RECOVERY_CODES = 10
TOTP_DIGITS = 6


def required(user):
    roles = settings.REQUIRE_2FA_ROLES
    return user.role in roles or (user.is_superuser and "admin" in roles)


def totp_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolled(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def asked_at_login(user):
    return enrolled(user) or required(user)


def session_verified(request):
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def new_key():
    return random_hex(20)


def secret_text(key):
    """The base32 secret an authenticator app takes when typed in (no camera)."""
    return b32encode(unhexlify(key)).decode("ascii").rstrip("=")


def provisioning_uri(user, key):
    return TOTPDevice(user=user, key=key, digits=TOTP_DIGITS).config_url


def qr_data_uri(uri):
    """The QR code as an SVG data: URI, drawn on the server (no third-party site sees the secret)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _totp(key):
    totp = TOTP(unhexlify(key), step=30, t0=0, digits=TOTP_DIGITS, drift=0)
    totp.time = time.time()
    return totp


def normalise(code):
    return "".join((code or "").split()).lower()


def _is_totp_code(code):
    return len(code) == TOTP_DIGITS and code.isascii() and code.isdigit()


def check_new_key(key, code):
    """The time step of `code` if it is a valid code for the not yet saved `key`, else None."""
    code = normalise(code)
    if not _is_totp_code(code):
        return None
    totp = _totp(key)
    return totp.t() if totp.verify(int(code), tolerance=1) else None


@transaction.atomic
def enrol(user, key, used_step):
    """Save the confirmed TOTP device (replacing any earlier one) and new recovery codes."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user, name="身份验证器", key=key, digits=TOTP_DIGITS, confirmed=True, last_t=used_step
    )
    return device, new_recovery_codes(user)


@transaction.atomic
def new_recovery_codes(user):
    """Replace the account's recovery codes; the codes are returned once, to be shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = []
    while len(codes) < RECOVERY_CODES:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify(user, code):
    """(device, is_recovery_code) for a valid code, or (None, False). A recovery code is used up;
    a TOTP code cannot be used twice; wrong codes slow the device down (django-otp throttling)."""
    code = normalise(code)
    if not code:
        return None, False
    with transaction.atomic():
        if _is_totp_code(code):
            for device in TOTPDevice.objects.filter(user=user, confirmed=True).select_for_update():
                if device.verify_token(code):
                    return device, False
            return None, False
        for device in StaticDevice.objects.filter(user=user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device, True
    return None, False


def throttled(user):
    """Seconds to wait before the next code is checked (after wrong ones), 0 if none."""
    waits = []
    for device in [*TOTPDevice.objects.filter(user=user, confirmed=True),
                   *StaticDevice.objects.filter(user=user, confirmed=True)]:
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            from django.utils import timezone

            waits.append(max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1))
    return max(waits, default=0)


def remove(user):
    """Forget the account's second factor (a reset by the province or an admin)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
