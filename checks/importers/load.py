"""Write one reference file as one immutable snapshot: all rows or nothing."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction

from checks.models import Evidence, ListedEntity, RegistryOrganisation, Snapshot

from .base import ParseResult, ReferenceImportError, RowError, read_bytes
from .csl import parse_csl
from .meti import parse_meti
from .opensanctions import parse_opensanctions
from .orcid import parse_orcid
from .outside_posts import parse_outside_posts
from .ror import parse_ror
from .works import parse_crossref, parse_openalex

BATCH_SIZE = 2000

PARSERS = {
    Snapshot.Kind.CSL: parse_csl,
    Snapshot.Kind.OPENSANCTIONS: parse_opensanctions,
    Snapshot.Kind.ROR: parse_ror,
    Snapshot.Kind.ORCID: parse_orcid,
    Snapshot.Kind.CROSSREF: parse_crossref,
    Snapshot.Kind.OPENALEX: parse_openalex,
    Snapshot.Kind.OUTSIDE_POSTS: parse_outside_posts,
}
FORMATS = {Snapshot.Kind.METI_EUL: ("csv", "pdf")}


def model_for(kind: str):
    if kind in Snapshot.RESTRICTED_LISTS:
        return ListedEntity
    if kind == Snapshot.Kind.ROR:
        return RegistryOrganisation
    return Evidence


def file_sha256(file: Any) -> str:
    """SHA-256 of the file's bytes as they are (before any gunzip), read in chunks."""
    if isinstance(file, bytes | bytearray | memoryview):
        return hashlib.sha256(file).hexdigest()
    if isinstance(file, str | Path):
        with open(file, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    digest = hashlib.sha256()
    if hasattr(file, "chunks"):  # Django's File: chunks() starts from the beginning
        for chunk in file.chunks():
            digest.update(chunk)
        return digest.hexdigest()
    file.seek(0)
    while chunk := file.read(1 << 20):
        digest.update(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
    return digest.hexdigest()


def parse(kind: str, data: Any, *, file_format: str | None = None) -> ParseResult:
    """Parse ``data`` (bytes, a path or a file-like object) as a reference file of
    ``kind``; no database access."""
    _check_arguments(kind, file_format)
    if kind == Snapshot.Kind.METI_EUL:
        return parse_meti(data, file_format)
    return PARSERS[kind](data)


def _check_arguments(kind: str, file_format: str | None) -> None:
    if kind not in Snapshot.Kind.values:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(Snapshot.Kind.values)}")
    if file_format is not None and file_format not in FORMATS.get(kind, ()):
        allowed = FORMATS.get(kind)
        raise ValueError(
            f"{kind} files have one format; --format does not apply"
            if not allowed
            else f"unknown format {file_format!r} for {kind}; one of {', '.join(allowed)}"
        )


@dataclass
class LoadResult:
    """``created`` is False when the same file (kind and SHA-256) was loaded before: then
    ``snapshot`` is that earlier snapshot and nothing was written."""

    snapshot: Snapshot
    created: bool
    skipped: int = 0

    @property
    def already_loaded(self) -> bool:
        return not self.created

    @property
    def row_count(self) -> int:
        return self.snapshot.row_count


def snapshot_load(
    *,
    kind: str,
    file: Any,
    source_name: str,
    published_on: datetime.date | str,
    user=None,
    institution=None,
    file_format: str | None = None,
) -> LoadResult:
    """Load a reference file as a new Snapshot with its rows, or return the existing one.

    ``file`` is bytes, a path or a file-like object (an upload). The same bytes of the same
    kind load once: a second call returns the first snapshot (``created=False``). Otherwise
    the whole file is parsed first; any error raises ``ReferenceImportError`` and nothing is
    written. Then the snapshot and all its rows are written in one transaction.

    ``institution`` is required for approved outside posts (the research office's own
    records) and recorded on the snapshot for any kind.
    """
    _check_arguments(kind, file_format)
    if kind == Snapshot.Kind.OUTSIDE_POSTS and institution is None:
        raise ValueError("approved outside posts are an institution's records: pass institution")
    if isinstance(published_on, str):
        published_on = datetime.date.fromisoformat(published_on)
    if not source_name and isinstance(file, str | Path):
        source_name = Path(file).name
    if not isinstance(file, bytes | bytearray | memoryview | str | Path) and not (
        hasattr(file, "seekable") and file.seekable()
    ):
        file = read_bytes(file)  # a stream read once: keep its bytes to hash and parse
    sha256 = file_sha256(file)

    existing = _existing(kind, sha256, institution)
    if existing is not None:
        return LoadResult(snapshot=existing, created=False)

    result = parse(kind, file, file_format=file_format)
    result.raise_if_errors()
    model = model_for(kind)
    try:
        with transaction.atomic():
            snapshot = Snapshot.objects.create(
                kind=kind,
                source=(source_name or "")[:300],
                published_on=published_on,
                sha256=sha256,
                row_count=len(result.rows),
                institution=institution,
                loaded_by=user,
            )
            model.objects.bulk_create(
                (model(snapshot=snapshot, **row) for row in result.rows), batch_size=BATCH_SIZE
            )
    except IntegrityError:
        # Another load of the same file won the race: that snapshot stands.
        existing = _existing(kind, sha256, institution)
        if existing is None:
            raise
        return LoadResult(snapshot=existing, created=False)
    return LoadResult(snapshot=snapshot, created=True, skipped=result.skipped)


def _existing(kind: str, sha256: str, institution) -> Snapshot | None:
    existing = Snapshot.objects.filter(kind=kind, sha256=sha256).first()
    other = existing.institution_id if existing is not None else None
    if other is not None and institution is not None and other != institution.pk:
        raise ReferenceImportError(
            [RowError(0, "this exact file was already loaded for another institution", "")]
        )
    return existing
