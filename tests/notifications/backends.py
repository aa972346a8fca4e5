"""E-mail backends for the failure tests: a mail server that is down, and one that fails
once and then accepts (delivering to Django's locmem outbox)."""

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


class FlakyBackend(LocmemBackend):
    """Fails the first ``failures`` sends, then delivers."""

    failures = 1
    calls = 0

    def send_messages(self, email_messages):
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise OSError("421 Service not available, try again later")
        return super().send_messages(email_messages)
