import json

from django.core.management.base import BaseCommand
from django.utils.translation import override

from checks.models import Flag
from checks.rules import RULES


class Command(BaseCommand):
    help = "Write the flags as JSON Lines: rule, application, version, subject, score, evidence."

    def add_arguments(self, parser):
        parser.add_argument("--status", action="append", help="only these statuses")
        parser.add_argument("--language", default="en", help="language of the explanations")

    def handle(self, *args, **options):
        flags = Flag.objects.select_related("version", "application__programme").order_by("pk")
        if options["status"]:
            flags = flags.filter(status__in=options["status"])
        with override(options["language"]):
            for flag in flags.iterator(chunk_size=2000):
                record = {
                    "rule": flag.rule,
                    "severity": flag.severity,
                    "status": flag.status,
                    "application": flag.application_id,
                    "programme": flag.application.programme.code,
                    "declaration_version": flag.version.number if flag.version else None,
                    "subject": flag.subject,
                    "score": flag.score,
                    "explanation": RULES[flag.rule].explain(flag.params),
                    "evidence": flag.evidence,
                    "raised_at": flag.raised_at.isoformat(),
                }
                self.stdout.write(json.dumps(record, ensure_ascii=False, sort_keys=True))
