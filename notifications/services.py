"""Notifications: one e-mail per event and recipient, in the recipient's language."""

import datetime
import logging
import re
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import FlagDigestEntry, Notification

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
# A digest lists at most this many applications under each rule (the counts are complete).
DIGEST_APPLICATIONS_PER_RULE = 25
# Reminders before a programme's deadline, tightest first: (days left at most, key suffix).
DEADLINE_THRESHOLDS = ((1, "1d"), (7, "7d"))
# How long a sending task holds a notification before another may take it over: longer
# than the task time limit, so a task still running is never doubled.
SENDING_LEASE = datetime.timedelta(minutes=15)
# The sweep gives up on a notification after this many attempts (it stays in the admin).
MAX_ATTEMPTS = 20

_BLANK_LINES = re.compile(r"\n{3,}")


def absolute_url(viewname: str, *args) -> str:
    """A link for an e-mail: ``settings.PORTAL_BASE_URL`` and the view's path."""
    base = getattr(settings, "PORTAL_BASE_URL", DEFAULT_BASE_URL) or DEFAULT_BASE_URL
    return base.rstrip("/") + reverse(viewname, args=args)


def _tidy_body(text: str) -> str:
    """Template tags leave blank lines and trailing spaces; keep paragraphs apart by one
    blank line."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip() + "\n"


def recipient_name(user, language: str) -> str:
    """How to address someone: their name as a researcher (in kanji for Japanese, when
    given), else their account's full name, else their user name."""
    profile = getattr(user, "researcher_profile", None)
    if profile is not None:
        if language == "ja" and profile.name_kanji:
            return profile.name_kanji
        if profile.name_latin:
            return profile.name_latin
    return user.get_full_name() or user.username


def notify(*, recipients, kind: str, key: str, context: dict) -> list[Notification]:
    """Queue an e-mail of ``kind`` to each recipient, once per (recipient, key).

    Subject and body come from templates/notifications/<kind>_subject.txt and _body.txt,
    rendered in each recipient's language. The subject is collapsed to one line (no header
    injection from user text). Sending happens in a task after commit.
    """
    from portal.queue import enqueue_on_commit

    from .tasks import send_notification

    created = []
    for recipient in recipients:
        if not recipient.email:
            continue
        language = recipient.language or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                **context,
                "recipient": recipient,
                "recipient_name": recipient_name(recipient, language),
            }
            subject = " ".join(
                render_to_string(f"notifications/{kind}_subject.txt", context).split()
            )
            body = _tidy_body(render_to_string(f"notifications/{kind}_body.txt", context))
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient,
                    key=key[:200],
                    kind=kind,
                    language=language,
                    subject=subject[:300],
                    body=body,
                )
        except IntegrityError:
            continue  # already notified of this event
        enqueue_on_commit(send_notification, notification_id=notification.pk)
        created.append(notification)
    return created


# Sending ----------------------------------------------------------------------------------


def notification_claim(notification_id: int) -> datetime.datetime | None:
    """Take the sending lease of an unsent notification; None if it was sent already or
    another task holds a lease that has not expired."""
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, sent_at__isnull=True)
        .filter(Q(sending_since__isnull=True) | Q(sending_since__lt=now - SENDING_LEASE))
        .update(sending_since=now, attempts=F("attempts") + 1)
    )
    return now if claimed else None


def notification_sent(notification_id: int) -> None:
    Notification.objects.filter(pk=notification_id, sent_at__isnull=True).update(
        sent_at=timezone.now(), sending_since=None, last_error=""
    )


def notification_release(notification_id: int, claimed_at, error: BaseException) -> None:
    """Give the lease back after a failed attempt, so that the retry (or the sweep) may
    send it; the message stays unsent, never lost."""
    Notification.objects.filter(
        pk=notification_id, sent_at__isnull=True, sending_since=claimed_at
    ).update(sending_since=None, last_error=f"{type(error).__name__}: {error}"[:2000])


def unsent_notification_ids(limit: int = 500) -> list[int]:
    """Notifications nobody is sending: their task was lost (broker down), gave up after
    its retries, or died mid-way (its lease has expired)."""
    now = timezone.now()
    return list(
        Notification.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(sending_since__isnull=True) | Q(sending_since__lt=now - SENDING_LEASE))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


# Flag digest ------------------------------------------------------------------------------


def digest_recipients():
    """Research office staff and agency officers who may have flags to hear about: active,
    with an e-mail address, of an institution or agency with an open flag."""
    from accounts.models import User
    from checks.models import Flag

    open_flags = Flag.objects.filter(status=Flag.Status.OPEN)
    institutions = open_flags.values("application__institution_id")
    agencies = open_flags.values("application__programme__agency_id")
    return (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(role=User.Role.RESEARCH_OFFICE, institution_id__in=institutions)
            | Q(role=User.Role.AGENCY_OFFICER, agency_id__in=agencies)
        )
        .order_by("pk")
    )


