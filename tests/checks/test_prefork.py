"""The web server shares the list matcher: gunicorn's arbiter builds it before forking."""

import subprocess
import sys
import time
import urllib.request

import pytest

from checks.models import Snapshot
from tests.checks.builders import list_snapshot
from tests.conftest import BASE_DIR, free_port, server_environment
from tests.factories import OfficeUserFactory


def test_gunicorn_builds_the_list_index_before_forking_its_workers(
    transactional_db, client, settings, tmp_path
):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL (PostgreSQL): gunicorn is another process")
    list_snapshot(
        kind=Snapshot.Kind.METI_EUL,
        entries=[("Hikari Trading Co., Ltd.", ["ひかり貿易株式会社"], "JP")],
    )
    client.force_login(OfficeUserFactory())
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    # Signed in directly, as the other tests do: no two-factor step.
    env = {**server_environment(settings.MEDIA_ROOT), "TWO_FACTOR_REQUIRED": "false"}
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "2"]
    with open(log_path, "wb") as log:
        # The working directory holds gunicorn.conf.py, read as in the Dockerfile.
        server = subprocess.Popen(  # noqa: S603 - our own server command
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while log_path.read_text().count("Booting worker") < 2:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("gunicorn did not start:\n" + log_path.read_text())
            time.sleep(0.2)
        started = log_path.read_text()
        prepared = started.index("List index prepared: 1 listed entries")
        assert prepared < started.index("Booting worker")

        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/screen/?name=HIKARI+TRADING+K.K.&country=JP",
            headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local
            html = response.read().decode()
        assert "Hikari Trading Co., Ltd." in html and "METI End User List" in html
    finally:
        server.terminate()
        server.wait(timeout=20)
