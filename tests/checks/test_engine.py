"""The engine's handling of the process it runs in."""

import gc

import pytest

from checks.engine import check_versions
from checks.models import Flag
from checks.rules import RULES
from tests.checks.builders import certified_filing, support_row

pytestmark = pytest.mark.django_db


def overcommitted():
    return certified_filing(
        sections={"support": [support_row(effort_percent="90")]}, effort_percent="30"
    )


def test_a_chunk_runs_with_the_cycle_collector_paused_and_restores_it(monkeypatch):
    version = overcommitted()
    rule = RULES["over_commitment"]
    evaluate = rule.evaluate
    collector_enabled_during = []

    def observed(context):
        collector_enabled_during.append(gc.isenabled())
        return evaluate(context)

    monkeypatch.setattr(rule, "evaluate", observed)
    check_versions([version.pk])
    assert collector_enabled_during == [False]
    assert gc.isenabled()
    assert Flag.objects.filter(rule="over_commitment").count() == 1


def test_a_failing_chunk_still_restores_the_collector(monkeypatch):
    version = overcommitted()

    def broken(context):
        raise RuntimeError("rule failed")

    monkeypatch.setattr(RULES["over_commitment"], "evaluate", broken)
    with pytest.raises(RuntimeError):
        check_versions([version.pk])
    assert gc.isenabled()


def test_a_caller_that_disabled_the_collector_keeps_it_disabled():
    version = overcommitted()
    gc.disable()
    try:
        check_versions([version.pk])
        assert not gc.isenabled()
    finally:
        gc.enable()
