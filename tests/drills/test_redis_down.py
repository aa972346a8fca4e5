"""Fault drill: Redis is down when a researcher certifies.

The certification succeeds and is stored; once Redis is back, the sweep runs the lost
check on the real worker, exactly once in effect. The drill stops a private redis-server
of its own, so the rest of the suite keeps the machine's Redis.
"""

import logging
import shutil

import pytest
from django.db import connection
from django.urls import reverse

from checks.models import CheckRun, FilingCheck, Flag
from checks.tasks import sweep
from disclosures.models import DeclarationVersion
from tests.checks.builders import support_row
from tests.conftest import celery_worker, free_port, private_redis, use_broker, wait_for
from tests.disclosures.formdata import declaration_post
from tests.factories import PASSWORD, researcher, start_application

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="needs redis-server to run a private one"
)


@pytest.mark.django_db(transaction=True)
def test_certify_while_redis_is_down_then_the_sweep_recovers(client, settings, tmp_path, caplog):
    if connection.vendor != "postgresql":
        pytest.skip("the real worker needs PostgreSQL")
    from portal.celery import app

    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    user = researcher()
    client.force_login(user)
    application = start_application(user, effort_percent="30")
    draft = application.declaration.versions.get()
    overcommitted = declaration_post(
        draft.revision, sections={"support": [support_row(effort_percent="95")]}
    )
    assert (
        client.post(reverse("declaration_edit", args=[application.pk]), overcommitted).status_code
        == 302
    )
    draft.refresh_from_db()

    # Redis goes down: the broker at `broker` no longer answers.
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    saved_broker = app.conf.broker_url
    use_broker(app, broker)
    try:
        with caplog.at_level(logging.ERROR, logger="portal.queue"):
            response = client.post(
                reverse("declaration_review", args=[application.pk]),
                {
                    "agree": "on",
                    "signature": "Hanako Yamada",
                    "password": PASSWORD,
                    "revision": draft.revision,
                },
            )
    finally:
        app.conf.task_always_eager = eager
        use_broker(app, saved_broker)
    assert response.status_code == 302
    version = DeclarationVersion.objects.get(pk=draft.pk)
    assert version.is_certified  # stored, whatever the broker did
    assert "the sweep will catch up" in caplog.text
    assert not FilingCheck.objects.filter(version=version).exists()

    # Redis is back, with a real worker: the sweep finds the lost check and runs it.
    with (
        private_redis(port, tmp_path),
        celery_worker(
            broker_url=broker, media_root=settings.MEDIA_ROOT, log_path=tmp_path / "worker.log"
        ),
    ):
        sweep()
        wait_for(lambda: FilingCheck.objects.filter(version=version).exists(), timeout=60)
        wait_for(lambda: CheckRun.objects.filter(scope="sweep", status="finished").exists())
        sweep()  # a second sweep finds nothing left to do
    assert Flag.objects.filter(rule="over_commitment", version=version).count() == 1
    assert CheckRun.objects.filter(scope="sweep").count() == 1
