"""Account protections: lockout, idle expiry for staff roles, security headers."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, OfficerFactory, OfficeUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def _sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _sign_in(client, user.username, "not the password")
        assert response.status_code == 200  # the form again, with its error
    assert _sign_in(client, user.username, "not the password").status_code == 429
    locked = _sign_in(client, user.username, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_resets_the_count(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, user.username, "not the password")
    assert _sign_in(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, user.username, "not the password")
    assert _sign_in(client, user.username, PASSWORD).status_code == 302


@pytest.mark.parametrize("factory", [OfficeUserFactory, OfficerFactory])
def test_staff_roles_expire_when_idle(client, settings, factory):
    client.force_login(factory())
    client.get(reverse("application_list"))
    assert client.session.get_expiry_age() == settings.STAFF_IDLE_SECONDS


def test_researchers_keep_the_normal_session(client, settings):
    client.force_login(UserFactory())
    client.get(reverse("home"))
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_content_security_policy_forbids_inline_scripts(client):
    client.force_login(UserFactory())
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"


def test_pages_have_no_inline_script(client):
    import re

    client.force_login(UserFactory())
    html = client.get(reverse("home")).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert " onclick=" not in html and " onload=" not in html


def test_the_language_choice_is_remembered_on_the_account(client):
    user = UserFactory(language="en")
    client.force_login(user)
    client.post(reverse("language_switch"), {"language": "ja", "next": "/"})
    user.refresh_from_db()
    assert user.language == "ja"
    client.logout()
    client.cookies.clear()
    response = _sign_in(client, user.username, PASSWORD)
    assert response.cookies["django_language"].value == "ja"
    assert '<html lang="ja">' in client.get(reverse("home")).content.decode()


def test_an_unknown_language_is_ignored(client):
    user = UserFactory(language="en")
    client.force_login(user)
    client.post(reverse("language_switch"), {"language": "xx"})
    user.refresh_from_db()
    assert user.language == "en"
