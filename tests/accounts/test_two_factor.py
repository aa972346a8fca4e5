"""Two-factor sign-in for research offices, officers and administrators."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, OfficeUserFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _required(settings):
    settings.TWO_FACTOR_REQUIRED = True
    # django-otp slows retries after a wrong code (its own tests cover that); these tests
    # type a wrong code and then the right one at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _code(device, step_offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + step_offset * device.step
    return f"{totp.token():0{device.digits}d}"


def _sign_in(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def test_office_sets_up_an_authenticator_before_anything_else(client):
    office = OfficeUserFactory()
    _sign_in(client, office)
    response = client.get(reverse("review:queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))

    page = client.get(response["Location"])
    assert "data:image/svg+xml;base64," in page.content.decode()
    device = TOTPDevice.objects.get(user=office, confirmed=False)

    wrong = client.post(reverse("two_factor_setup"), {"token": "000000", "next": "/office/"})
    assert "This code is not right" in wrong.content.decode()
    done = client.post(reverse("two_factor_setup"), {"token": _code(device), "next": "/office/"})
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("review:queue")).status_code == 200


def test_later_sign_ins_need_a_code_and_recovery_codes_work_once(client):
    office = OfficeUserFactory()
    _sign_in(client, office)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=office)
    codes = client.post(reverse("two_factor_setup"), {"token": _code(device)}).context["codes"]
    client.logout()

    _sign_in(client, office)
    assert client.get(reverse("review:queue"))["Location"].startswith(reverse("two_factor_verify"))
    assert client.post(reverse("two_factor_verify"), {"token": codes[0]}).status_code == 302
    assert client.get(reverse("review:queue")).status_code == 200
    client.logout()

    _sign_in(client, office)
    reused = client.post(reverse("two_factor_verify"), {"token": codes[0]})
    assert "already used" in reused.content.decode()
    device.refresh_from_db()
    assert (
        client.post(
            reverse("two_factor_verify"), {"token": _code(device, step_offset=1)}
        ).status_code
        == 302
    )
    assert client.get(reverse("review:queue")).status_code == 200


def test_the_admin_is_behind_two_factor_too(client):
    admin = UserFactory(is_staff=True, is_superuser=True, role="administrator")
    _sign_in(client, admin)
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_researchers_sign_in_with_their_password_alone(client):
    _sign_in(client, UserFactory())
    assert client.get(reverse("home")).status_code == 200


def test_next_cannot_send_the_user_elsewhere(client):
    office = OfficeUserFactory()
    _sign_in(client, office)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=office)
    done = client.post(
        reverse("two_factor_setup"), {"token": _code(device), "next": "https://evil.example/"}
    )
    assert done.context["next"] == "/"
