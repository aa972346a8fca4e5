"""The engine's handling of the process it runs in."""

import gc
import threading

import pytest

from checks.engine import _cyclic_gc_paused, check_versions
from checks.models import Flag
from checks.rules import RULES
from tests.checks.builders import overcommitted_filing

pytestmark = pytest.mark.django_db


def test_a_chunk_runs_with_the_cycle_collector_paused_and_restores_it(monkeypatch):
    version = overcommitted_filing()
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
    version = overcommitted_filing()

    def broken(context):
        raise RuntimeError("rule failed")

    monkeypatch.setattr(RULES["over_commitment"], "evaluate", broken)
    with pytest.raises(RuntimeError):
        check_versions([version.pk])
    assert gc.isenabled()


def test_a_caller_that_disabled_the_collector_keeps_it_disabled():
    version = overcommitted_filing()
    gc.disable()
    try:
        check_versions([version.pk])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_threads_overlapping_in_the_engine_leave_the_collector_running():
    # The collector stays paused while any thread is inside, and runs again once the last
    # one leaves, whichever entered first.
    inside, release = threading.Event(), threading.Event()

    def first_check():
        with _cyclic_gc_paused():
            inside.set()
            release.wait(10)

    first = threading.Thread(target=first_check)
    first.start()
    assert inside.wait(10)
    with _cyclic_gc_paused():
        release.set()
        first.join(10)
        assert not first.is_alive()
        assert not gc.isenabled()  # this thread is still checking
    assert gc.isenabled()
