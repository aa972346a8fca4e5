"""Backup and restore of the database and the uploaded documents, as one archive.

An archive is a tar file holding ``manifest.json`` (what, when, from which database
engine, the SHA-256 of every member), the database dump (``pg_dump -Fc`` for PostgreSQL, a
consistent copy for SQLite) and ``media/`` (contracts and certified PDFs).
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connections

FORMAT = 1


class BackupError(Exception):
    pass


def _pg_env(db: dict) -> dict:
    env = {
        **os.environ,
        "PGHOST": db.get("HOST") or "127.0.0.1",
        "PGPORT": str(db.get("PORT") or 5432),
        "PGUSER": db.get("USER") or "postgres",
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup_create(*, output: Path, database: str = "default") -> dict:
    """Write an archive of the database and MEDIA_ROOT to ``output``; return its manifest."""
    db = settings.DATABASES[database]
    vendor = connections[database].vendor
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if vendor == "postgresql":
            dump = tmp / "database.pgdump"
            subprocess.run(  # noqa: S603
                [
                    shutil.which("pg_dump") or "pg_dump",
                    "-Fc",
                    "--no-owner",
                    "-f",
                    str(dump),
                    db["NAME"],
                ],
                env=_pg_env(db),
                check=True,
                capture_output=True,
            )
        elif vendor == "sqlite":
            dump = tmp / "database.sqlite3"
            with sqlite3.connect(db["NAME"]) as source, sqlite3.connect(dump) as target:
                source.backup(target)
        else:
            raise BackupError(f"no backup for the {vendor} engine")
        media = Path(settings.MEDIA_ROOT)
        files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "engine": vendor,
            "database": {"file": dump.name, "sha256": _sha256(dump)},
            "media": {str(p.relative_to(media)): _sha256(p) for p in files},
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(output, "w:gz") as archive:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=dump.name)
            for path in files:
                archive.add(path, arcname=f"media/{path.relative_to(media)}")
    return manifest


def backup_restore(*, archive_path: Path, database: str = "default") -> dict:
    """Replace the database and MEDIA_ROOT with an archive's, after checking every member
    against the manifest. Nothing is touched if the archive is damaged."""
    db = settings.DATABASES[database]
    vendor = connections[database].vendor
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive_path, "r:gz") as archive:
        tmp = Path(tmp)
        archive.extractall(tmp, filter="data")
        manifest = json.loads((tmp / "manifest.json").read_text())
        if manifest.get("format") != FORMAT or manifest.get("engine") != vendor:
            raise BackupError(
                f"this archive is a {manifest.get('engine')} backup; the database is {vendor}"
            )
        dump = tmp / manifest["database"]["file"]
        if _sha256(dump) != manifest["database"]["sha256"]:
            raise BackupError("the database dump does not match its checksum")
        for name, digest in manifest["media"].items():
            if _sha256(tmp / "media" / name) != digest:
                raise BackupError(f"media/{name} does not match its checksum")
        connections[database].close()
        if vendor == "postgresql":
            subprocess.run(  # noqa: S603
                [
                    shutil.which("pg_restore") or "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "-d",
                    db["NAME"],
                    str(dump),
                ],
                env=_pg_env(db),
                check=True,
                capture_output=True,
            )
        else:
            with sqlite3.connect(dump) as source, sqlite3.connect(db["NAME"]) as target:
                source.backup(target)
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            shutil.rmtree(media)
        if (tmp / "media").exists():
            shutil.copytree(tmp / "media", media)
        else:
            media.mkdir(parents=True)
    return manifest
