"""Notifications: one e-mail per event and recipient, in the recipient's language."""

import logging

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from .models import Notification

logger = logging.getLogger(__name__)


def notify(*, recipients, kind: str, key: str, context: dict) -> list[Notification]:
    """Queue an e-mail of ``kind`` to each recipient, once per (recipient, key).

    Subject and body come from templates/notifications/<kind>_subject.txt and _body.txt,
    rendered in each recipient's language. Sending happens in a task after commit.
    """
    from portal.queue import enqueue_on_commit

    from .tasks import send_notification

    created = []
    for recipient in recipients:
        if not recipient.email:
            continue
        language = recipient.language or "en"
        with translation.override(language):
            context = {**context, "recipient": recipient}
            subject = " ".join(
                render_to_string(f"notifications/{kind}_subject.txt", context).split()
            )
            body = render_to_string(f"notifications/{kind}_body.txt", context)
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient, key=key[:200], kind=kind, language=language,
                    subject=subject[:300], body=body,
                )
        except IntegrityError:
            continue  # already notified of this event
        enqueue_on_commit(send_notification, notification_id=notification.pk)
        created.append(notification)
    return created
