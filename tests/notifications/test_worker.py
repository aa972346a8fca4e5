"""With the real worker: the e-mail of a service's event is sent by the worker process."""

import pytest

from funding.services import application_request_changes
from notifications.models import Notification
from tests.conftest import wait_for
from tests.factories import OfficeUserFactory, certify, fill_draft, researcher, start_application


def _request_changes() -> Notification:
    application = start_application(researcher())
    certify(fill_draft(application.declaration.versions.get()))
    application.refresh_from_db()
    office = OfficeUserFactory(institution=application.institution)
    application_request_changes(application=application, by=office, body="Add the contract.")
    return Notification.objects.get(kind="changes_requested")


def _sent(notification_id: int) -> Notification | None:
    return Notification.objects.filter(pk=notification_id, sent_at__isnull=False).first()


def test_the_worker_sends_the_changes_requested_mail(celery_worker_process):
    notification = _request_changes()
    sent = wait_for(lambda: _sent(notification.pk), timeout=60)
    assert sent.attempts == 1
    assert "notifications.send" in celery_worker_process.log_path.read_text()


@pytest.fixture
def flaky_worker(transactional_db, request, monkeypatch):
    """The real worker, whose mail server refuses its first message. (``transactional_db``
    is named here so that pytest-django sets it up before the worker starts.)"""
    monkeypatch.setenv("DJANGO_EMAIL_BACKEND", "tests.notifications.backends.FlakyBackend")
    return request.getfixturevalue("celery_worker_process")


def test_the_worker_retries_a_refused_mail_and_sends_it_once(flaky_worker):
    notification = _request_changes()
    sent = wait_for(lambda: _sent(notification.pk), timeout=90)
    assert sent.attempts == 2  # refused once, retried once, never sent twice
    log = flaky_worker.log_path.read_text()
    assert "Retry in" in log
