"""Two-factor authentication for research offices, officers and administrators: a TOTP
authenticator app, with single-use recovery codes for a lost phone."""

import base64
import io

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


def requires_two_factor(user) -> bool:
    return user.is_authenticated and (user.is_staff or not user.is_researcher)


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator for ``user`` (replacing an earlier unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator if ``token`` is right, and issue fresh recovery codes.

    Returns the recovery codes (shown once, never again), or None if the token is wrong.
    """
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token.strip()):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="recovery codes")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    return codes


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code, inline (no script, no external request)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def base32_secret(device: TOTPDevice) -> str:
    """The secret to type into an app that cannot scan, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
