import itertools

import pytest
from django.utils import timezone

from checks.models import Flag
from checks.rules import RULES

BASE_URL = "https://portal.example.org"

_subjects = itertools.count(1)


@pytest.fixture(autouse=True)
def _portal_base_url(settings):
    settings.PORTAL_BASE_URL = BASE_URL + "/"


@pytest.fixture
def send_on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the queued send tasks, in-process) when the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def raise_flag(application, rule="restricted_entity", status=Flag.Status.OPEN) -> Flag:
    """A flag as a check would raise it (application level, no version)."""
    return Flag.objects.create(
        rule=rule,
        severity=RULES[rule].severity,
        application=application,
        subject=f"subject {next(_subjects)}",
        last_seen_at=timezone.now(),
        status=status,
    )


def mails_to(outbox, user) -> list:
    return [message for message in outbox if message.to == [user.email]]
