"""Fault drill: PostgreSQL restarts between two requests. The next request succeeds,
because kept connections are health-checked before reuse (CONN_HEALTH_CHECKS)."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import psycopg
import pytest

from tests.conftest import BASE_DIR, free_port
from tests.drills.pg_cluster import private_cluster

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="drill runs on Linux")


def _opener():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def _wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 - loopback only
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer")


def test_requests_succeed_after_postgresql_restarts(tmp_path):
    with private_cluster(free_port()) as cluster:
        with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE drill")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": cluster.url("drill"),
            "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
            "DJANGO_SUPERUSER_PASSWORD": "drill-password-2026",
            "DJANGO_DEBUG": "false",
            # The drill is about the database, not the second factor.
            "TWO_FACTOR_REQUIRED": "false",
        }
        env.pop("REDIS_URL", None)
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)  # noqa: S603
        subprocess.run(
            [
                *manage,
                "createsuperuser",
                "--noinput",
                "--username",
                "drill",  # noqa: S603
                "--email",
                "drill@example.org",
            ],
            cwd=BASE_DIR,
            env=env,
            check=True,
        )
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_http(base + "/accounts/login/")
            opener, jar = _opener()
            page = opener.open(base + "/accounts/login/").read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            form = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "username": "drill",
                    "password": "drill-password-2026",
                }
            ).encode()
            request = urllib.request.Request(
                base + "/accounts/login/", data=form, headers={"Referer": base + "/accounts/login/"}
            )
            assert opener.open(request).geturl() == base + "/"  # signed in, at home
            assert opener.open(base + "/applications/").status == 200  # a kept connection

            cluster.restart()  # every open connection to PostgreSQL is now dead

            response = opener.open(base + "/applications/")
            assert response.status == 200
            assert "Applications" in response.read().decode()
        finally:
            server.terminate()
            server.wait(timeout=20)
