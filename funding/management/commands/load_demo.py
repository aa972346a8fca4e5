"""Demo data: one user per role, open programmes, a researcher with a profile, and two
small fictional restricted-entity lists (so screening and the restricted-entity check have
something to find).

Idempotent: running it again changes nothing that already exists.
"""

import datetime
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Institution, User
from checks.importers.load import snapshot_load
from checks.models import Snapshot
from disclosures.models import Affiliation, ResearcherProfile
from funding.models import Agency, Programme
from portal.admin_scope import OFFICER_GROUP

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - printed on purpose; demo accounts only

# Fictional entries in the sources' real formats (the same file loads once).
DEMO_DATA = Path(__file__).resolve().parents[2] / "demo_data"
DEMO_LISTS = (
    (Snapshot.Kind.CSL, "csl_demo.csv", datetime.date(2026, 11, 1)),
    (Snapshot.Kind.METI_EUL, "meti_eul_demo.csv", datetime.date(2026, 10, 1)),
)


class Command(BaseCommand):
    help = "Load demo data with one user per role and print their credentials."

    @transaction.atomic
    def handle(self, *args, **options):
        today = timezone.localdate()
        agency, _ = Agency.objects.get_or_create(
            short_name="ARF",
            defaults={"name": "Agency for Research Funding (demo)", "country": "JP"},
        )
        other_agency, _ = Agency.objects.get_or_create(
            short_name="NSTA",
            defaults={"name": "National Science and Technology Agency (demo)", "country": "JP"},
        )
        kita, _ = Institution.objects.get_or_create(
            name="Kita University (demo)",
            defaults={"name_local": "北大学", "country": "JP"},
        )
        Institution.objects.get_or_create(
            name="Minami Institute of Technology (demo)",
            defaults={"name_local": "南工業大学", "country": "JP"},
        )
        Programme.objects.get_or_create(
            code="ARF-KIBAN-B-2027",
            defaults={
                "agency": agency,
                "title": "Grant-in-Aid for Scientific Research (B), FY2027",
                "description": "Three- to five-year projects by one researcher or a small team.",
                "opens_on": today - datetime.timedelta(days=30),
                "closes_on": today + datetime.timedelta(days=60),
            },
        )
        Programme.objects.get_or_create(
            code="NSTA-QUANTUM-2027",
            defaults={
                "agency": other_agency,
                "title": "Quantum Technologies Frontier Programme 2027",
                "opens_on": today - datetime.timedelta(days=10),
                "closes_on": today + datetime.timedelta(days=90),
            },
        )
        users = [
            ("researcher", User.Role.RESEARCHER, {}),
            ("office", User.Role.RESEARCH_OFFICE, {"institution": kita}),
            ("officer", User.Role.AGENCY_OFFICER, {"agency": agency, "is_staff": True}),
            ("officer2", User.Role.AGENCY_OFFICER, {"agency": other_agency, "is_staff": True}),
            ("admin", User.Role.ADMINISTRATOR, {"is_staff": True, "is_superuser": True}),
        ]
        for username, role, extra in users:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"role": role, "email": f"{username}@example.org", **extra},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
        # Officers work in the admin through the group its migration creates.
        officers = Group.objects.filter(name=OFFICER_GROUP).first()
        if officers is not None:
            officers.user_set.add(*User.objects.filter(username__in=["officer", "officer2"]))
        researcher = User.objects.get(username="researcher")
        profile, created = ResearcherProfile.objects.get_or_create(
            user=researcher,
            defaults={
                "family_name_latin": "Yamada",
                "given_name_latin": "Hanako",
                "family_name_kanji": "山田",
                "given_name_kanji": "花子",
                "family_name_kana": "やまだ",
                "given_name_kana": "はなこ",
                "researcher_number": "90123456",
                "orcid": "0000-0002-1825-0097",
            },
        )
        if created:
            Affiliation.objects.create(
                profile=profile,
                institution=kita,
                department="Graduate School of Engineering",
                job_title="Associate Professor",
                is_primary=True,
            )
        for kind, file_name, published_on in DEMO_LISTS:
            snapshot_load(
                kind=kind,
                file=DEMO_DATA / file_name,
                source_name=f"{file_name} (fictional demo list)",
                published_on=published_on,
            )
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/"))
        self.stdout.write(
            "  Research office, officer and administrator accounts set up two-factor sign-in "
            "(any authenticator app) the first time they sign in."
        )
        for username, role, _extra in users:
            self.stdout.write(f"  {role.label:<16} user: {username:<11} password: {DEMO_PASSWORD}")
        self.stdout.write(
            "  Fictional restricted lists are loaded: as the research office, screen "
            '"Eastern Star Precision Optics" to see a match.'
        )
