"""Fault drill: the worker process running a check is killed (SIGKILL) mid-task.

With late acknowledgement and reject-on-worker-lost, the broker redelivers the task; it
completes and the flags are the same as an undisturbed run's, with no duplicates.
"""

import os
import re
import signal
import subprocess
import time

from checks.models import CheckRun, Flag
from checks.services import checks_start
from tests.checks.builders import certified_filing, support_row
from tests.conftest import wait_for

FILINGS = 40


def _pool_children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)  # noqa: S603, S607
    return [int(p) for p in out.stdout.split()]


def test_a_check_killed_midway_is_redelivered_and_completes_once(celery_worker_process):
    from portal.celery import app

    # Certify in-process, so the worker's only task is the check chunk we kill.
    app.conf.task_always_eager = True
    try:
        versions = [
            certified_filing(
                sections={"support": [support_row(effort_percent="95")]}, effort_percent="30"
            )
            for _ in range(FILINGS)
        ]
    finally:
        app.conf.task_always_eager = False
    Flag.objects.all().delete()  # the in-process checks' flags: the drill makes its own
    log = celery_worker_process.log_path

    run = checks_start(
        version_ids=[v.pk for v in versions], rules=[], scope="drill", chunk_size=FILINGS
    )
    wait_for(
        lambda: b"checks.check_chunk" in log.read_bytes() and b"received" in log.read_bytes(),
        timeout=30,
        interval=0.01,
    )
    [child] = _pool_children(celery_worker_process.pid)
    os.kill(child, signal.SIGKILL)
    killed_at = time.monotonic()

    wait_for(
        lambda: CheckRun.objects.get(pk=run.pk).status == CheckRun.Status.FINISHED, timeout=120
    )
    text = log.read_text()
    assert "raised error: WorkerLostError" in text, text[-3000:]
    [task_id] = set(re.findall(r"checks\.check_chunk\[([0-9a-f-]+)\] received", text))
    assert text.count(f"checks.check_chunk[{task_id}] received") == 2  # redelivered
    assert text.count(f"checks.check_chunk[{task_id}] succeeded") == 1
    assert time.monotonic() - killed_at < 120
    run.refresh_from_db()
    assert (run.done, run.total, run.chunks_done) == (FILINGS, FILINGS, 1)
    flags = Flag.objects.filter(rule="over_commitment")
    assert flags.count() == FILINGS
    assert set(flags.values_list("version_id", flat=True)) == {v.pk for v in versions}