def undigested_flags(recipient):
    """Open flags the recipient may see that no digest to them has listed yet."""
    from checks.models import Flag
    from checks.selectors import flags_visible_to

    listed = FlagDigestEntry.objects.filter(recipient=recipient, flag=OuterRef("pk"))
    return flags_visible_to(recipient).filter(status=Flag.Status.OPEN).exclude(Exists(listed))


def _digest_groups(flags) -> list[dict]:
    """Flags grouped by rule (most severe first), each with its applications and links."""
    from checks.models import Flag
    from checks.rules import RULES

    rank = {Flag.Severity.HIGH: 0, Flag.Severity.MEDIUM: 1, Flag.Severity.LOW: 2}
    labels = dict(Flag.Severity.choices)
    by_rule: dict[str, list] = defaultdict(list)
    for flag in flags:
        by_rule[flag.rule].append(flag)
    groups = []
    for code, rule_flags in by_rule.items():
        per_application: dict[int, list] = defaultdict(list)
        for flag in rule_flags:
            per_application[flag.application_id].append(flag)
        applications = [
            {
                "application": group[0].application,
                "count": len(group),
                "url": absolute_url("application_detail", application_id) + "#h-flags",
            }
            for application_id, group in sorted(per_application.items())
        ]
        rule = RULES.get(code)
        severity = min((flag.severity for flag in rule_flags), key=lambda s: rank.get(s, 3))
        groups.append(
            {
                "code": code,
                # Lazy texts: rendered in the recipient's language by notify().
                "title": rule.title if rule else code,
                "severity": labels.get(severity, severity),
                "severity_rank": rank.get(severity, 3),
                "count": len(rule_flags),
                "applications": applications[:DIGEST_APPLICATIONS_PER_RULE],
                "more_applications": max(0, len(applications) - DIGEST_APPLICATIONS_PER_RULE),
            }
        )
    groups.sort(key=lambda g: (g["severity_rank"], -g["count"], g["code"]))
    return groups


def flag_digest_send_one(recipient) -> Notification | None:
    """One digest to one recipient of every open flag not listed to them before; nothing if
    there is none. Concurrent runs for the same recipient are serialised on their row."""
    from accounts.models import User

    with transaction.atomic():
        User.objects.select_for_update().filter(pk=recipient.pk).values_list("pk").first()
        flags = list(
            undigested_flags(recipient)
            .select_related("application__programme__agency", "application__institution")
            .order_by("pk")
        )
        if not flags:
            return None
        key = f"flag_digest:{flags[-1].pk}"
        context = {
            "flags_total": len(flags),
            "groups": _digest_groups(flags),
            "applications_url": absolute_url("application_list"),
        }
        created = notify(recipients=[recipient], kind="flag_digest", key=key, context=context)
        if not created:
            # Cannot happen while entries and notifications stay together; never mark flags
            # as told without the e-mail that tells them.
            logger.warning(
                "Digest %s to user %s exists already; flags not marked", key, recipient.pk
            )
            return None
        FlagDigestEntry.objects.bulk_create(
            [
                FlagDigestEntry(recipient=recipient, flag=flag, notification=created[0])
                for flag in flags
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
    return created[0]


def flag_digest_send() -> int:
    """Send each research office and agency officer one e-mail listing the flags raised
    since their last digest. Returns how many digests were queued; a re-run sends nothing."""
    sent = 0
    for recipient in list(digest_recipients()):
        if flag_digest_send_one(recipient) is not None:
            sent += 1
    return sent


# Deadline reminders -----------------------------------------------------------------------


def applications_due(today: datetime.date):
    """Applications to a programme closing within the widest threshold (today included)
    that still have no certified declaration."""
    from disclosures.models import DeclarationVersion
    from funding.models import Application

    widest = max(days for days, _suffix in DEADLINE_THRESHOLDS)
    certified = DeclarationVersion.objects.filter(
        declaration__application=OuterRef("pk"), status=DeclarationVersion.Status.CERTIFIED
    )
    return (
        Application.objects.filter(
            programme__declaration_required=True,
            programme__closes_on__gte=today,
            programme__closes_on__lte=today + datetime.timedelta(days=widest),
            researcher__is_active=True,
        )
        .exclude(Exists(certified))
        .select_related("programme__agency", "researcher")
        .order_by("pk")
    )


def deadline_reminders_send(today: datetime.date | None = None) -> int:
    """Remind researchers to certify before their programme closes: once when 7 days or
    fewer are left, once more at 1 day or fewer. Only the tightest threshold reached is
    sent (no 7-day reminder the day before). Returns how many reminders were queued."""
    today = today or timezone.localdate()
    sent = 0
    for application in list(applications_due(today)):
        days_left = (application.programme.closes_on - today).days
        suffix = next(s for days, s in DEADLINE_THRESHOLDS if days_left <= days)
        created = notify(
            recipients=[application.researcher],
            kind="deadline_reminder",
            key=f"deadline:{application.pk}:{suffix}",
            context={
                "application": application,
                "programme": application.programme,
                "days_left": days_left,
                "declaration_url": absolute_url("declaration_edit", application.pk),
                "application_url": absolute_url("application_detail", application.pk),
            },
        )
        sent += len(created)
    return sent
