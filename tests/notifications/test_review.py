"""The researcher hears of the research office's decision: changes requested, endorsed."""

import pytest

from funding.models import Application
from funding.services import application_endorse, application_request_changes
from notifications.models import Notification
from notifications.tasks import send_notification
from portal.exceptions import ServiceError
from tests.checks.builders import certified_filing
from tests.factories import OfficeUserFactory, researcher

from .conftest import BASE_URL

pytestmark = pytest.mark.django_db


def submitted(**user_fields) -> tuple[Application, object]:
    """A submitted (certified) application and a research office user of its institution."""
    user = researcher(**user_fields)
    version = certified_filing(user)
    application = version.declaration.application
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    return application, OfficeUserFactory(institution=application.institution)


def test_changes_requested_mails_the_researcher_the_comment_and_a_link(mailoutbox, send_on_commit):
    application, office = submitted()
    with send_on_commit():
        application_request_changes(
            application=application, by=office, body="Add the 2025 visiting post at Lakeside."
        )
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [application.researcher.email]
    assert message.subject == f"Changes requested: {application.title}"
    assert "Add the 2025 visiting post at Lakeside." in message.body
    assert application.institution.name in message.body
    assert f"{BASE_URL}/applications/{application.pk}/" in message.body
    assert "&quot;" not in message.body and "&#x27;" not in message.body  # not HTML-escaped
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    notification = Notification.objects.get()
    assert (notification.kind, notification.language) == ("changes_requested", "en")
    assert notification.sent_at is not None
    assert notification.key.startswith("changes_requested:")


def test_changes_requested_twice_sends_nothing_more(mailoutbox, send_on_commit):
    application, office = submitted()
    with send_on_commit():
        application_request_changes(application=application, by=office, body="Fix section 2.")
    with pytest.raises(ServiceError), send_on_commit():
        application_request_changes(application=application, by=office, body="Fix section 2.")
    notification = Notification.objects.get()
    with send_on_commit():
        send_notification.delay(notification_id=notification.pk)
    assert len(mailoutbox) == 1


def test_endorsed_mails_the_researcher_once(mailoutbox, send_on_commit):
    application, office = submitted()
    with send_on_commit():
        application_endorse(application=application, by=office, body="A clean filing.")
    with pytest.raises(ServiceError), send_on_commit():
        application_endorse(application=application, by=office)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [application.researcher.email]
    assert message.subject == f"Application endorsed: {application.title}"
    assert application.programme.agency.name in message.body
    assert "A clean filing." in message.body
    assert f"{BASE_URL}/applications/{application.pk}/" in message.body
    assert Notification.objects.get().kind == "endorsed"


def test_a_japanese_speaking_researcher_gets_the_japanese_rendering(mailoutbox, send_on_commit):
    application, office = submitted(language="ja")
    with send_on_commit():
        application_request_changes(application=application, by=office, body="第2節を直して")
    notification = Notification.objects.get()
    assert notification.language == "ja"
    assert "第2節を直して" in mailoutbox[0].body
    assert mailoutbox[0].extra_headers["Content-Language"] == "ja"


def test_a_title_cannot_inject_a_header(mailoutbox, send_on_commit):
    application, office = submitted()
    Application.objects.filter(pk=application.pk).update(
        title="Sensors\r\nBcc: attacker@example.net\r\n\r\nbody"
    )
    application.refresh_from_db()
    with send_on_commit():
        application_request_changes(application=application, by=office, body="Please fix.")
    message = mailoutbox[0]
    assert message.subject == "Changes requested: Sensors Bcc: attacker@example.net body"
    assert message.bcc == []
    assert message.recipients() == [application.researcher.email]
    assert message.message()["Bcc"] is None


def test_no_mail_to_a_researcher_without_an_address(mailoutbox, send_on_commit):
    application, office = submitted(email="")
    with send_on_commit():
        application_request_changes(application=application, by=office, body="Please fix.")
    assert mailoutbox == []
    assert not Notification.objects.exists()
