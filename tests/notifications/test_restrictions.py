"""The researcher hears of a restriction of their eligibility, and of its lifting."""

import datetime

import pytest

from enforcement.models import Restriction
from enforcement.services import restriction_impose, restriction_lift
from notifications.models import Notification
from notifications.services import notify
from notifications.tasks import send_notification
from portal.exceptions import ServiceError
from tests.factories import OfficerFactory, ProgrammeFactory, researcher, start_application

from .conftest import BASE_URL, mails_to

pytestmark = pytest.mark.django_db

STARTS, ENDS = datetime.date(2027, 4, 1), datetime.date(2029, 3, 31)


def impose(user, officer, scope=Restriction.Scope.THIS_AGENCY) -> Restriction:
    return restriction_impose(
        researcher=user,
        agency=officer.agency,
        scope=scope,
        starts_on=STARTS,
        ends_on=ENDS,
        reason="False report of a paid appointment (finding 12).",
        by=officer,
    )


def test_restriction_imposed_tells_period_scope_reason_and_how_to_appeal(
    mailoutbox, send_on_commit
):
    officer = OfficerFactory()
    user = researcher()
    application = start_application(user, programme=ProgrammeFactory(agency=officer.agency))
    with send_on_commit():
        restriction = impose(user, officer)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [user.email]
    assert message.subject == (
        f"Your eligibility for research funding has been restricted ({officer.agency.short_name})"
    )
    body = message.body
    assert "Period: from April 1, 2027 to March 31, 2029 inclusive." in body
    assert f"Scope: the programmes of {officer.agency.name} only." in body
    assert "False report of a paid appointment (finding 12)." in body
    assert "How to appeal" in body
    assert f"reference R-{restriction.pk}" in body
    # The application in flight is held, and the researcher is told which.
    assert application.title in body
    assert f"{BASE_URL}/applications/{application.pk}/" in body
    assert mails_to(mailoutbox, officer) == []


def test_restriction_of_all_agencies_says_so(mailoutbox, send_on_commit):
    officer = OfficerFactory()
    with send_on_commit():
        impose(researcher(), officer, scope=Restriction.Scope.ALL_AGENCIES)
    assert "Scope: the programmes of every funding agency" in mailoutbox[0].body


def test_a_japanese_speaking_researcher_gets_dates_in_japanese(mailoutbox, send_on_commit):
    user = researcher(language="ja")
    with send_on_commit():
        impose(user, OfficerFactory())
    notification = Notification.objects.get()
    assert notification.language == "ja"
    # Rendered under translation.override("ja"): Django's Japanese date format.
    assert "2027年4月1日" in mailoutbox[0].body
    assert "2029年3月31日" in mailoutbox[0].body
    assert "山田 花子" in mailoutbox[0].body


def test_the_same_event_is_notified_once(mailoutbox, send_on_commit):
    officer = OfficerFactory()
    user = researcher()
    with send_on_commit():
        restriction = impose(user, officer)
    # A replay of the same event (same key) and a re-run of its send task: nothing more.
    with send_on_commit():
        again = notify(
            recipients=[user],
            kind="restriction_imposed",
            key=f"restriction_imposed:{restriction.pk}",
            context={"restriction": restriction},
        )
        send_notification.delay(notification_id=Notification.objects.get().pk)
    assert again == []
    assert len(mailoutbox) == 1


def test_restriction_lifted_is_notified_once(mailoutbox, send_on_commit):
    officer = OfficerFactory()
    user = researcher()
    restriction = impose(user, officer)  # its e-mail is not sent here (no on-commit)
    with send_on_commit():
        restriction_lift(restriction=restriction, by=officer, reason="Overturned on appeal.")
    with pytest.raises(ServiceError), send_on_commit():
        restriction_lift(restriction=restriction, by=officer, reason="Overturned on appeal.")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [user.email]
    assert message.subject == (
        f"A restriction of your eligibility has been lifted ({officer.agency.short_name})"
    )
    assert "Overturned on appeal." in message.body
    assert "from April 1, 2027 to March 31, 2029" in message.body
    assert f"{BASE_URL}/programmes/" in message.body
    assert Notification.objects.filter(kind="restriction_lifted").count() == 1
