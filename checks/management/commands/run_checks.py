import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from checks.engine import FILING_RULES, check_missing_declarations
from checks.models import CheckRun, Flag
from checks.selectors import latest_certified_versions
from checks.services import checks_start


class Command(BaseCommand):
    help = (
        "Run the cross-checks over every certified filing (or one researcher's or one "
        "programme's), wait for the workers, show progress and print a summary."
    )

    def add_arguments(self, parser):
        parser.add_argument("--researcher", help="username of one researcher")
        parser.add_argument("--programme", help="code of one programme")
        parser.add_argument("--rules", help="comma-separated rule codes (default: all)")
        parser.add_argument("--chunk-size", type=int, default=500)
        parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait")
        parser.add_argument("--no-wait", action="store_true")

    def handle(self, *args, **options):
        rules = [r for r in (options["rules"] or "").split(",") if r]
        unknown = set(rules) - set(FILING_RULES) - {"missing_declaration"}
        if unknown:
            raise CommandError(f"unknown rule(s): {', '.join(sorted(unknown))}")
        versions = latest_certified_versions()
        applications = None
        scope = "all filings"
        if options["researcher"]:
            versions = versions.filter(
                declaration__application__researcher__username=options["researcher"]
            )
            scope = f"researcher {options['researcher']}"
        if options["programme"]:
            versions = versions.filter(
                declaration__application__programme__code=options["programme"]
            )
            scope = f"programme {options['programme']}"
        if options["researcher"] or options["programme"]:
            from funding.models import Application

            applications = Application.objects.all()
            if options["researcher"]:
                applications = applications.filter(researcher__username=options["researcher"])
            if options["programme"]:
                applications = applications.filter(programme__code=options["programme"])
            applications = list(applications.values_list("pk", flat=True))

        started = time.monotonic()
        filing_rules = [r for r in rules if r != "missing_declaration"]
        run = None
        if not rules or filing_rules:
            run = checks_start(
                version_ids=list(versions.values_list("pk", flat=True)),
                rules=filing_rules,
                scope=scope,
                chunk_size=options["chunk_size"],
            )
            self.stdout.write(f"Run {run.pk}: {run.total} filings in {run.chunks_total} chunks")
        # Here, while the workers take the run's chunks.
        if not rules or "missing_declaration" in rules:
            check_missing_declarations(applications)
        if run is not None and not options["no_wait"]:
            self._wait(run, options["timeout"])
        elapsed = time.monotonic() - started
        self._summary(applications, elapsed)

    def _wait(self, run: CheckRun, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = -1
        while True:
            run.refresh_from_db()
            if run.done != last:
                self.stdout.write(f"  checked {run.done} of {run.total} filings")
                last = run.done
            if run.status == CheckRun.Status.FINISHED:
                return
            if time.monotonic() > deadline:
                raise CommandError(
                    f"run {run.pk} not finished after {timeout:.0f} s "
                    f"({run.done}/{run.total}); is a worker running?"
                )
            time.sleep(0.5)

    def _summary(self, applications, elapsed: float) -> None:
        flags = Flag.objects.all()
        if applications is not None:
            flags = flags.filter(application_id__in=applications)
        rows = flags.values("rule", "status").annotate(n=Count("id")).order_by("rule", "status")
        self.stdout.write(f"Finished in {elapsed:.1f} s. Flags:")
        for row in rows:
            self.stdout.write(f"  {row['rule']:<22} {row['status']:<10} {row['n']}")
