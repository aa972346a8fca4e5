"""When checks run: on certification, by the sweep, in chunked runs."""

import pytest
from django.core.management import call_command

from checks.models import CheckRun, FilingCheck, Flag
from checks.services import check_run_chunk_done, checks_start
from checks.tasks import check_chunk, sweep
from tests.checks.builders import certified_filing, list_snapshot, support_row
from tests.conftest import wait_for
from tests.factories import fill_draft, researcher, start_application


@pytest.mark.django_db
def test_certification_queues_the_check(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        version = certified_filing(
            sections={"support": [support_row(effort_percent="95")]}, effort_percent="30"
        )
    assert FilingCheck.objects.filter(version=version).exists()
    assert Flag.objects.filter(rule="over_commitment", version=version).exists()


@pytest.mark.django_db
def test_sweep_recovers_a_filing_whose_check_was_never_queued(django_capture_on_commit_callbacks):
    # Certified without running on-commit callbacks: as if the broker had been down.
    version = certified_filing(
        sections={"support": [support_row(effort_percent="95")]}, effort_percent="30"
    )
    assert not FilingCheck.objects.filter(version=version).exists()
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    assert FilingCheck.objects.filter(version=version).exists()
    assert Flag.objects.filter(rule="over_commitment", version=version).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        sweep()  # nothing left to recover
    assert CheckRun.objects.filter(scope="sweep").count() == 1


@pytest.mark.django_db
def test_a_redelivered_chunk_counts_once(django_capture_on_commit_callbacks):
    versions = [certified_filing() for _ in range(3)]
    run = checks_start(version_ids=[v.pk for v in versions], rules=[], scope="test", chunk_size=2)
    assert run.chunks_total == 2
    check_chunk(run_id=run.pk, index=0, version_ids=[versions[0].pk, versions[1].pk], rules=[])
    check_chunk(run_id=run.pk, index=0, version_ids=[versions[0].pk, versions[1].pk], rules=[])
    run.refresh_from_db()
    assert (run.done, run.status) == (2, CheckRun.Status.RUNNING)
    check_run_chunk_done(run_id=run.pk, index=1, filings=1)
    run.refresh_from_db()
    assert (run.done, run.status) == (3, CheckRun.Status.FINISHED)


def test_run_checks_command_with_the_real_worker(celery_worker_process, capsys):
    user = researcher()
    certified_filing(
        user, sections={"support": [support_row(effort_percent="95")]}, effort_percent="30"
    )
    fill_draft(start_application(researcher()).declaration.versions.get())
    call_command("run_checks", "--chunk-size", "1", "--timeout", "60")
    out = capsys.readouterr().out
    assert "checked 1 of 1 filings" in out
    assert "over_commitment" in out
    run = wait_for(lambda: CheckRun.objects.filter(status=CheckRun.Status.FINISHED).first())
    assert run.done == run.total == 1
    assert "checks.check_chunk" in celery_worker_process.log_path.read_text()


@pytest.mark.django_db
def test_loading_a_list_rescreens_existing_filings(django_capture_on_commit_callbacks, capsys):
    from tests.factories import section_rows

    partner = {
        **section_rows()["contracts"][0],
        "organisation_name": "Eastern Star Precision Optics Company Limited",
        "organisation_country": "CN",
    }
    version = certified_filing(sections={"contracts": [partner]})
    assert not Flag.objects.filter(rule="restricted_entity").exists()

    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "load_reference",
            "csl",
            "tests/fixtures/reference/csl_consolidated.csv",
            "--published-on",
            "2026-11-01",
        )
    flag = Flag.objects.get(rule="restricted_entity", version=version)
    assert flag.params["entity"] == "Eastern Star Precision Optics Co., Ltd."
    assert flag.evidence[0]["published_on"] == "2026-11-01"
    assert CheckRun.objects.filter(rules=["restricted_entity"]).exists()


def test_the_worker_prepares_the_list_index_before_forking(
    transactional_db, settings, tmp_path, capsys
):
    """The worker's main process builds the matcher once (its pool processes inherit it);
    a check on that worker then flags with it."""
    import os

    from django.db import connection

    from tests.conftest import celery_worker
    from tests.factories import section_rows

    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs DATABASE_URL (PostgreSQL) and REDIS_URL: the real worker")
    list_snapshot(
        entries=[("Eastern Star Precision Optics Co., Ltd.", [], "CN"), ("Acme Ltd.", [], "US")]
    )
    partner = {
        **section_rows()["contracts"][0],
        "organisation_name": "Eastern Star Precision Optics Company Limited",
    }
    version = certified_filing(sections={"contracts": [partner]})
    with celery_worker(
        broker_url=os.environ["REDIS_URL"],
        media_root=settings.MEDIA_ROOT,
        log_path=tmp_path / "worker.log",
    ) as worker:
        assert "List index prepared: 2 listed entries" in worker.log_path.read_text()
        call_command("run_checks", "--timeout", "60")
    flag = Flag.objects.get(rule="restricted_entity", version=version)
    assert flag.params["entity"] == "Eastern Star Precision Optics Co., Ltd."
