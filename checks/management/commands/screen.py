import json

from django.core.management.base import BaseCommand

from checks.screening import screen_organisation


class Command(BaseCommand):
    help = (
        "Due diligence before a partnership: print the restricted-list entries matching an "
        "organisation's name, with scores, as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--country", default="", help="ISO 3166 alpha-2 code, e.g. CN")

    def handle(self, *args, **options):
        result = screen_organisation(options["name"], country=options["country"])
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
