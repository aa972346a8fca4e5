from celery import shared_task
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification


@shared_task(name="notifications.send", autoretry_for=(OSError,), retry_backoff=30,
             max_retries=5)
def send_notification(*, notification_id: int) -> None:
    """Send one notification. The conditional update claims it, so a retried or duplicated
    task does not send it twice."""
    claimed = Notification.objects.filter(pk=notification_id, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    if not claimed:
        return
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        send_mail(notification.subject, notification.body, None, [notification.recipient.email])
    except OSError:
        Notification.objects.filter(pk=notification_id).update(sent_at=None)
        raise
