"""One e-mail per reviewer with the flags raised since their last digest."""

import threading

import pytest
from django.db import connection, connections
from django.utils import translation

from checks.models import Flag
from checks.rules import RULES
from notifications.models import FlagDigestEntry, Notification
from notifications.services import flag_digest_send
from notifications.tasks import flag_digest
from tests.factories import (
    AdministratorFactory,
    AgencyFactory,
    InstitutionFactory,
    OfficerFactory,
    OfficeUserFactory,
    ProgrammeFactory,
    researcher,
    start_application,
)

from .conftest import BASE_URL, mails_to, raise_flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two institutions, two agencies. ``mine`` goes through institution A to agency X,
    ``theirs`` through institution B to agency X."""
    a, b, c = InstitutionFactory(), InstitutionFactory(), InstitutionFactory()
    x, y = AgencyFactory(), AgencyFactory()
    mine = start_application(researcher(a), programme=ProgrammeFactory(agency=x), title="Mine")
    mine2 = start_application(researcher(a), programme=ProgrammeFactory(agency=x), title="Mine 2")
    theirs = start_application(researcher(b), programme=ProgrammeFactory(agency=x), title="Theirs")
    return {
        "mine": mine,
        "mine2": mine2,
        "theirs": theirs,
        "office_a": OfficeUserFactory(institution=a),
        "office_a_ja": OfficeUserFactory(institution=a, language="ja"),
        "office_b": OfficeUserFactory(institution=b),
        "office_c": OfficeUserFactory(institution=c),
        "officer_x": OfficerFactory(agency=x),
        "officer_y": OfficerFactory(agency=y),
        "inactive": OfficeUserFactory(institution=a, is_active=False),
        "no_address": OfficeUserFactory(institution=a, email=""),
        "admin": AdministratorFactory(),
    }


def run_digest(send_on_commit):
    with send_on_commit():
        flag_digest()


def test_one_mail_per_recipient_batches_every_flag_grouped_by_rule(
    world, mailoutbox, send_on_commit
):
    for _ in range(2):
        raise_flag(world["mine"], "restricted_entity")
    raise_flag(world["mine2"], "restricted_entity")
    raise_flag(world["mine"], "over_commitment")
    raise_flag(world["mine2"], "over_commitment")
    raise_flag(world["theirs"], "duplicate_funding")
    raise_flag(world["mine"], "duplicate_funding", status=Flag.Status.DISMISSED)
    run_digest(send_on_commit)

    # Institution A's offices: the 5 open flags of A's applications, in one mail each.
    for office in (world["office_a"], world["office_a_ja"]):
        [message] = mails_to(mailoutbox, office)
        with translation.override(office.language):
            restricted = f"{RULES['restricted_entity'].title} ({Flag.Severity.HIGH.label}): "
            over = f"{RULES['over_commitment'].title} ({Flag.Severity.MEDIUM.label}): "
        body = message.body
        assert restricted in body and over in body
        assert body.index(restricted) < body.index(over)
        assert f"- Mine ({world['mine'].programme.code}) ×2: " in body
        assert f"{BASE_URL}/applications/{world['mine'].pk}/#h-flags" in body
        assert f"{BASE_URL}/applications/{world['mine2'].pk}/#h-flags" in body
        assert "Theirs" not in body
        assert "Duplicate funding" not in body  # theirs, or dismissed
    # Institution B's office: its one flag. Agency X's officer: all six open flags.
    [message] = mails_to(mailoutbox, world["office_b"])
    assert message.subject == "One new cross-check flag"
    assert "Duplicate funding (Medium): 1 flag" in message.body
    assert "Mine" not in message.body
    [message] = mails_to(mailoutbox, world["officer_x"])
    assert message.subject == "6 new cross-check flags"
    # Nobody else: other institutions and agencies, the inactive, no address, admins.
    assert len(mailoutbox) == 4
    languages = dict(Notification.objects.values_list("recipient__username", "language"))
    assert languages[world["office_a_ja"].username] == "ja"
    assert languages[world["office_a"].username] == "en"
    [message] = mails_to(mailoutbox, world["office_a"])
    assert message.subject == "5 new cross-check flags"
    assert "Restricted entity (High): 3 flags" in message.body
    assert "Over-commitment (Medium): 2 flags" in message.body
    # Rendered in Japanese: the severity comes from the Japanese catalogue.
    [message] = mails_to(mailoutbox, world["office_a_ja"])
    assert "Restricted entity (High)" not in message.body


def test_a_rerun_sends_nothing_and_a_later_flag_goes_into_the_next_digest(
    world, mailoutbox, send_on_commit
):
    first = [raise_flag(world["mine"]) for _ in range(3)]
    run_digest(send_on_commit)
    assert len(mailoutbox) == 3  # office A (two people) and officer X
    run_digest(send_on_commit)
    assert len(mailoutbox) == 3

    later = raise_flag(world["mine2"], "over_commitment")
    run_digest(send_on_commit)
    assert len(mailoutbox) == 6
    [_, message] = mails_to(mailoutbox, world["office_a"])
    assert message.subject == "One new cross-check flag"
    assert "Over-commitment (Medium): 1 flag" in message.body
    assert "Restricted entity" not in message.body
    assert mails_to(mailoutbox, world["office_b"]) == []
    keys = set(
        Notification.objects.filter(recipient=world["office_a"]).values_list("key", flat=True)
    )
    assert keys == {f"flag_digest:{first[-1].pk}", f"flag_digest:{later.pk}"}
    assert FlagDigestEntry.objects.filter(recipient=world["office_a"]).count() == 4


def test_a_flag_below_what_a_digest_covered_still_goes_into_the_next_one(
    world, mailoutbox, send_on_commit
):
    # A flag with a lower id that becomes visible only later (re-opened here; likewise a
    # flag whose check transaction commits after a later one's) is not skipped.
    early = raise_flag(world["mine"], status=Flag.Status.DISMISSED)
    raise_flag(world["mine"])
    run_digest(send_on_commit)
    Flag.objects.filter(pk=early.pk).update(status=Flag.Status.OPEN)
    run_digest(send_on_commit)
    [_, message] = mails_to(mailoutbox, world["officer_x"])
    assert message.subject == "One new cross-check flag"
    assert FlagDigestEntry.objects.filter(recipient=world["officer_x"], flag=early).exists()


def test_many_applications_under_one_rule_are_counted_and_the_list_is_cut(
    world, mailoutbox, send_on_commit, monkeypatch
):
    monkeypatch.setattr("notifications.services.DIGEST_APPLICATIONS_PER_RULE", 1)
    raise_flag(world["mine"])
    raise_flag(world["mine2"])
    run_digest(send_on_commit)
    [message] = mails_to(mailoutbox, world["office_a"])
    assert "Restricted entity (High): 2 flags" in message.body
    assert "… and one more application" in message.body
    assert f"{BASE_URL}/applications/" in message.body


def test_nothing_to_report_sends_nothing(world, mailoutbox, send_on_commit):
    raise_flag(world["mine"], status=Flag.Status.RESOLVED)
    run_digest(send_on_commit)
    assert mailoutbox == []
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_one_digest_per_recipient(world, mailoutbox):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks between two connections")
    for _ in range(3):
        raise_flag(world["mine"])
    barrier, errors = threading.Barrier(2), []

    def run():
        try:
            barrier.wait(timeout=10)
            flag_digest_send()
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(mails_to(mailoutbox, world["office_a"])) == 1
    assert len(mails_to(mailoutbox, world["officer_x"])) == 1
    assert Notification.objects.filter(kind="flag_digest").count() == 3
