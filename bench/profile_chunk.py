"""Profile the engine on one chunk of a loaded bench database, in this process.

    .venv/bin/python bench/run.py --data bench/out --keep --runs 0 --skip floor,submission
    .venv/bin/python bench/profile_chunk.py --chunk 500 [--fresh] [--top 40]

Builds the list index first (not profiled, but timed), then runs ``check_versions`` under
cProfile on ``--chunk`` latest certified versions taken as ``checks_start`` would take them
(sorted ids, chunk number ``--index``), and prints the time by function. ``--fresh`` deletes
those versions' flags first, so that the run creates them as a first full check does;
``--warm`` checks the chunk once before the profiled run, as a re-check finds it.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="portal_bench")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--index", type=int, default=0)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument(
        "--warm", action="store_true", help="check the chunk once first, as in a re-check"
    )
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--queries", action="store_true", help="list each query's time")
    args = parser.parse_args(argv)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": f"{args.server}/{args.database}",
            "DJANGO_DEBUG": "false",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from checks.engine import check_versions, current_list_index
    from checks.models import Flag
    from checks.selectors import latest_certified_versions

    started = time.perf_counter()
    current_list_index()
    print(f"list index built in {time.perf_counter() - started:.2f} s")
    ids = sorted(latest_certified_versions().values_list("pk", flat=True))
    chunk = ids[args.index * args.chunk : (args.index + 1) * args.chunk]
    if args.fresh:
        Flag.objects.filter(version_id__in=chunk).delete()
    from django.db import connection

    if args.warm:
        started = time.perf_counter()
        check_versions(chunk)
        print(f"warm-up check: {time.perf_counter() - started:.2f} s")
    timings = []

    def timed(execute, sql, params, many, context):
        begun = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - begun, sql))

    profiler = cProfile.Profile()
    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        profiler.enable()
        result = check_versions(chunk)
        profiler.disable()
    print(f"check_versions({len(chunk)} versions): {time.perf_counter() - started:.2f} s {result}")
    if args.queries:
        print(f"{len(timings)} queries, {sum(t for t, _s in timings):.2f} s")
        for seconds, sql in sorted(timings, reverse=True)[:15]:
            print(f"  {seconds * 1000:8.1f} ms  {' '.join(sql.split())[:150]}")
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
