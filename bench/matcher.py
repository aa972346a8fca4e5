"""The name matcher alone, on a generated year: speed, recall of the planted restricted
names and the false matches, without a database or workers.

    .venv/bin/python bench/matcher.py --data bench/out/ [--floor] [--sample N]

Reads ``listed.jsonl`` (every listed name and alias), the organisation and talent-programme
names of the latest version of every declaration in ``applications.jsonl`` (the names a
full check screens; cached in ``<data>/screened-names.json``) and ``planted.jsonl``. Builds
a :class:`~checks.matching.ListIndex`, times :meth:`~checks.matching.ListIndex.match` over
every distinct name (``--sample`` for a random part), and counts:

- recall: planted (name, entry) pairs found, by spelling variant;
- false matches: distinct names matching an entry they were not planted as (the generator
  gives every organisation a unique name, so a declared name that is not a planted one
  names an organisation that is not listed), with the most frequent examples.

``--floor`` also times ``ListIndex.raw_floor`` (one rapidfuzz ``cdist`` of the raw names
against every raw listed name) over the same names, the floor of issue 3's target.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

try:
    from orjson import loads
except ImportError:  # pragma: no cover
    from json import loads

SECTIONS = ("support", "in_kind", "appointments", "talent_programmes", "outside_activities")
SECTIONS += ("contracts",)


def read_jsonl(path: Path):
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                yield loads(line)


def screened_names(data: Path) -> Counter:
    """Occurrences of every name the latest certified versions declare."""
    cache = data / "screened-names.json"
    if cache.exists() and cache.stat().st_mtime >= (data / "applications.jsonl").stat().st_mtime:
        return Counter(json.loads(cache.read_text()))
    counts: Counter = Counter()
    for app in read_jsonl(data / "applications.jsonl"):
        versions = [
            v
            for v in (app.get("declaration") or {}).get("versions", [])
            if v.get("status") == "certified"
        ]
        if not versions:
            continue
        latest = max(versions, key=lambda v: v["number"])
        for section in SECTIONS:
            for item in latest["sections"].get(section, []):
                if item.get("organisation_name"):
                    counts[item["organisation_name"]] += 1
                if section == "talent_programmes" and item.get("programme_name"):
                    counts[item["programme_name"]] += 1
    cache.write_text(json.dumps(counts))
    return counts


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=BASE_DIR / "bench" / "out")
    parser.add_argument("--sample", type=int, default=0, help="match only N random names")
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--floor", action="store_true", help="also time the raw cdist floor")
    parser.add_argument("--examples", type=int, default=15)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from checks.matching import DEFAULT_THRESHOLD, ListIndex

    threshold = args.threshold if args.threshold is not None else DEFAULT_THRESHOLD
    entries = [
        (row["source_id"], [row["name"], *row.get("aliases", [])])
        for row in read_jsonl(args.data / "listed.jsonl")
    ]
    counts = screened_names(args.data)
    names = sorted(counts)
    if args.sample:
        rng = random.Random(1)  # noqa: S311 - a repeatable sample, not a secret
        names = sorted(rng.sample(names, min(args.sample, len(names))))
    planted = defaultdict(set)
    variants = {}
    for row in read_jsonl(args.data / "planted.jsonl"):
        planted[row["name"]].add(row["source_id"])
        variants[(row["name"], row["source_id"])] = row["variant"]

    started = time.perf_counter()
    index = ListIndex(entries)
    build = time.perf_counter() - started
    started = time.perf_counter()
    found = index.match(names, threshold=threshold)
    match_seconds = time.perf_counter() - started

    hits, false_names, false_occurrences = Counter(), 0, 0
    examples: Counter = Counter()
    for name, matches in zip(names, found, strict=True):
        wrong = [m for m in matches if m.entry_id not in planted.get(name, ())]
        for m in matches:
            if m.entry_id in planted.get(name, ()):
                hits[variants[(name, m.entry_id)]] += 1
        if wrong:
            false_names += 1
            false_occurrences += counts[name]
            best = wrong[0]
            examples[(name, best.matched_name, best.score, best.method)] = counts[name]
    wanted = Counter(variants[(name, entry)] for name in names for entry in planted.get(name, ()))
    results = {
        "names": len(names),
        "listed_entries": len(entries),
        "listed_names": sum(len(n) for _e, n in entries),
        "threshold": threshold,
        "build_seconds": round(build, 2),
        "match_seconds": round(match_seconds, 2),
        "planted_found": sum(hits.values()),
        "planted_wanted": sum(wanted.values()),
        "recall_by_variant": {v: f"{hits[v]}/{n}" for v, n in sorted(wanted.items())},
        "false_names": false_names,
        "false_occurrences": false_occurrences,
        "false_examples": [
            f"{name!r} -> {listed!r} {score} {method} (x{n})"
            for (name, listed, score, method), n in examples.most_common(args.examples)
        ],
    }
    if args.floor:
        started = time.perf_counter()
        for i in range(0, len(names), 5000):
            index.raw_floor(names[i : i + 5000])
        results["floor_seconds"] = round(time.perf_counter() - started, 2)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return results


if __name__ == "__main__":
    main()
