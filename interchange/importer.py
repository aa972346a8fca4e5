"""Import interchange records (docs/interchange.md): validate everything, then write it all
in one transaction, or nothing.

Pass 1 reads the file and checks every line on its own (syntax, fields, types, choices,
ORCID check digits, fingerprints) and across lines (duplicates, references to earlier
lines or to the database). Only if it found nothing wrong does pass 2 read the file again
and upsert by natural keys, a chunk of lines at a time with bulk queries. Pass 2 can still
find conflicts with what the database holds (a certified version whose fingerprint
differs, an ORCID iD that belongs to somebody else); any of them rolls everything back.

Certified versions are records of what was certified: they are written with their
original certification metadata and content and never changed once stored. Like
``declaration_certify``, the importer creates each as a draft, adds its rows, and then
flips it to certified with an UPDATE conditional on it still being a draft.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_countries.fields import Country

from accounts.models import Institution, User
from disclosures.content import item_content
from disclosures.models import (
    SECTIONS,
    Affiliation,
    Contract,
    Declaration,
    DeclarationVersion,
    Document,
    ResearcherProfile,
)
from disclosures.uploads import validate_pdf_upload
from funding.models import Agency, Application, Programme

from .jsonl import RECORD_TYPES, DuplicateKey, decode_line
from .schema import (
    AGENCY_FIELDS,
    APPLICATION_VALUE_FIELDS,
    INSTITUTION_FIELDS,
    PROFILE_FIELDS,
    PROGRAMME_FIELDS,
    RecordInvalid,
    clean_record,
)

CHUNK = 1000
MAX_ERRORS = 1000
CERTIFIED = DeclarationVersion.Status.CERTIFIED
DRAFT = DeclarationVersion.Status.DRAFT

# The records others refer to by natural key, and where that key is in the database.
_PARENTS = {
    "institution": (Institution, "name"),
    "agency": (Agency, "short_name"),
    "programme": (Programme, "code"),
    "researcher": (User, "username"),
}
_KEY_OF = {
    "institution": "name",
    "agency": "short_name",
    "programme": "code",
    "researcher": "username",
    "application": "id",
}
_SECTION_OF = {model: section for section, (model, _related) in SECTIONS.items()}


class ImportFailed(Exception):
    """Nothing was imported. ``errors`` are ``(line, message)``; line 0 is the whole file."""

    def __init__(self, errors: list[tuple[int, str]], total: int | None = None):
        self.errors = errors
        self.total = total if total is not None else len(errors)
        super().__init__(f"{self.total} error(s); nothing was imported")


class _DryRun(Exception):
    pass


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class Report:
    counts: dict[str, Counts] = field(
        default_factory=lambda: {name: Counts() for name in RECORD_TYPES}
    )
    documents_linked: int = 0
    documents_stored: int = 0
    # (line, sha256) of each contract row imported without its PDF
    documents_missing: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = False


def _lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    for number, raw in enumerate(stream, start=1):
        raw = raw.rstrip(b"\r\n")
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if raw.strip():
            yield number, raw


def _decoded(stream: BinaryIO) -> Iterator[tuple[int, object, str | None]]:
    """``(line number, decoded JSON, None)``, or ``(line number, None, error)``."""
    for number, raw in _lines(stream):
        try:
            yield number, decode_line(raw), None
        except UnicodeDecodeError as error:
            yield number, None, f"not UTF-8 text (byte {error.start + 1})"
        except DuplicateKey as error:
            yield number, None, f"invalid JSON: {error}"
        except ValueError as error:  # json.JSONDecodeError, NaN and Infinity
            column = getattr(error, "colno", None)
            where = f" at column {column}" if column else ""
            yield number, None, f"invalid JSON: {getattr(error, 'msg', error)}{where}"


# ------------------------------------------------------------------------------------
# Pass 1: every line on its own, and the references between lines
# ------------------------------------------------------------------------------------


@dataclass
class _AppInFile:
    line: int
    valid: bool = True
    numbers: list[int] = field(default_factory=list)
    last_status: str | None = None


class _Index:
    """What pass 1 learns about the file: the keys it defines (with their line) and the
    references it makes to records that are not on an earlier line."""

    def __init__(self):
        self.errors: list[tuple[int, str]] = []
        self.total_errors = 0
        self.defined: dict[str, dict[str, int]] = {kind: {} for kind in _PARENTS}
        self.pending: dict[str, dict[str, int]] = {kind: {} for kind in _PARENTS}
        self.agency_names: dict[str, int] = {}
        self.orcids: dict[str, int] = {}
        self.researcher_numbers: dict[str, int] = {}
        self.applications: dict[str, _AppInFile] = {}
        self.natural_keys: dict[tuple, int] = {}
        self.versions: set[tuple[str, int]] = set()

    def error(self, line: int, message: str) -> None:
        self.total_errors += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append((line, message))

    def define(self, kind: str, key: str, line: int) -> bool:
        first = self.defined[kind].setdefault(key, line)
        if first != line:
            self.error(line, f"{kind} {key!r} already appears on line {first}")
        return first == line

    def use(self, kind: str, key: str | None, line: int) -> None:
        if key is not None and key not in self.defined[kind]:
            self.pending[kind].setdefault(key, line)

    def unique(self, seen: dict, value, line: int, label: str) -> None:
        if value is not None:
            first = seen.setdefault(value, line)
            if first != line:
                self.error(line, f"{label} {value!r} also appears on line {first}")

    def add_invalid(self, line: int, obj) -> None:
        """A line with errors still defines its key, so that the lines referring to it
        do not each report it missing as well."""
        if not isinstance(obj, dict):
            return
        record_type = obj.get("type")
        if record_type == "declaration_version":
            app_id, number = obj.get("application"), obj.get("number")
            if isinstance(app_id, str) and isinstance(number, int):
                self.versions.add((app_id, number))
            return
        key = obj.get(_KEY_OF.get(record_type, ""))
        if not isinstance(key, str):
            return
        if record_type == "application":
            self.applications.setdefault(key, _AppInFile(line, valid=False))
        elif record_type in self.defined:
            self.defined[record_type].setdefault(key, line)

    def add(self, line: int, record_type: str, values: dict) -> None:
        getattr(self, f"_add_{record_type}")(line, values)

    def _add_institution(self, line, values):
        self.define("institution", values["name"], line)

    def _add_agency(self, line, values):
        self.define("agency", values["short_name"], line)
        self.unique(self.agency_names, values["name"], line, "agency name")

    def _add_programme(self, line, values):
        self.define("programme", values["code"], line)
        self.use("agency", values["agency"], line)

    def _add_researcher(self, line, values):
        self.define("researcher", values["username"], line)
        profile = values["profile"]
        if profile is not None:
            self.unique(self.orcids, profile["orcid"], line, "ORCID iD")
            self.unique(
                self.researcher_numbers, profile["researcher_number"], line, "researcher number"
            )
            for affiliation in profile["affiliations"]:
                self.use("institution", affiliation["institution"], line)

    def _add_application(self, line, values):
        app_id = values["id"]
        if app_id in self.applications:
            first = self.applications[app_id].line
            self.error(line, f"application id {app_id!r} already appears on line {first}")
            return
        self.applications[app_id] = _AppInFile(line)
        natural = (values["researcher"], values["programme"], values["created_at"])
        first = self.natural_keys.setdefault(natural, line)
        if first != line:
            self.error(
                line,
                f"the application of {values['researcher']!r} to {values['programme']!r} "
                f"created at {values['created_at'].isoformat()} already appears on line {first}",
            )
        self.use("researcher", values["researcher"], line)
        self.use("programme", values["programme"], line)
        self.use("institution", values["institution"], line)

    def _add_declaration_version(self, line, values):
        app_id, number = values["application"], values["number"]
        application = self.applications.get(app_id)
        if application is None:
            self.error(line, f"application {app_id!r} is not on an earlier line of this file")
            return
        if not application.valid:
            return
        if application.numbers and number <= application.numbers[-1]:
            self.error(
                line,
                f"version {number} of application {app_id!r} comes after version "
                f"{application.numbers[-1]}; versions must be in increasing order",
            )
            return
        if application.last_status == DRAFT:
            self.error(
                line,
                f"version {application.numbers[-1]} of application {app_id!r} is a draft; "
                "a draft must be the last version",
            )
        application.numbers.append(number)
        application.last_status = values["status"]
        self.versions.add((app_id, number))
        if values["based_on"] is not None and values["based_on"] not in self.versions:
            source_app, source_number = values["based_on"]
            if self.applications.get(source_app, _AppInFile(0)).valid:
                self.error(
                    line,
                    f"based_on: version {source_number} of application {source_app!r} is not "
                    "on an earlier line of this file",
                )
        if values["certification"] is not None:
            self.use("researcher", values["certification"]["certified_by"], line)

    def resolve_pending(self) -> None:
        """Report each reference to a record defined only later in the file, or nowhere."""
        for kind, uses in self.pending.items():
            model, key_field = _PARENTS[kind]
            missing = []
            for key, line in uses.items():
                defined = self.defined[kind].get(key)
                if defined is None:
                    missing.append(key)
                else:
                    self.error(
                        line,
                        f"{kind} {key!r} is defined on line {defined}; "
                        "it must come before the lines that refer to it",
                    )
            for start in range(0, len(missing), CHUNK):
                batch = missing[start : start + CHUNK]
                found = set(
                    model.objects.filter(**{f"{key_field}__in": batch}).values_list(
                        key_field, flat=True
                    )
                )
                for key in batch:
                    if key not in found:
                        self.error(
                            uses[key],
                            f"unknown {kind} {key!r}: neither on an earlier line nor in the "
                            "database",
                        )


# ------------------------------------------------------------------------------------
# Pass 2: writing
# ------------------------------------------------------------------------------------


@dataclass
class _AppRef:
    pk: int
    declaration_pk: int
    researcher_pk: int


@dataclass
class _VersionOp:
    """One version to write: a new one, or an existing draft to update (and perhaps
    certify). Ops of one round are written together; a version comes in a later round
    than the version before it in its declaration and than the version it is based on."""

    line: int
    values: dict
    app: _AppRef
    pk: int | None = None
    new: bool = True
    replace_rows: bool = True
    based_on_key: tuple[int, int] | None = None
    round: int = 0


class _Writer:
    def __init__(self, index: _Index, report: Report, documents_dir: Path | None):
        self.index = index
        self.report = report
        self.documents_dir = documents_dir
        self.errors: list[tuple[int, str]] = []
        self.pks: dict[str, dict[str, int]] = {kind: {} for kind in _PARENTS}
        self.apps: dict[str, _AppRef] = {}
        self.failed_apps: set[str] = set()
        # (declaration pk, version number) -> version pk, for based_on
        self.version_pks: dict[tuple[int, int], int] = {}
        # (sha256, name, size) -> an existing Document, one to store, or None (no file)
        self.documents: dict[tuple[str, str, int], Document | None] = {}
        self.stored_files: list[str] = []
        self.now = timezone.now()

    def error(self, line: int, message: str) -> None:
        self.errors.append((line, message))

    def chunk(self, records: list[tuple[int, str, dict]]) -> None:
        by_type = defaultdict(list)
        for line, record_type, values in records:
            by_type[record_type].append((line, values))
        # Parents before children: a line may refer to an earlier line of the same chunk.
        self._institutions(by_type["institution"])
        self._agencies(by_type["agency"])
        self._programmes(by_type["programme"])
        self._researchers(by_type["researcher"])
        self._applications(by_type["application"])
        self._versions(by_type["declaration_version"])

    def _resolve(self, kind: str, keys: Iterable[str | None]) -> None:
        """Look up the pks of parents that are only in the database, once each."""
        known = self.pks[kind]
        missing = {key for key in keys if key is not None and key not in known}
        if missing:
            model, key_field = _PARENTS[kind]
            known.update(
                model.objects.filter(**{f"{key_field}__in": missing}).values_list(key_field, "pk")
            )

    # -- institutions, agencies, programmes: few, one by one -----------------------------

    def _upsert_each(self, kind, model, key_field, records, data_of) -> None:
        counts = self.report.counts[kind]
        keys = [values[key_field] for _line, values in records]
        existing = model.objects.in_bulk(keys, field_name=key_field)
        for _line, values in records:
            data = data_of(values)
            obj = existing.get(values[key_field])
            if obj is None:
                obj = model.objects.create(**{key_field: values[key_field]}, **data)
                counts.created += 1
            else:
                changed = [name for name, value in data.items() if _differs(obj, name, value)]
                for name in changed:
                    setattr(obj, name, data[name])
                if changed:
                    obj.save(update_fields=changed)
                    counts.updated += 1
                else:
                    counts.unchanged += 1
            self.pks[kind][values[key_field]] = obj.pk

    def _institutions(self, records):
        self._upsert_each(
            "institution",
            Institution,
            "name",
            records,
            lambda values: {name: values[name] for name in INSTITUTION_FIELDS if name != "name"},
        )

    def _agencies(self, records):
        names = [values["name"] for _line, values in records]
        holders = dict(Agency.objects.filter(name__in=names).values_list("name", "short_name"))
        accepted = []
        for line, values in records:
            holder = holders.get(values["name"], values["short_name"])
            if holder != values["short_name"]:
                self.error(line, f"agency name {values['name']!r} belongs to agency {holder!r}")
            else:
                accepted.append((line, values))
        self._upsert_each(
            "agency",
            Agency,
            "short_name",
            accepted,
            lambda values: {name: values[name] for name in AGENCY_FIELDS if name != "short_name"},
        )

    def _programmes(self, records):
        self._resolve("agency", (values["agency"] for _line, values in records))
        agencies = self.pks["agency"]
        names = [name for name in PROGRAMME_FIELDS if name not in ("code", "agency")]
        self._upsert_each(
            "programme",
            Programme,
            "code",
            [(line, values) for line, values in records if values["agency"] in agencies],
            lambda values: {
                "agency_id": agencies[values["agency"]],
                **{name: values[name] for name in names},
            },
        )

    # -- researchers ---------------------------------------------------------------------

    def _researchers(self, records):
        if not records:
            return
        counts = self.report.counts["researcher"]
        profiles_in_file = [values["profile"] for _line, values in records if values["profile"]]
        self._resolve(
            "institution",
            (row["institution"] for profile in profiles_in_file for row in profile["affiliations"]),
        )
        users = {
            user.username: user
            for user in User.objects.filter(
                username__in=[values["username"] for _line, values in records]
            ).select_related("researcher_profile")
        }
        records = self._without_identifier_conflicts(records, profiles_in_file)

        new_users, email_changed = [], []
        for _line, values in records:
            user = users.get(values["username"])
            if user is None:
                user = User(
                    username=values["username"],
                    email=values["email"],
                    role=User.Role.RESEARCHER,
                    password=make_password(None),  # unusable: they sign in by a reset
                )
                users[user.username] = user
                new_users.append(user)
            elif user.email != values["email"]:
                user.email = values["email"]
                email_changed.append(user)
        User.objects.bulk_create(new_users)
        User.objects.bulk_update(email_changed, ["email"])
        created = {user.username for user in new_users}
        changed = {user.username for user in email_changed}
        for user in users.values():
            self.pks["researcher"][user.username] = user.pk

        profiles = {
            username: user.researcher_profile
            for username, user in users.items()
            if username not in created and getattr(user, "researcher_profile", None) is not None
        }
        current = defaultdict(list)
        for row in Affiliation.objects.filter(
            profile__in=[profile.pk for profile in profiles.values()]
        ).order_by("-is_primary", "id"):
            current[row.profile_id].append(
                (row.institution_id, row.department, row.job_title, row.is_primary)
            )

        new_profiles, changed_profiles, replaced, affiliations = [], [], [], []
        institutions = self.pks["institution"]
        for _line, values in records:
            username, data = values["username"], values["profile"]
            if data is not None:
                fields = {name: data[name] for name in PROFILE_FIELDS}
                wanted = [
                    (
                        institutions[row["institution"]],
                        row["department"],
                        row["job_title"],
                        row["is_primary"],
                    )
                    for row in data["affiliations"]
                ]
                profile = profiles.get(username)
                if profile is None:
                    profile = ResearcherProfile(user=users[username], **fields)
                    new_profiles.append(profile)
                    affiliations.append((profile, wanted))
                    changed.add(username)
                else:
                    differing = [n for n, v in fields.items() if getattr(profile, n) != v]
                    if differing:
                        for name in differing:
                            setattr(profile, name, fields[name])
                        profile.updated_at = self.now
                        changed_profiles.append(profile)
                        changed.add(username)
                    if wanted != current[profile.pk]:
                        replaced.append(profile.pk)
                        affiliations.append((profile, wanted))
                        changed.add(username)
            if username in created:
                counts.created += 1
            elif username in changed:
                counts.updated += 1
            else:
                counts.unchanged += 1
        ResearcherProfile.objects.bulk_create(new_profiles)
        ResearcherProfile.objects.bulk_update(changed_profiles, [*PROFILE_FIELDS, "updated_at"])
        Affiliation.objects.filter(profile_id__in=replaced).delete()
        Affiliation.objects.bulk_create(
            Affiliation(
                profile=profile,
                institution_id=institution,
                department=department,
                job_title=job_title,
                is_primary=is_primary,
            )
            for profile, rows in affiliations
            for institution, department, job_title, is_primary in rows
        )

    def _without_identifier_conflicts(self, records, profiles_in_file):
        """Drop (and report) researchers whose ORCID iD or researcher number belongs to
        another user in the database."""
        orcids = [profile["orcid"] for profile in profiles_in_file if profile["orcid"]]
        numbers = [
            profile["researcher_number"]
            for profile in profiles_in_file
            if profile["researcher_number"]
        ]
        if not orcids and not numbers:
            return records
        holders = {}
        for orcid, number, username in ResearcherProfile.objects.filter(
            Q(orcid__in=orcids) | Q(researcher_number__in=numbers)
        ).values_list("orcid", "researcher_number", "user__username"):
            holders[("orcid", orcid)] = username
            holders[("researcher_number", number)] = username
        accepted = []
        for line, values in records:
            profile = values["profile"] or {}
            conflicts = [
                (label, profile[name], holders[(name, profile[name])])
                for name, label in (
                    ("orcid", "ORCID iD"),
                    ("researcher_number", "researcher number"),
                )
                if profile.get(name)
                and holders.get((name, profile[name]), values["username"]) != values["username"]
            ]
            for label, value, holder in conflicts:
                self.error(line, f"{label} {value!r} belongs to user {holder!r} in the database")
            if not conflicts:
                accepted.append((line, values))
        return accepted

    # -- applications --------------------------------------------------------------------

    def _applications(self, records):
        if not records:
            return
        counts = self.report.counts["application"]
        for kind in ("researcher", "programme", "institution"):
            self._resolve(kind, (values[kind] for _line, values in records))
        researchers, programmes = self.pks["researcher"], self.pks["programme"]
        institutions = self.pks["institution"]
        accepted = []
        for line, values in records:
            if values["researcher"] in researchers and values["programme"] in programmes:
                accepted.append((line, values))
            else:  # its researcher or programme was refused on its own line
                self.failed_apps.add(values["id"])
        existing = defaultdict(list)
        for application in Application.objects.filter(
            researcher_id__in={researchers[values["researcher"]] for _l, values in accepted},
            created_at__in={values["created_at"] for _l, values in accepted},
        ).select_related("declaration"):
            natural = (application.researcher_id, application.programme_id, application.created_at)
            existing[natural].append(application)

        new, changed, refs = [], [], []
        for line, values in accepted:
            data = {name: values[name] for name in APPLICATION_VALUE_FIELDS}
            data["institution_id"] = institutions[values["institution"]]
            researcher, programme = (
                researchers[values["researcher"]],
                programmes[values["programme"]],
            )
            matches = existing.get((researcher, programme, values["created_at"]), [])
            if len(matches) > 1:
                self.error(line, f"{len(matches)} applications in the database match it")
                self.failed_apps.add(values["id"])
                continue
            if matches:
                application = matches[0]
                differing = [n for n, v in data.items() if _differs(application, n, v)]
                for name in differing:
                    setattr(application, name, data[name])
                if differing:
                    application.updated_at = self.now
                    changed.append(application)
                    counts.updated += 1
                else:
                    counts.unchanged += 1
            else:
                application = Application(researcher_id=researcher, programme_id=programme, **data)
                new.append((application, values["created_at"]))
            refs.append((values["id"], application))

        Application.objects.bulk_create(application for application, _created in new)
        counts.created += len(new)
        # The creation time is part of the application's identity: auto_now_add replaced
        # it on insert, so it is written again.
        for application, created_at in new:
            application.created_at = created_at
        Application.objects.bulk_update([a for a, _c in new], ["created_at"])
        Application.objects.bulk_update(
            changed, [*APPLICATION_VALUE_FIELDS, "institution", "updated_at"]
        )
        declarations = {}
        for _app_id, application in refs:
            declaration = getattr(application, "declaration", None)
            if declaration is None:
                declarations[application.pk] = Declaration(application=application)
        Declaration.objects.bulk_create(declarations.values())
        for app_id, application in refs:
            declaration = declarations.get(application.pk) or application.declaration
            self.apps[app_id] = _AppRef(application.pk, declaration.pk, application.researcher_id)

    # -- declaration versions ------------------------------------------------------------

    def _versions(self, records):
        if not records:
            return
        counts = self.report.counts["declaration_version"]
        records = [(n, v) for n, v in records if v["application"] not in self.failed_apps]
        self._resolve(
            "researcher",
            (v["certification"]["certified_by"] for _l, v in records if v["certification"]),
        )
        stored_versions = {}
        drafts_in_db = defaultdict(list)
        for version in DeclarationVersion.objects.filter(
            declaration_id__in={self.apps[v["application"]].declaration_pk for _l, v in records}
        ).only("pk", "declaration_id", "number", "status", "fingerprint", "based_on_id"):
            key = (version.declaration_id, version.number)
            stored_versions[key] = version
            self.version_pks[key] = version.pk
            if version.is_draft:
                drafts_in_db[version.declaration_id].append(version.number)

        # Certified versions already stored are compared and left alone; the rest are ops.
        candidates = []
        for line, values in records:
            app = self.apps[values["application"]]
            stored = stored_versions.get((app.declaration_pk, values["number"]))
            if stored is None or stored.is_draft:
                candidates.append((line, values, app, stored))
                continue
            certification = values["certification"]
            if certification is None:
                self.error(
                    line,
                    f"version {values['number']} is certified in the database; "
                    "a draft cannot replace it",
                )
            elif certification["fingerprint"] != stored.fingerprint:
                self.error(
                    line,
                    f"version {values['number']} is certified in the database with fingerprint "
                    f"{stored.fingerprint}, not {certification['fingerprint']}; "
                    "a certified version is never overwritten",
                )
            else:
                counts.unchanged += 1
        self._resolve_documents([(line, values) for line, values, _a, _s in candidates])
        rows_in_db = _rows_of([stored.pk for _l, _v, _a, stored in candidates if stored])

        ops: list[_VersionOp] = []
        last_op: dict[int, _VersionOp] = {}
        op_of: dict[tuple[int, int], _VersionOp] = {}
        for line, values, app, stored in candidates:
            op = _VersionOp(line=line, values=values, app=app)
            if values["based_on"] is not None:
                source_app, source_number = values["based_on"]
                if source_app not in self.apps:  # refused on its own line
                    continue
                op.based_on_key = (self.apps[source_app].declaration_pk, source_number)
            if stored is not None:
                op.new, op.pk = False, stored.pk
                op.replace_rows = rows_in_db[stored.pk] != self._file_rows(values)
                same_source = self.version_pks.get(op.based_on_key) == stored.based_on_id
                if values["certification"] is None and not op.replace_rows and same_source:
                    counts.unchanged += 1
                    continue
            else:
                numbers = self.index.applications[values["application"]].numbers
                others = [n for n in drafts_in_db[app.declaration_pk] if n not in numbers]
                if others:
                    self.error(
                        line,
                        f"the database holds draft version {others[0]} of this application, "
                        "which this file does not contain",
                    )
                    continue
            previous, source = last_op.get(app.declaration_pk), op_of.get(op.based_on_key)
            op.round = max(previous.round + 1 if previous else 0, source.round + 1 if source else 0)
            last_op[app.declaration_pk] = op_of[(app.declaration_pk, values["number"])] = op
            ops.append(op)
        for round_number in sorted({op.round for op in ops}):
            self._write_round([op for op in ops if op.round == round_number], counts)

    def _write_round(self, ops: list[_VersionOp], counts: Counts) -> None:
        based_on = {id(op): self.version_pks.get(op.based_on_key) for op in ops}
        new = [op for op in ops if op.new]
        versions = DeclarationVersion.objects.bulk_create(
            DeclarationVersion(
                declaration_id=op.app.declaration_pk,
                number=op.values["number"],
                status=DRAFT,
                based_on_id=based_on[id(op)],
            )
            for op in new
        )
        for op, version in zip(new, versions, strict=True):
            op.pk = version.pk
        counts.created += len(new)
        counts.updated += len(ops) - len(new)
        for op in ops:
            self.version_pks[(op.app.declaration_pk, op.values["number"])] = op.pk
        drafts = DeclarationVersion.objects.filter(status=DRAFT)
        drafts.bulk_update(
            [
                DeclarationVersion(pk=op.pk, based_on_id=based_on[id(op)])
                for op in ops
                if not op.new
            ],
            ["based_on"],
        )
        # Rows are written while their version is still a draft ...
        replaced = [op.pk for op in ops if not op.new and op.replace_rows]
        for model, _related in SECTIONS.values():
            if replaced:
                model.objects.filter(version_id__in=replaced).delete()
            model.objects.bulk_create(
                row for op in ops if op.replace_rows for row in self._rows(model, op)
            )
        # ... which is then certified, exactly once, with its original metadata: the same
        # UPDATE, conditional on the version still being a draft, as declaration_certify.
        for op in ops:
            certification = op.values["certification"]
            if certification is None:
                continue
            flipped = DeclarationVersion.objects.filter(pk=op.pk, status=DRAFT).update(
                status=CERTIFIED,
                certified_at=certification["certified_at"],
                certified_by_id=self.pks["researcher"].get(certification["certified_by"]),
                certified_ip=certification["ip"],
                certification_statement=certification["statement"],
                signature=certification["signature"],
                language=certification["language"],
                content=certification["content"],
                fingerprint=certification["fingerprint"],
            )
            if not flipped:  # pragma: no cover - nothing else writes in this transaction
                raise IntegrityError(f"line {op.line}: the version changed while being certified")

    # -- rows and contract documents -----------------------------------------------------

    def _rows(self, model, op: _VersionOp) -> list:
        items = []
        for position, row in enumerate(op.values["sections"][_SECTION_OF[model]]):
            item = model(version_id=op.pk, key=row["key"], position=position, **row["values"])
            if model is Contract:
                item.document = self._document_for(row["document"], op)
            items.append(item)
        return items

    def _file_rows(self, values: dict) -> dict:
        """A file record's rows as the database would give them back, to compare."""
        result = {}
        for section, (model, _related) in SECTIONS.items():
            items = []
            for row in values["sections"][section]:
                item = model(key=row["key"], **row["values"])
                if model is Contract:
                    meta = row["document"]
                    item.document = self.documents.get(_document_key(meta)) if meta else None
                items.append(item_content(item))
            result[section] = items
        return result

    def _document_for(self, meta: dict | None, op: _VersionOp) -> Document | None:
        if meta is None:
            return None
        document = self.documents.get(_document_key(meta))
        if document is None:
            self.report.documents_missing.append((op.line, meta["sha256"]))
        elif document._state.adding:  # a PDF found beside the file: stored on first use
            data = document.read_pdf()
            if hashlib.sha256(data).hexdigest() != document.sha256:
                raise IntegrityError(f"line {op.line}: {document.sha256}.pdf changed meanwhile")
            document.uploaded_by_id = op.app.researcher_pk
            document.file.save("upload.pdf", ContentFile(data), save=False)
            self.stored_files.append(document.file.name)
            document.save()
            self.report.documents_stored += 1
        else:
            self.report.documents_linked += 1
        return document

    def _resolve_documents(self, records) -> None:
        """For each contract document these records name: an existing Document with the
        same hash, name and size; or the PDF's bytes (from the documents directory, or
        from a stored Document with the same hash) to store a new one; or None."""
        wanted = {}
        for line, values in records:
            for row in values["sections"]["contracts"]:
                if row["document"] is not None:
                    key = _document_key(row["document"])
                    if key not in self.documents:
                        wanted.setdefault(key, line)
        if not wanted:
            return
        same_hash = defaultdict(list)
        for document in Document.objects.filter(sha256__in={key[0] for key in wanted}).order_by(
            "uploaded_at", "pk"
        ):
            same_hash[document.sha256].append(document)
        for key, line in wanted.items():
            sha256, name, size = key
            exact = [d for d in same_hash[sha256] if (d.original_name, d.size) == (name, size)]
            if exact:
                self.documents[key] = exact[0]
                continue
            self.documents[key] = None
            read = self._pdf_reader(sha256, size, same_hash[sha256])
            if read is None:
                continue
            try:
                validate_pdf_upload(ContentFile(read(), name=name))
            except ValidationError as error:
                self.error(line, f"contract document {sha256}: {' '.join(error.messages)}")
                continue
            # Only how to read it is kept: the bytes are read again when it is stored.
            document = Document(original_name=name, size=size, sha256=sha256)
            document.read_pdf = read
            self.documents[key] = document

    def _pdf_reader(self, sha256: str, size: int, same_hash: list[Document]):
        """A function returning the PDF with this hash and size, or None if there is none:
        from the documents directory, or from a stored Document with the same hash."""
        readers = [lambda d=document: _read_stored(d) for document in same_hash]
        if self.documents_dir is not None:
            path = self.documents_dir / f"{sha256}.pdf"
            readers.insert(0, path.read_bytes)
        for read in readers:
            try:
                data = read()
            except OSError:
                continue
            if len(data) == size and hashlib.sha256(data).hexdigest() == sha256:
                return read
        return None

    def discard_stored_files(self) -> None:
        """The transaction rolled back: remove the PDFs written to storage meanwhile."""
        storage = Document._meta.get_field("file").storage
        for name in self.stored_files:
            storage.delete(name)


