"""Thin, re-runnable tasks: sending one e-mail, the periodic digest, reminders and sweep."""

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.core.mail import EmailMessage
from kombu.exceptions import OperationalError

from .models import Notification
from .services import (
    deadline_reminders_send,
    flag_digest_send,
    notification_claim,
    notification_release,
    notification_sent,
    unsent_notification_ids,
)

logger = logging.getLogger(__name__)

RETRIES = 5
RETRY_BACKOFF = 30  # seconds, doubled on each retry (with jitter), at most 10 minutes


@shared_task(bind=True, name="notifications.send", max_retries=RETRIES)
def send_notification(self, *, notification_id: int) -> None:
    """Send one notification, at most once however often this task runs.

    It takes a lease on the row (``sending_since``), sends, and only then records
    ``sent_at``. A mail server error (OSError, which smtplib's errors are) gives the lease
    back and retries with a growing delay; after the last retry, or if the worker died
    mid-way and its lease expired, the sweep (``notifications.send_unsent``) queues it
    again. A call after success finds ``sent_at`` set and sends nothing.
    """
    claimed_at = notification_claim(notification_id)
    if claimed_at is None:
        return  # sent already, or another task is sending it now
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    message = EmailMessage(
        subject=notification.subject,
        body=notification.body,
        to=[notification.recipient.email],
        headers={"Auto-Submitted": "auto-generated", "Content-Language": notification.language},
    )
    try:
        message.send(fail_silently=False)
    except OSError as error:
        notification_release(notification_id, claimed_at, error)
        if self.request.is_eager:
            # In-process (no broker): no Celery retry, which would escape the caller's
            # on-commit hook as celery.exceptions.Retry. The caller logs the OSError and the
            # sweep sends the message later.
            raise
        delay = get_exponential_backoff_interval(
            factor=RETRY_BACKOFF, retries=self.request.retries, maximum=600, full_jitter=True
        )
        raise self.retry(exc=error, countdown=delay) from error
    except Exception as error:
        notification_release(notification_id, claimed_at, error)
        raise
    notification_sent(notification_id)


@shared_task(name="notifications.flag_digest")
def flag_digest() -> None:
    """Periodic: each research office and agency officer gets one e-mail with the flags
    raised since their last digest."""
    sent = flag_digest_send()
    if sent:
        logger.info("Queued %d flag digests", sent)


@shared_task(name="notifications.deadline_reminders")
def deadline_reminders() -> None:
    """Periodic: remind researchers whose programme closes within 7 days (and 1 day) and
    whose declaration is not certified yet."""
    sent = deadline_reminders_send()
    if sent:
        logger.info("Queued %d deadline reminders", sent)


@shared_task(name="notifications.send_unsent")
def send_unsent() -> None:
    """Periodic: queue again every notification nobody is sending (its task was lost while
    the broker was down, ran out of retries, or died mid-way)."""
    for notification_id in unsent_notification_ids():
        try:
            send_notification.apply_async(kwargs={"notification_id": notification_id}, retry=False)
        except (OperationalError, ConnectionError):
            logger.exception("Broker unreachable; unsent notifications wait for the next sweep")
            return
        except OSError:
            # Only when tasks run in-process: that send failed and stays unsent.
            logger.warning("Notification %s not sent; it will be retried", notification_id)
