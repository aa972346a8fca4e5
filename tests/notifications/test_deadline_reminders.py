"""Researchers are reminded to certify before their programme closes: 7 days, then 1 day."""

import datetime

import pytest
from django.utils import timezone

from funding.models import Programme
from notifications.models import Notification
from notifications.tasks import deadline_reminders
from tests.checks.builders import certified_filing
from tests.factories import ProgrammeFactory, researcher, start_application

from .conftest import BASE_URL, mails_to

pytestmark = pytest.mark.django_db


def closing_in(days: int, **fields) -> Programme:
    return ProgrammeFactory(
        closes_on=timezone.localdate() + datetime.timedelta(days=days), **fields
    )


def move_deadline(programme: Programme, days: int) -> None:
    closes_on = timezone.localdate() + datetime.timedelta(days=days)
    Programme.objects.filter(pk=programme.pk).update(closes_on=closes_on)


def run(send_on_commit):
    with send_on_commit():
        deadline_reminders()


def test_seven_days_then_one_day_each_once(mailoutbox, send_on_commit):
    programme = closing_in(5)
    user = researcher()
    application = start_application(user, programme=programme)
    run(send_on_commit)
    run(send_on_commit)
    [message] = mailoutbox
    assert message.to == [user.email]
    assert message.subject.startswith(f"Reminder: certify your declaration for {programme.title}")
    assert "That is in 5 days." in message.body
    assert application.title in message.body
    assert f"{BASE_URL}/applications/{application.pk}/declaration/" in message.body

    move_deadline(programme, 1)
    run(send_on_commit)
    run(send_on_commit)
    assert len(mailoutbox) == 2
    assert "That is tomorrow." in mailoutbox[1].body
    keys = sorted(Notification.objects.values_list("key", flat=True))
    assert keys == [f"deadline:{application.pk}:1d", f"deadline:{application.pk}:7d"]


def test_only_the_tightest_threshold_when_first_seen_late(mailoutbox, send_on_commit):
    application = start_application(researcher(), programme=closing_in(0))
    run(send_on_commit)
    [message] = mailoutbox
    assert "That is today." in message.body
    assert Notification.objects.get().key == f"deadline:{application.pk}:1d"


def test_who_is_not_reminded(mailoutbox, send_on_commit):
    far = start_application(researcher(), programme=closing_in(8))
    closed = start_application(researcher(), programme=closing_in(3))
    move_deadline(closed.programme, -1)
    start_application(researcher(), programme=closing_in(3, declaration_required=False))
    certified = certified_filing(programme=closing_in(3)).declaration.application
    inactive = researcher(is_active=False)
    start_application(inactive, programme=closing_in(3))
    run(send_on_commit)
    assert mailoutbox == []
    move_deadline(far.programme, 7)
    run(send_on_commit)
    assert [m.to for m in mailoutbox] == [[far.researcher.email]]
    assert mails_to(mailoutbox, certified.researcher) == []


def test_a_reminder_per_application(mailoutbox, send_on_commit):
    user = researcher()
    start_application(user, programme=closing_in(2))
    start_application(user, programme=closing_in(6))
    run(send_on_commit)
    assert len(mails_to(mailoutbox, user)) == 2


def test_japanese_speaking_researcher(mailoutbox, send_on_commit):
    programme = closing_in(4)
    start_application(researcher(language="ja"), programme=programme)
    run(send_on_commit)
    assert Notification.objects.get().language == "ja"
    closes_on = programme.closes_on
    assert f"{closes_on.year}年{closes_on.month}月{closes_on.day}日" in mailoutbox[0].subject