def _by_line(errors: list[tuple[int, str]]) -> list[tuple[int, str]]:
    return sorted(errors, key=lambda error: error[0])


def _document_key(meta: dict) -> tuple[str, str, int]:
    return (meta["sha256"], meta["name"], meta["size"])


def _read_stored(document: Document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def _rows_of(version_pks: list[int]) -> dict[int, dict]:
    """The current rows of these draft versions, as item_content gives them."""
    result = {pk: {section: [] for section in SECTIONS} for pk in version_pks}
    if version_pks:
        for section, (model, _related) in SECTIONS.items():
            items = model.objects.filter(version_id__in=version_pks).order_by(
                "version_id", "position", "id"
            )
            if model is Contract:
                items = items.select_related("document")
            for item in items:
                result[item.version_id][section].append(item_content(item))
    return result


def _differs(obj, name: str, value) -> bool:
    current = getattr(obj, name)
    if isinstance(current, Country):
        current = current.code
    return current != value


# ------------------------------------------------------------------------------------


def validate_file(path: Path) -> _Index:
    """Pass 1. Raises ImportFailed listing what is wrong, by line."""
    index = _Index()
    with open(path, "rb") as stream:
        for line, obj, error in _decoded(stream):
            if error is not None:
                index.error(line, error)
                continue
            try:
                record_type, values = clean_record(obj)
            except RecordInvalid as invalid:
                for message in invalid.messages:
                    index.error(line, message)
                index.add_invalid(line, obj)
                continue
            index.add(line, record_type, values)
    index.resolve_pending()
    if index.total_errors:
        raise ImportFailed(_by_line(index.errors), index.total_errors)
    return index


def import_file(path: Path, *, documents_dir: Path | None = None, dry_run: bool = False) -> Report:
    """Validate and import one file, all or nothing. Raises ImportFailed, having imported
    nothing; with ``dry_run`` does everything and then rolls back."""
    index = validate_file(path)
    report = Report(dry_run=dry_run)
    writer = _Writer(index, report, documents_dir)
    try:
        with transaction.atomic():
            with open(path, "rb") as stream:
                chunk = []
                for line, obj, error in _decoded(stream):
                    try:
                        if error is not None:
                            raise RecordInvalid([error])
                        chunk.append((line, *clean_record(obj)))
                    except RecordInvalid:
                        raise ImportFailed(
                            [(line, "the file changed while it was imported")]
                        ) from None
                    if len(chunk) == CHUNK:
                        writer.chunk(chunk)
                        chunk = []
                writer.chunk(chunk)
            if writer.errors:
                raise ImportFailed(_by_line(writer.errors)[:MAX_ERRORS], len(writer.errors))
            if dry_run:
                raise _DryRun
    except _DryRun:
        writer.discard_stored_files()
    except IntegrityError as error:
        writer.discard_stored_files()
        raise ImportFailed([(0, f"the database refused the import: {error}")]) from error
    except BaseException:
        writer.discard_stored_files()
        raise
    return report
