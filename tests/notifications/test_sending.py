"""Sending: a failed send is retried and never lost; nothing is ever sent twice."""

import datetime

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notification_claim, notify
from notifications.tasks import send_notification, send_unsent
from tests.factories import UserFactory

from .backends import FlakyBackend

pytestmark = pytest.mark.django_db

FAILING = "tests.notifications.backends.FailingBackend"
FLAKY = "tests.notifications.backends.FlakyBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def queue_one(user=None) -> Notification:
    """A notification created and committed, its send task not run (as if the broker had
    been down)."""
    [notification] = notify(
        recipients=[user or UserFactory()],
        kind="restriction_lifted",
        key="test:1",
        context={"restriction": _restriction()},
    )
    return notification


def _restriction():
    from enforcement.models import Restriction
    from tests.factories import AgencyFactory

    return Restriction(
        agency=AgencyFactory(),
        scope=Restriction.Scope.THIS_AGENCY,
        starts_on=datetime.date(2027, 4, 1),
        ends_on=datetime.date(2028, 3, 31),
        reason="Test",
        lift_reason="Overturned on appeal.",
        pk=7,
    )


def test_a_failed_send_leaves_it_unsent_and_a_retry_sends_it_once(settings, mailoutbox):
    notification = queue_one()
    settings.EMAIL_BACKEND = FAILING
    with pytest.raises(OSError):
        send_notification(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.sent_at is None
    assert notification.sending_since is None  # the lease is given back
    assert notification.attempts == 1
    assert "ConnectionRefusedError" in notification.last_error
    assert mailoutbox == []

    settings.EMAIL_BACKEND = LOCMEM
    send_notification(notification_id=notification.pk)
    send_notification(notification_id=notification.pk)  # a duplicate or late retry
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert (notification.attempts, notification.last_error) == (2, "")


def test_a_retry_after_a_transient_failure_sends_once(settings, mailoutbox, monkeypatch):
    settings.EMAIL_BACKEND = FLAKY
    monkeypatch.setattr(FlakyBackend, "calls", 0)
    monkeypatch.setattr(FlakyBackend, "failures", 2)
    notification = queue_one()
    for _ in range(2):
        with pytest.raises(OSError):
            send_notification(notification_id=notification.pk)
    send_notification(notification_id=notification.pk)
    send_notification(notification_id=notification.pk)
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert (notification.attempts, notification.sending_since) == (3, None)
    assert notification.sent_at is not None


def test_in_process_a_failure_does_not_break_the_action_and_the_sweep_sends_it(
    settings, mailoutbox, send_on_commit, caplog
):
    settings.EMAIL_BACKEND = FAILING
    with send_on_commit():  # tasks run in-process: the failure is logged, not raised
        notification = queue_one()
    notification.refresh_from_db()
    assert (notification.sent_at, notification.attempts) == (None, 1)
    assert "Could not queue notifications.send" in caplog.text

    send_unsent()  # still failing: logged, nothing lost
    notification.refresh_from_db()
    assert (notification.sent_at, notification.attempts) == (None, 2)

    settings.EMAIL_BACKEND = LOCMEM
    send_unsent()
    send_unsent()
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.sent_at is not None


def test_a_send_in_progress_is_not_doubled_and_a_dead_one_is_taken_over(mailoutbox):
    notification = queue_one()
    assert notification_claim(notification.pk) is not None  # a worker is sending it...
    send_notification(notification_id=notification.pk)
    send_unsent()
    assert mailoutbox == []
    # ...and died mid-way: once its lease has expired, the sweep sends it.
    Notification.objects.filter(pk=notification.pk).update(
        sending_since=timezone.now() - datetime.timedelta(minutes=16)
    )
    send_unsent()
    send_unsent()
    assert len(mailoutbox) == 1


def test_the_sweep_sends_what_the_broker_never_got(mailoutbox):
    queue_one()  # on-commit callbacks not run: the task was never queued
    assert mailoutbox == []
    send_unsent()
    assert len(mailoutbox) == 1
    send_unsent()
    assert len(mailoutbox) == 1


def test_the_sweep_gives_up_after_many_attempts(mailoutbox):
    notification = queue_one()
    Notification.objects.filter(pk=notification.pk).update(attempts=20)
    send_unsent()
    assert mailoutbox == []


def test_the_same_key_is_one_notification(mailoutbox, send_on_commit):
    user = UserFactory()
    with send_on_commit():
        queue_one(user)
        assert (
            notify(
                recipients=[user],
                kind="restriction_lifted",
                key="test:1",
                context={"restriction": _restriction()},
            )
            == []
        )
    assert len(mailoutbox) == 1
    assert Notification.objects.count() == 1
