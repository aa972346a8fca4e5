"""Load a generated year into PostgreSQL, run the full cross-check with real Celery workers,
and report wall time, the raw name-matching floor, per-submission latency and flag counts.

    .venv/bin/python bench/generate.py --applications 100000 --out bench/out/
    .venv/bin/python bench/run.py --data bench/out/

    .venv/bin/python bench/run.py --applications 2000      # smoke test: generate, then run

Steps (each timed; the results table is printed and written to ``<data>/results.json``):

1. **Load.** Drop and create the database ``--database`` (default ``portal_bench``), migrate
   it, and COPY every table through psycopg: institutions, researchers with profiles,
   programmes, applications, declarations, versions, the six section tables, documents with
   their extracted text, three restricted-list snapshots and an ORCID evidence snapshot.
   Each certified version's ``content`` is built from the very rows loaded into the section
   tables, in the shape of ``disclosures.content.declaration_content``, and its fingerprint
   is ``content_fingerprint(content)``; a sample is re-read through the ORM and compared
   with ``declaration_content`` before anything is timed.
2. **Full check.** Start ``celery -A portal worker`` (``--workers`` processes of
   ``--concurrency`` each, on a private queue, reading the bench database) and time
   ``manage.py run_checks`` from the call until it returns: missing declarations, then
   every latest certified filing in chunks across the workers. Run ``--runs`` times: the
   first on fresh workers and an empty flag table (every worker builds its list index,
   every flag is created), later ones on the same workers (a re-check: flags refreshed).
3. **Raw floor.** ``ListIndex.raw_floor`` (one rapidfuzz ``cdist`` of the raw names against
   every listed name and alias, all cores) over exactly the names the full check screens,
   in blocks of ``--floor-block`` names to bound memory, in this process.
4. **Per submission.** ``checks.tasks.check_filing`` (what a certification queues) run
   in-process for ``--samples`` random filings after one warm-up call.
5. **Flags.** Counts by rule and status, and the planted restricted-entity names found
   (recall by spelling variant).

The workers are stopped and the database dropped at the end (``--keep`` keeps it;
``--reuse`` runs against a database already loaded, clearing flags first).
"""

from __future__ import annotations

import argparse
import datetime
import gc
import hashlib
import io
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

try:
    import orjson

    loads = orjson.loads
except ImportError:  # pragma: no cover
    loads = json.loads

PG = "postgres://postgres@127.0.0.1:5432"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def read_jsonl(path: Path):
    with open(path, "rb") as handle:
        for line in handle:
            if line.strip():
                yield loads(line)


# --------------------------------------------------------------------------------------
# Database
# --------------------------------------------------------------------------------------


