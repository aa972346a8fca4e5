"""A PostgreSQL cluster of a drill's own, on a spare loopback port, so stopping it does not
disturb the machine's PostgreSQL that the rest of the suite uses."""

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _as_postgres(args: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; drop to the postgres user when we are root.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


class Cluster:
    def __init__(self, data_dir: Path, port: int):
        self.data_dir, self.port = data_dir, port
        self.log = data_dir.parent / "postgres.log"

    def _ctl(self, *args: str) -> None:
        subprocess.run(  # noqa: S603
            _as_postgres(
                [
                    _bin("pg_ctl"),
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log),
                    "-w",
                    "-o",
                    f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1",
                    *args,
                ]
            ),
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


@contextlib.contextmanager
def private_cluster(port: int):
    if not _bin("initdb"):
        pytest.skip("needs PostgreSQL's initdb")
    # Not under pytest's tmp_path: its parents are private to root, and the cluster runs
    # as the postgres user.
    base = Path(tempfile.mkdtemp(prefix="portal-drill-pg-"))
    data = base / "data"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    subprocess.run(  # noqa: S603
        _as_postgres(
            [_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync"]
        ),
        check=True,
        capture_output=True,
    )
    cluster = Cluster(data, port)
    cluster.start()
    try:
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.stop()
        shutil.rmtree(base, ignore_errors=True)
