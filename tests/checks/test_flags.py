"""Flags: never duplicated, resolved (not deleted) when their cause goes, people's
decisions kept."""

import pytest

from checks.engine import check_versions
from checks.models import Flag
from checks.services import flags_set_status
from disclosures.services import declaration_amend
from portal.exceptions import ServiceError
from tests.checks.builders import overcommitted_filing, support_row
from tests.factories import certify, fill_draft

pytestmark = pytest.mark.django_db


def test_rerunning_creates_no_duplicates():
    version = overcommitted_filing()
    check_versions([version.pk])
    first = list(Flag.objects.values_list("pk", "rule", "subject"))
    check_versions([version.pk])
    check_versions([version.pk])
    assert list(Flag.objects.values_list("pk", "rule", "subject")) == first
    assert Flag.objects.filter(rule="over_commitment").count() == 1


def test_amending_away_the_cause_resolves_the_old_flag():
    version = overcommitted_filing()
    check_versions([version.pk])
    old = Flag.objects.get(rule="over_commitment")

    user = version.declaration.application.researcher
    draft = declaration_amend(declaration=version.declaration, user=user)
    fixed = certify(fill_draft(draft, support=[support_row(effort_percent="40")]))
    check_versions([fixed.pk])

    old.refresh_from_db()
    assert old.status == Flag.Status.RESOLVED
    assert "Superseded" in old.status_reason
    assert not Flag.objects.filter(rule="over_commitment", version=fixed).exists()
    assert Flag.objects.filter(pk=old.pk).exists()  # resolved, never deleted


def test_a_dismissed_flag_stays_dismissed_on_rerun():
    version = overcommitted_filing()
    check_versions([version.pk])
    flag = Flag.objects.get(rule="over_commitment")
    with pytest.raises(ServiceError):
        flags_set_status(flags=[flag], status=Flag.Status.DISMISSED, reason=" ")
    flags_set_status(flags=[flag], status=Flag.Status.DISMISSED, reason="Effort is nominal.")
    check_versions([version.pk])
    flag.refresh_from_db()
    assert flag.status == Flag.Status.DISMISSED
    assert flag.status_reason == "Effort is nominal."


def test_confirmed_flags_cannot_be_reopened_by_the_machine():
    version = overcommitted_filing()
    check_versions([version.pk])
    flag = Flag.objects.get(rule="over_commitment")
    flags_set_status(flags=[flag], status=Flag.Status.CONFIRMED, reason="Finding 12")
    assert flags_set_status(flags=[flag], status=Flag.Status.RESOLVED) == 0
    flag.refresh_from_db()
    assert flag.status == Flag.Status.CONFIRMED


def test_sync_rewrites_only_what_changed_and_reopens_what_is_found_again():
    from checks.rules import Finding
    from checks.services import flags_sync

    version = overcommitted_filing()
    application_id = version.declaration.application_id

    def sync(findings):
        return flags_sync(results=[(application_id, version.pk, "over_commitment", findings)])

    evidence = [{"type": "support", "keys": ("a", "b"), "percent": 120.5}]
    sync([Finding(subject="total", params={"total": 120.5}, evidence=evidence, score=120.5)])
    flag = Flag.objects.get(rule="over_commitment", subject="total")
    seen = flag.last_seen_at
    # Found again as it was (tuples read back as lists): only last_seen_at moves.
    sync([Finding(subject="total", params={"total": 120.5}, evidence=evidence, score=120.5)])
    flag.refresh_from_db()
    assert flag.last_seen_at > seen
    assert flag.evidence == [{"type": "support", "keys": ["a", "b"], "percent": 120.5}]
    # Found with other evidence and score: rewritten.
    sync([Finding(subject="total", params={"total": 130}, evidence=[{"x": 1}], score=130.0)])
    flag.refresh_from_db()
    assert (flag.params, flag.evidence, flag.score) == ({"total": 130}, [{"x": 1}], 130.0)
    # Not found: resolved; found again: reopened, with what was found.
    assert sync([])["resolved"] == 1
    counts = sync([Finding(subject="total", params={"total": 140}, evidence=[], score=140.0)])
    flag.refresh_from_db()
    assert counts["reopened"] == 1
    assert (flag.status, flag.params) == (Flag.Status.OPEN, {"total": 140})
    assert Flag.objects.filter(rule="over_commitment").count() == 1