def recreate_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Loader:
    """COPY every table of the generated year, one connection per table so that the rows
    stream straight from the JSON Lines files."""

    def __init__(self, dsn: str, data: Path):
        self.dsn = dsn
        self.data = data
        self.counts: Counter = Counter()
        self.next_id: Counter = Counter()

    def new_id(self, table: str) -> int:
        self.next_id[table] += 1
        return self.next_id[table]

    def run(self) -> dict:
        import psycopg
        from django.utils import timezone

        from accounts.models import Institution, User
        from checks.models import ContractText, Evidence, ListedEntity, Snapshot
        from disclosures.content import _PROFILE_FIELDS as PROFILE_FIELDS
        from disclosures.content import (
            APPLICATION_FIELDS,
            CONTENT_SCHEMA,
            canonical_json,
            content_fingerprint,
        )
        from disclosures.models import (
            SECTIONS,
            Affiliation,
            Declaration,
            DeclarationVersion,
            Document,
            ResearcherProfile,
        )
        from disclosures.services import CERTIFICATION_STATEMENT
        from funding.models import Agency, Application, Programme

        now = timezone.now()
        statement = str(CERTIFICATION_STATEMENT)
        section_columns = {
            key: (
                model._meta.db_table,
                ["id", "key", "position"]
                + [model._meta.get_field(f).column for f in model.content_fields]
                + ["version_id"],
            )
            for key, (model, _related) in SECTIONS.items()
        }
        tables = {
            "institution": (Institution, "id name name_local ror_id country"),
            "agency": (Agency, "id name short_name country"),
            "programme": (
                Programme,
                "id code title description opens_on closes_on declaration_required agency_id",
            ),
            "user": (
                User,
                "id password is_superuser username first_name last_name email is_staff "
                "is_active date_joined role language",
            ),
            "profile": (
                ResearcherProfile,
                "id researcher_number orcid family_name_latin given_name_latin "
                "family_name_kanji given_name_kanji family_name_kana given_name_kana "
                "updated_at user_id",
            ),
            "affiliation": (
                Affiliation,
                "id department job_title is_primary institution_id profile_id",
            ),
            "application": (
                Application,
                "id title objectives start_date end_date requested_amount currency "
                "effort_percent status created_at updated_at institution_id researcher_id "
                "programme_id",
            ),
            "declaration": (Declaration, "id created_at application_id"),
            "version": (
                DeclarationVersion,
                "id number status revision created_at updated_at certified_at certified_ip "
                "certification_statement signature language content fingerprint "
                "based_on_id certified_by_id declaration_id",
            ),
            "document": (
                Document,
                "id file original_name size sha256 uploaded_at uploaded_by_id",
            ),
            "contract_text": (ContractText, "id pages extracted_at document_id"),
            "snapshot": (
                Snapshot,
                "id kind source published_on sha256 row_count loaded_at",
            ),
            "listed": (
                ListedEntity,
                "id source_id name aliases country entity_type programs line details snapshot_id",
            ),
            "evidence": (
                Evidence,
                "id kind orcid researcher_number organisation_name organisation_country "
                "title award_id doi start_date end_date line details snapshot_id",
            ),
        }
        copy_specs = {
            name: (model._meta.db_table, columns.split())
            for name, (model, columns) in tables.items()
        }
        copy_specs.update({f"section:{k}": v for k, v in section_columns.items()})

        connections, copies = {}, {}
        started = time.perf_counter()
        gc.disable()
        try:
            for name, (table, columns) in copy_specs.items():
                conn = psycopg.connect(self.dsn)
                conn.execute("SET session_replication_role = replica")  # no FK triggers
                cursor = conn.cursor()
                copy = cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN")
                copies[name] = (copy, copy.__enter__())
                connections[name] = conn

            def write(name, row):
                copies[name][1].write_row(row)
                self.counts[name] += 1

            # Reference tables.
            agencies = {}
            for row in read_jsonl(self.data / "agencies.jsonl"):
                agencies[row["id"]] = row
                write("agency", (row["id"], row["name"], row["short_name"], row["country"]))
            programmes = {}
            for row in read_jsonl(self.data / "programmes.jsonl"):
                programmes[row["id"]] = row
                write(
                    "programme",
                    (
                        row["id"],
                        row["code"],
                        row["title"],
                        "",
                        row["opens_on"],
                        row["closes_on"],
                        True,
                        row["agency"],
                    ),
                )
            institutions = {}
            for row in read_jsonl(self.data / "institutions.jsonl"):
                institutions[row["id"]] = row
                write(
                    "institution",
                    (row["id"], row["name"], row["name_local"], "", row["country"]),
                )
            researchers = {}
            for row in read_jsonl(self.data / "researchers.jsonl"):
                rid = row["id"]
                researchers[rid] = {
                    "researcher": {f: row[f] or "" for f in PROFILE_FIELDS},
                    "institution": institutions[row["institution"]]["name"],
                    "department": row["department"],
                    "job_title": row["job_title"],
                    "signature": f"{row['given_name_latin']} {row['family_name_latin']}",
                    "language": row["language"],
                }
                researchers[rid]["researcher"]["affiliation"] = {
                    "institution": researchers[rid]["institution"],
                    "department": row["department"],
                    "job_title": row["job_title"],
                }
                write(
                    "user",
                    (
                        rid,
                        "!" + uuid.uuid4().hex,  # unusable password
                        False,
                        row["username"],
                        row["given_name_latin"],
                        row["family_name_latin"],
                        f"{row['username']}@example.org",
                        False,
                        True,
                        now,
                        "researcher",
                        row["language"],
                    ),
                )
                write(
                    "profile",
                    (
                        rid,
                        row["researcher_number"],
                        row["orcid"],
                        row["family_name_latin"],
                        row["given_name_latin"],
                        row["family_name_kanji"],
                        row["given_name_kanji"],
                        row["family_name_kana"],
                        row["given_name_kana"],
                        now,
                        rid,
                    ),
                )
                write(
                    "affiliation",
                    (rid, row["department"], row["job_title"], True, row["institution"], rid),
                )
            for row in read_jsonl(self.data / "documents.jsonl"):
                write(
                    "document",
                    (
                        row["id"],
                        f"documents/{row['id'][:2]}/{row['id']}.pdf",
                        row["name"],
                        row["size"],
                        row["sha256"],
                        now,
                        row["uploaded_by"],
                    ),
                )
                write(
                    "contract_text",
                    (self.new_id("contract_text"), json.dumps(row["pages"]), now, row["id"]),
                )

            # Applications, declarations, versions and their rows.
            content_fields = {
                key: model.content_fields for key, (model, _related) in SECTIONS.items()
            }
            for app in read_jsonl(self.data / "applications.jsonl"):
                researcher = researchers[app["researcher"]]
                programme = programmes[app["programme"]]
                declaration = app["declaration"]
                certified = bool(declaration) and any(
                    v["status"] == "certified" for v in declaration["versions"]
                )
                write(
                    "application",
                    (
                        app["id"],
                        app["title"],
                        app["objectives"],
                        app["start_date"],
                        app["end_date"],
                        app["requested_amount"],
                        app["currency"],
                        app["effort_percent"],
                        "submitted" if certified else "draft",
                        app["created_at"],
                        app["created_at"],
                        app["institution"],
                        app["researcher"],
                        app["programme"],
                    ),
                )
                if not declaration:
                    continue
                declaration_id = self.new_id("declaration")
                write("declaration", (declaration_id, app["created_at"], app["id"]))
                previous = None
                for version in declaration["versions"]:
                    version_id = self.new_id("version")
                    if version["status"] != "certified":
                        write(
                            "version",
                            (
                                version_id,
                                version["number"],
                                "draft",
                                0,
                                app["created_at"],
                                app["created_at"],
                                None,
                                None,
                                "",
                                "",
                                "",
                                None,
                                "",
                                previous,
                                None,
                                declaration_id,
                            ),
                        )
                        previous = version_id
                        continue
                    sections = {}
                    for key, rows in version["sections"].items():
                        fields = content_fields[key]
                        items = []
                        for position, row in enumerate(rows):
                            item = {"key": row["key"]}
                            values = [self.new_id(key), row["key"], position]
                            for f in fields:
                                value = row[f]
                                if f == "document" and value is not None:
                                    values.append(value["id"])
                                    value = {k: value[k] for k in ("name", "sha256", "size")}
                                else:
                                    values.append(value)
                                item[f] = value
                            values.append(version_id)
                            write(f"section:{key}", values)
                            items.append(item)
                        sections[key] = items
                    content = {
                        "schema": CONTENT_SCHEMA,
                        "declaration": {
                            "application_id": app["id"],
                            "version": version["number"],
                        },
                        "programme": {
                            "code": programme["code"],
                            "title": programme["title"],
                            "agency": agencies[programme["agency"]]["name"],
                        },
                        "institution": institutions[app["institution"]]["name"],
                        "researcher": researcher["researcher"],
                        "application": {name: app[name] for name in APPLICATION_FIELDS},
                        "sections": sections,
                    }
                    write(
                        "version",
                        (
                            version_id,
                            version["number"],
                            "certified",
                            1,
                            app["created_at"],
                            version["certified_at"],
                            version["certified_at"],
                            "192.0.2.1",
                            statement,
                            researcher["signature"],
                            researcher["language"],
                            canonical_json(content).decode(),
                            content_fingerprint(content),
                            previous,
                            app["researcher"],
                            declaration_id,
                        ),
                    )
                    previous = version_id

            # Restricted lists and evidence, one snapshot each.
            snapshots = {}
            for kind in ("csl", "meti_eul", "opensanctions", "orcid"):
                snapshots[kind] = self.new_id("snapshot")
            listed_counts: Counter = Counter()
            for line, row in enumerate(read_jsonl(self.data / "listed.jsonl"), start=2):
                listed_counts[row["list"]] += 1
                write(
                    "listed",
                    (
                        self.new_id("listed"),
                        row["source_id"],
                        row["name"],
                        json.dumps(row["aliases"], ensure_ascii=False),
                        row["country"],
                        "Entity",
                        "",
                        line,
                        "{}",
                        snapshots[row["list"]],
                    ),
                )
            evidence_count = 0
            for line, row in enumerate(read_jsonl(self.data / "evidence.jsonl"), start=1):
                evidence_count += 1
                write(
                    "evidence",
                    (
                        self.new_id("evidence"),
                        row["kind"],
                        row.get("orcid") or "",
                        row.get("researcher_number") or "",
                        row["organisation_name"],
                        row.get("organisation_country") or "",
                        row.get("title") or "",
                        row.get("award_id") or "",
                        row.get("doi") or "",
                        row.get("start_date"),
                        row.get("end_date"),
                        line,
                        "{}",
                        snapshots["orcid"],
                    ),
                )
            published = datetime.date(2026, 10, 1)
            for kind, snapshot_id in snapshots.items():
                rows = evidence_count if kind == "orcid" else listed_counts[kind]
                digest = f"{kind}-{rows}-{self.data.resolve()}".encode()
                write(
                    "snapshot",
                    (
                        snapshot_id,
                        kind,
                        f"bench-{kind}.jsonl",
                        published,
                        hashlib.sha256(digest).hexdigest(),
                        rows,
                        now,
                    ),
                )
            for copy, _entered in copies.values():
                copy.__exit__(None, None, None)
            copied = time.perf_counter() - started
            for conn in connections.values():
                conn.commit()
                conn.close()
        finally:
            gc.enable()
            for conn in connections.values():
                if not conn.closed:
                    conn.close()

        committed = time.perf_counter() - started
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            for name, (table, columns) in copy_specs.items():
                if "id" in columns and name not in ("document",):
                    conn.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"GREATEST((SELECT max(id) FROM {table}), 1))"  # our own table names
                    )
            conn.execute("VACUUM (ANALYZE)")
        total = time.perf_counter() - started
        return {
            "rows": dict(self.counts),
            "copy_seconds": round(copied, 1),
            "commit_seconds": round(committed - copied, 1),
            "vacuum_analyze_seconds": round(total - committed, 1),
        }


