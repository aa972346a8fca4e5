import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _database_url(settings_dict) -> str:
    user = quote(settings_dict["USER"] or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def server_environment(media_root) -> dict:
    """The environment of a process of ours (worker, web server) that reads the test
    database and uploads."""
    from django.db import connection

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "DJANGO_MEDIA_ROOT": str(media_root),
    }


@contextlib.contextmanager
def celery_worker(*, broker_url: str, media_root, log_path: Path):
    """A real Celery worker process on ``broker_url``, reading the test database, on a
    queue of its own (so no other worker on that broker takes its tasks). The test
    process sends to the same broker and queue while it runs."""
    from portal.celery import app

    queue = f"test-{uuid.uuid4().hex[:10]}"
    env = {**server_environment(media_root), "REDIS_URL": broker_url, "CELERY_QUEUE": queue}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own worker command
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                queue,
                "--pool=prefork",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                "--hostname",
                f"{queue}@%h",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while b" ready." not in log_path.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("the Celery worker did not start:\n" + log_path.read_text())
        time.sleep(0.2)
    saved = (app.conf.task_always_eager, app.conf.task_default_queue, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    use_broker(app, broker_url)
    process.log_path = log_path
    try:
        yield process
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = saved[0], saved[1]
        use_broker(app, saved[2])
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def use_broker(app, broker_url: str) -> None:
    """Point the test process's producer at another broker (drop pooled connections)."""
    from kombu import pools

    app.conf.broker_url = broker_url
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()  # kombu keeps producer pools per connection in a registry of its own


@pytest.fixture
def celery_worker_process(transactional_db, settings, tmp_path):
    """A real Celery worker on the machine's Redis (REDIS_URL). Needs PostgreSQL (the
    worker process cannot see pytest's in-memory SQLite); `make test` in CI has both."""
    from django.db import connection

    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs DATABASE_URL (PostgreSQL) and REDIS_URL: the real worker")
    with celery_worker(
        broker_url=os.environ["REDIS_URL"],
        media_root=settings.MEDIA_ROOT,
        log_path=tmp_path / "worker.log",
    ) as process:
        yield process


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def private_redis(port: int, data_dir: Path):
    """A redis-server of the test's own on a spare loopback port, for drills that stop it
    (the machine's Redis keeps serving everyone else)."""
    process = subprocess.Popen(  # noqa: S603, S607 - the machine's redis-server
        [
            shutil.which("redis-server") or "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(data_dir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("private redis-server did not start")
            time.sleep(0.05)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for(condition, timeout=30.0, interval=0.2):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")
