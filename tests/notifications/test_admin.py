"""Administrators see what was sent to whom, read-only; nobody else sees it."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.factories import AdministratorFactory, OfficerFactory, OfficeUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def notification():
    return Notification.objects.create(
        recipient=OfficeUserFactory(),
        key="flag_digest:1",
        kind="flag_digest",
        language="ja",
        subject="One new cross-check flag",
        body="Dear …",
    )


def test_administrators_read_the_list_and_a_notification(client, notification):
    client.force_login(AdministratorFactory())
    response = client.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code == 200
    assert "One new cross-check flag" in response.content.decode()
    url = reverse("admin:notifications_notification_change", args=[notification.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b'name="subject"' not in response.content  # read-only: no form fields
    assert client.post(url, {"subject": "changed"}).status_code == 403
    notification.refresh_from_db()
    assert notification.subject == "One new cross-check flag"
    add = reverse("admin:notifications_notification_add")
    assert client.get(add).status_code == 403


@pytest.mark.parametrize("factory", [OfficeUserFactory, OfficerFactory])
def test_staff_who_are_not_administrators_see_nothing(client, notification, factory):
    client.force_login(factory(is_staff=True))
    response = client.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code in (302, 403)  # to the admin's login, or refused
    assert b"One new cross-check flag" not in response.content
