from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An e-mail to one person. ``key`` makes it unique per event and recipient, so that a
    retried task never sends the same message twice.

    Sending: ``sending_since`` is a lease taken by the task that sends it (another task
    leaves it alone until the lease expires); ``sent_at`` is set once the mail server has
    accepted the message, never before.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=200)
    kind = models.CharField(_("kind"), max_length=40)
    language = models.CharField(max_length=8)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(auto_now_add=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once"),
        ]
        indexes = [
            # What the sweep looks for: the few not sent yet.
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="notification_unsent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient}"


class FlagDigestEntry(models.Model):
    """That a flag has been listed in a digest to this recipient: each flag goes into one
    digest per recipient. Recorded per flag, not as a "last flag id" cursor, because flags
    are created by concurrent check transactions that commit out of id order."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    flag = models.ForeignKey("checks.Flag", on_delete=models.CASCADE, related_name="+")
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="digest_entries"
    )

    class Meta:
        verbose_name = _("flag digest entry")
        verbose_name_plural = _("flag digest entries")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "flag"], name="flag_digested_once"),
        ]

    def __str__(self) -> str:
        return f"flag {self.flag_id} to {self.recipient_id}"