def verify_sample(count: int, seed: int) -> dict:
    """Re-read random certified versions through the ORM: their stored content must equal
    what disclosures.content.declaration_content builds from the rows, and hash to the
    stored fingerprint."""
    from disclosures.content import certified_content_is_intact, declaration_content
    from disclosures.models import DeclarationVersion

    ids = list(DeclarationVersion.objects.certified().values_list("pk", flat=True))
    rng = random.Random(seed)  # noqa: S311
    sample = rng.sample(ids, min(count, len(ids)))
    versions = DeclarationVersion.objects.filter(pk__in=sample).select_related(
        "declaration__application__researcher__researcher_profile",
        "declaration__application__programme__agency",
        "declaration__application__institution",
    )
    bad = []
    for version in versions:
        same = declaration_content(version) == version.content
        if not same or not certified_content_is_intact(version):
            bad.append(version.pk)
    if bad:
        raise SystemExit(f"loaded content differs from its rows for versions {bad[:10]}")
    return {"verified_versions": len(sample)}


# --------------------------------------------------------------------------------------
# Workers
# --------------------------------------------------------------------------------------


class Workers:
    def __init__(self, env: dict, queue: str, count: int, concurrency: int, log_dir: Path):
        self.env, self.queue = env, queue
        self.count, self.concurrency = count, concurrency
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []

    def start(self) -> float:
        started = time.perf_counter()
        for i in range(self.count):
            log_path = self.log_dir / f"worker-{i}.log"
            with open(log_path, "wb") as handle:
                process = subprocess.Popen(  # noqa: S603 - our own worker command
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "portal",
                        "worker",
                        "-Q",
                        self.queue,
                        "--pool=prefork",
                        f"--concurrency={self.concurrency}",
                        "--without-gossip",
                        "--without-mingle",
                        "--without-heartbeat",
                        "--loglevel=INFO",
                        "--hostname",
                        f"{self.queue}-{i}@%h",
                    ],
                    cwd=BASE_DIR,
                    env=self.env,
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                )
            process.log_path = log_path
            self.processes.append(process)
        deadline = time.monotonic() + 120
        for process in self.processes:
            while b"ready." not in process.log_path.read_bytes():
                if process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise SystemExit("worker did not start:\n" + process.log_path.read_text())
                time.sleep(0.2)
        return time.perf_counter() - started

    def memory(self) -> dict:
        """Peak resident memory (MiB) of each worker's pool processes."""
        peaks = {}
        for process in self.processes:
            for pid in [process.pid, *children(process.pid)]:
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        peaks[pid] = round(int(line.split()[1]) / 1024)
        return peaks

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def forget_queue(redis_url: str, queue: str) -> None:
    """Remove what kombu left in Redis for our private queue."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


# --------------------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------------------


def clear_check_results() -> None:
    from django.db import connection

    from checks.models import CheckRun, CheckRunChunk, FilingCheck, Flag

    tables = [m._meta.db_table for m in (Flag, FilingCheck, CheckRunChunk, CheckRun)]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


def full_check(chunk_size: int, timeout: float) -> dict:
    from django.core.management import call_command

    from checks.models import CheckRun

    out = io.StringIO()
    load_before = loadavg()
    started = time.perf_counter()
    call_command("run_checks", chunk_size=chunk_size, timeout=timeout, stdout=out)
    wall = time.perf_counter() - started
    run = CheckRun.objects.order_by("-pk").first()
    return {
        "wall_seconds": round(wall, 2),
        "run_seconds": round((run.finished_at - run.started_at).total_seconds(), 2),
        "filings": run.total,
        "chunks": run.chunks_total,
        "loadavg_before_after": [load_before, loadavg()],
        "output": out.getvalue().splitlines()[-12:],
    }


class _Content:
    """Enough of a Filing for screened_names: the certified content."""

    __slots__ = ("content", "memo")

    def __init__(self, content):
        self.content = content
        self.memo = {}

    def items(self, section):
        return self.content["sections"].get(section, [])


def screened_name_set() -> list[str]:
    """Every name the full check screens: the organisations (and talent programmes) of every
    latest certified filing, deduplicated as screen_names does."""
    from checks.rules.restricted_entity import screened_names
    from checks.selectors import latest_certified_versions

    names = set()
    rows = latest_certified_versions().values_list("content", flat=True)
    for content in rows.iterator(chunk_size=2000):
        for _section, _item, name in screened_names(_Content(content)):
            names.add(name)
    return sorted(n for n in names if n and n.strip())


def raw_floor(block: int) -> dict:
    from checks.engine import current_list_index

    started = time.perf_counter()
    index, _info = current_list_index()
    build = time.perf_counter() - started
    names = screened_name_set()
    load_before = loadavg()
    started = time.perf_counter()
    cells = 0
    for i in range(0, len(names), block):
        result = index.raw_floor(names[i : i + block])
        cells += getattr(result, "size", 0)
        del result
    floor = time.perf_counter() - started
    return {
        "floor_seconds": round(floor, 2),
        "query_names": len(names),
        "listed_names": len(index._raw_names),
        "cells": cells,
        "index_build_seconds": round(build, 2),
        "loadavg_before_after": [load_before, loadavg()],
    }


def per_submission(samples: int, seed: int) -> dict:
    from checks.selectors import latest_certified_versions
    from checks.tasks import check_filing

    ids = sorted(latest_certified_versions().values_list("pk", flat=True))
    rng = random.Random(seed)  # noqa: S311
    picked = rng.sample(ids, min(samples + 1, len(ids)))
    started = time.perf_counter()
    check_filing(version_id=picked[0])  # warm-up: the list index is already built
    warm_up = time.perf_counter() - started
    times = []
    for version_id in picked[1:]:
        started = time.perf_counter()
        check_filing(version_id=version_id)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "samples": len(times),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, round(0.95 * len(times)) - 1)], 1),
        "max_ms": round(times[-1], 1),
        "warm_up_ms": round(warm_up * 1000, 1),
    }


def flag_counts() -> dict:
    from django.db.models import Count

    from checks.models import Flag

    counts = defaultdict(dict)
    for row in Flag.objects.values("rule", "status").annotate(n=Count("id")).order_by("rule"):
        counts[row["rule"]][row["status"]] = row["n"]
    return dict(counts)


def restricted_recall(data: Path) -> dict:
    """Which planted restricted-entity names were flagged, by spelling variant. A planted
    row counts only where a latest certified filing declares it (the researcher's
    applications may all have gone undeclared, or the row be the one a filing omits)."""
    from checks.models import Flag
    from checks.selectors import latest_certified_versions
    from disclosures.models import SECTIONS

    subjects = set(
        Flag.objects.filter(rule="restricted_entity", version__isnull=False).values_list(
            "subject", flat=True
        )
    )
    planted = list(read_jsonl(data / "planted.jsonl"))
    declared = set()
    latest = latest_certified_versions().values("pk")
    for section in {row["section"] for row in planted}:
        model = SECTIONS[section][0]
        keys = [row["key"] for row in planted if row["section"] == section]
        declared.update(
            (section, str(key))
            for key in model.objects.filter(key__in=keys, version__in=latest).values_list(
                "key", flat=True
            )
        )
    planted_subjects = set()
    found, total = Counter(), Counter()
    for row in planted:
        if (row["section"], row["key"]) not in declared:
            continue
        subject = f"{row['section']}:{row['key']}:{row['list']}:{row['source_id']}"
        planted_subjects.add(subject)
        total[row["variant"]] += 1
        found[row["variant"]] += subject in subjects
    flagged_rows = {s.rsplit(":", 2)[0] for s in subjects}
    planted_rows = {s.rsplit(":", 2)[0] for s in planted_subjects}
    return {
        "by_variant": {v: f"{found[v]}/{total[v]}" for v in sorted(total)},
        "found": sum(found.values()),
        "planted": sum(total.values()),
        "planted_rows_not_in_any_latest_filing": len(planted) - sum(total.values()),
        "flagged_rows": len(flagged_rows),
        "flagged_rows_not_planted": len(flagged_rows - planted_rows),
    }


def loadavg() -> float:
    """The 1-minute load average: the machine is shared, so say how busy it was."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text().split("\n")[0].split()
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "nproc": os.cpu_count(),
        "ram_gib": round(int(meminfo[1]) / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
    }


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def table(results: dict) -> str:
    load, floor = results.get("load", {}), results.get("floor", {})
    runs = results.get("runs", [])
    sub = results.get("per_submission", {})
    lines = [
        ("date", results["date"]),
        ("machine", f"{results['machine']['nproc']} cores, {results['machine']['ram_gib']} GiB"),
        ("applications", results["data"]["applications"]),
        ("declared rows", results["data"]["declared_rows"]),
        (
            "listed entities / names",
            f"{floor.get('listed_entities', '?')} / {floor.get('listed_names', '?')}",
        ),  # fmt: skip
        ("load (create, migrate, COPY, VACUUM ANALYZE)", f"{load.get('total_seconds', '-')} s"),
    ]
    for i, run in enumerate(runs, start=1):
        label = "full check, fresh workers" if i == 1 else f"full re-check #{i - 1}, warm"
        lines.append((label, f"{run['wall_seconds']} s ({run['filings']} filings)"))
    if floor:
        lines.append(
            (
                "raw floor (cdist, same names)",
                f"{floor['floor_seconds']} s ({floor['query_names']} x {floor['listed_names']})",
            )
        )
        for i, run in enumerate(runs, start=1):
            lines.append(
                (f"ratio run {i} / floor", f"{run['wall_seconds'] / floor['floor_seconds']:.2f}")
            )
    if sub:
        lines.append(
            (
                "per submission (check_filing)",
                f"median {sub['median_ms']} ms, p95 {sub['p95_ms']} ms",
            )
        )
    for rule, statuses in sorted(results.get("flags", {}).items()):
        lines.append((f"flags {rule}", ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))))
    recall = results.get("restricted_recall")
    if recall:
        lines.append(("planted restricted names found", f"{recall['found']}/{recall['planted']}"))
    width = max(len(k) for k, _v in lines)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in lines)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=BASE_DIR / "bench" / "out")
    parser.add_argument(
        "--applications", type=int, help="generate this many applications into --data first"
    )
    parser.add_argument("--database", default="portal_bench")
    parser.add_argument("--server", default=PG, help="PostgreSQL server URL, no database")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--workers", type=int, default=1, help="worker processes to start")
    parser.add_argument("--concurrency", type=int, default=2, help="pool size of each worker")
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--runs", type=int, default=2, help="full checks: fresh, then warm")
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--floor-block", type=int, default=2000)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the loaded database as it is")
    parser.add_argument("--skip", default="", help="comma-separated: floor,submission")
    args = parser.parse_args(argv)
    # A plain `kill` (SIGTERM) still stops the workers and drops the database.
    signal.signal(signal.SIGTERM, _interrupted)
    skip = set(filter(None, args.skip.split(",")))

    data = args.data.resolve()
    if args.applications:
        meta_path = data / "meta.json"
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        if meta.get("applications") != args.applications:
            from bench import generate

            log(f"generating {args.applications} applications into {data}")
            generate.main(["--applications", str(args.applications), "--out", str(data)])
    meta = json.loads((data / "meta.json").read_text())

    dsn = f"{args.server}/{args.database}"
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    media = Path(tempfile.mkdtemp(prefix="portal-bench-media-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": dsn,
        "REDIS_URL": args.redis,
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_MEDIA_ROOT": str(media),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_DEBUG": "false",  # as deployed: no per-query debug cursor
    }
    os.environ.update(env)
    results = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "data": {k: v for k, v in meta.items() if k != "rates"},
        "parameters": {
            "database": args.database,
            "workers": args.workers,
            "concurrency": args.concurrency,
            "chunk_size": args.chunk_size,
            "samples": args.samples,
        },
    }

    load = {}
    started = time.perf_counter()
    if not args.reuse:
        log(f"creating database {args.database}")
        recreate_database(args.server, args.database)
    import django

    django.setup()
    from django.core.management import call_command

    results["machine"]["postgresql"] = _server_version()
    workers = Workers(env, queue, args.workers, args.concurrency, data)
    try:
        if not args.reuse:
            call_command("migrate", verbosity=0)
            load["migrate_seconds"] = round(time.perf_counter() - started, 1)
            log("loading (COPY)")
            load.update(Loader(dsn, data).run())
            load["total_seconds"] = round(time.perf_counter() - started, 1)
            log(f"loaded in {load['total_seconds']} s")
            load.update(verify_sample(25, meta["seed"]))
        else:
            clear_check_results()
        results["load"] = load

        log(f"starting {args.workers} worker(s) x {args.concurrency} on queue {queue}")
        results["worker_start_seconds"] = round(workers.start(), 1)
        results["runs"] = []
        for i in range(args.runs):
            log(f"full check {i + 1}/{args.runs}")
            run = full_check(args.chunk_size, args.timeout)
            results["runs"].append(run)
            log(f"  {run['wall_seconds']} s")
        results["worker_peak_rss_mib"] = workers.memory()
        workers.stop()

        results["flags"] = flag_counts()
        results["restricted_recall"] = restricted_recall(data)
        if "floor" not in skip:
            log("raw floor")
            results["floor"] = raw_floor(args.floor_block)
            results["floor"]["listed_entities"] = meta["listed_entities"]
            results["ratio"] = [
                round(run["wall_seconds"] / results["floor"]["floor_seconds"], 2)
                for run in results["runs"]
            ]
        if "submission" not in skip:
            log("per-submission checks")
            results["per_submission"] = per_submission(args.samples, meta["seed"])
    finally:
        workers.stop()
        forget_queue(args.redis, queue)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(args.server, args.database)
        shutil.rmtree(media, ignore_errors=True)

    (data / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print()
    print(table(results))
    print(f"\nwritten to {data / 'results.json'}")
    return results


def _interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def _server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    main()
