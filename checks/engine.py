"""Runs the rules over many filings at once.

The engine gathers, for a chunk of certified versions, everything the rules read (the
researchers' other filings, their evidence, restricted-list matches for every organisation
named, contract texts) in a handful of queries, evaluates each rule on each filing, and
hands the findings to ``flags_sync``.
"""

import gc
import io
import logging
import threading
from collections import defaultdict
from contextlib import contextmanager
from functools import lru_cache

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from disclosures.models import DeclarationVersion, Document

from .matching import ListIndex
from .models import ContractText, Evidence, ListedEntity, Snapshot
from .rules import RULES
from .rules.base import CheckContext, EvidenceFact, Filing
from .rules.restricted_entity import screened_names
from .selectors import current_list_snapshots
from .services import filing_checks_record, flags_resolve_superseded, flags_sync

logger = logging.getLogger(__name__)

FILING_RULES = [code for code, rule in RULES.items() if not rule.application_level]


try:  # a much faster JSON parser, installed with rigour; the standard one otherwise
    from orjson import loads as _json_loads
except ImportError:  # pragma: no cover
    from json import loads as _json_loads

# What the rules read of each filing, fetched as plain values (no model instances); the
# content as JSON text, parsed here.
_FILING_FIELDS = (
    "pk",
    "declaration__application_id",
    "declaration__application__researcher_id",
    "number",
    "certified_at",
    "content_text",
    "declaration__application__institution__country",
)


def _filings(version_ids) -> list[Filing]:
    """The certified versions among these ids, as the rules see them."""
    rows = (
        DeclarationVersion.objects.certified()
        .filter(pk__in=list(version_ids))
        .annotate(content_text=Cast("content", output_field=TextField()))
        .order_by()  # callers order them; a sort here would move every content text
        .values_list(*_FILING_FIELDS)
    )
    return [
        Filing(
            version_id=pk,
            application_id=application_id,
            researcher_id=researcher_id,
            number=number,
            certified_at=certified_at,
            content=_json_loads(content),
            home_country=str(country or ""),
        )
        for pk, application_id, researcher_id, number, certified_at, content, country in rows
    ]


def _other_filings(filings: list[Filing]) -> dict[int, list[Filing]]:
    """Each researcher's latest certified filings, by researcher id.

    The latest certified version of each of their declarations is picked from a light
    query (ids and numbers only); only the filings not already at hand are then loaded.
    """
    researcher_ids = {f.researcher_id for f in filings}
    latest: dict[int, tuple[int, int]] = {}  # declaration id -> (number, version id)
    rows = (
        DeclarationVersion.objects.certified()
        .filter(declaration__application__researcher_id__in=list(researcher_ids))
        .order_by()
        .values_list("declaration_id", "number", "pk")
    )
    for declaration_id, number, pk in rows:
        if declaration_id not in latest or number > latest[declaration_id][0]:
            latest[declaration_id] = (number, pk)
    order = {pk: declaration_id for declaration_id, (_number, pk) in latest.items()}
    known = {f.version_id: f for f in filings if f.version_id in order}
    loaded = [*known.values(), *_filings(sorted(set(order) - set(known)))]
    by_researcher = defaultdict(list)
    # In the order the versions' model gives (declaration, number), as before.
    for filing in sorted(loaded, key=lambda f: order[f.version_id]):
        by_researcher[filing.researcher_id].append(filing)
    return by_researcher


def _evidence(filings: list[Filing]) -> dict[int, list[EvidenceFact]]:
    """Evidence by researcher id, matched on ORCID iD or researcher number, never name."""
    from disclosures.models import ResearcherProfile

    by_orcid, by_number = defaultdict(set), defaultdict(set)
    profiles = ResearcherProfile.objects.filter(
        user_id__in=list({f.researcher_id for f in filings})
    ).values_list("user_id", "orcid", "researcher_number")
    for researcher_id, orcid, researcher_number in profiles:
        if orcid:
            by_orcid[orcid].add(researcher_id)
        if researcher_number:
            by_number[researcher_number].add(researcher_id)
    if not by_orcid and not by_number:
        return {}
    facts = defaultdict(list)
    rows = Evidence.objects.filter(
        Q(orcid__in=list(by_orcid)) | Q(researcher_number__in=list(by_number))
    ).values_list(
        "pk",
        "kind",
        "snapshot__kind",
        "snapshot__published_on",
        "organisation_name",
        "organisation_country",
        "title",
        "award_id",
        "doi",
        "start_date",
        "end_date",
        "details",
        "orcid",
        "researcher_number",
    )
    for (
        pk,
        kind,
        source,
        published_on,
        organisation_name,
        organisation_country,
        title,
        award_id,
        doi,
        start_date,
        end_date,
        details,
        orcid,
        researcher_number,
    ) in rows.iterator(chunk_size=2000):
        fact = EvidenceFact(
            id=pk,
            kind=kind,
            source=source,
            snapshot_published_on=published_on.isoformat(),
            organisation_name=organisation_name,
            organisation_country=organisation_country,
            title=title,
            award_id=award_id,
            doi=doi,
            start_date=start_date,
            end_date=end_date,
            details=details,
        )
        for researcher_id in by_orcid.get(orcid, set()) | by_number.get(researcher_number, set()):
            facts[researcher_id].append(fact)
    return facts


# Threads of one process share the collector: the first to pause it notes whether it was
# running, the last to leave restores that.
_gc_pause_lock = threading.Lock()
_gc_pause = {"holders": 0, "restore": False}


# A context manager made by @contextmanager also decorates: @_cyclic_gc_paused().
@contextmanager
def _cyclic_gc_paused():
    """Pause Python's cycle collector (reference counting still frees everything).

    A chunk parses hundreds of thousands of small dicts and lists (the filings' content)
    that die with the chunk and form no cycles; building the list index makes millions
    that live on. Meanwhile the collector would walk the process's long-lived objects (the
    index, the screening cache) again and again: measured on the bench, a third of a
    chunk's CPU time and of the index's build time. Collection resumes afterwards, so any
    cycle made in between is still collected.
    """
    with _gc_pause_lock:
        if _gc_pause["holders"] == 0:
            _gc_pause["restore"] = gc.isenabled()
            gc.disable()
        _gc_pause["holders"] += 1
    try:
        yield
    finally:
        with _gc_pause_lock:
            _gc_pause["holders"] -= 1
            if _gc_pause["holders"] == 0 and _gc_pause["restore"]:
                gc.enable()


@lru_cache(maxsize=2)
@_cyclic_gc_paused()
def _list_index(snapshot_keys: tuple[tuple, ...]) -> tuple[ListIndex, dict]:
    """The matcher over the current lists, built once per worker process per set of
    snapshots (loading a new list changes the key and so rebuilds it)."""
    snapshot_ids = [key[0] for key in snapshot_keys]
    entries, info = [], {}
    rows = ListedEntity.objects.filter(snapshot_id__in=snapshot_ids).select_related("snapshot")
    for entity in rows.iterator(chunk_size=5000):
        entries.append((entity.pk, [entity.name, *entity.aliases]))
        info[entity.pk] = {
            "entity_id": entity.pk,
            "entity_name": entity.name,
            "source_id": entity.source_id or str(entity.pk),
            "entity_country": entity.country,
            "programs": entity.programs,
            "list_kind": entity.snapshot.kind,
            "published_on": entity.snapshot.published_on.isoformat(),
            "snapshot_sha256": entity.snapshot.sha256,
            "snapshot_id": entity.snapshot_id,
        }
    return ListIndex(entries), info


def current_list_index() -> tuple[ListIndex, dict] | None:
    snapshots = current_list_snapshots()
    if not snapshots:
        return None
    return _list_index(tuple(sorted((s.pk, s.sha256, s.loaded_at) for s in snapshots)))


def list_index_prepare() -> int:
    """Build the matcher over the current lists now, and return its number of entries.

    A worker calls this before it forks its pool processes (``portal/celery.py``), so that
    they share one index, built once, instead of each building its own on its first check.
    """
    loaded = current_list_index()
    return len(loaded[0]) if loaded else 0


# Screening results of this process, for the list index they came from: a full run screens
# the same organisations in many chunks, and a name's matches depend only on the name and
# the lists. Reset whenever the lists (and so the index) change; bounded in size.
_screened: dict = {"index": None, "results": {}}
SCREENED_CACHE_MAX = 500_000


def screen_names(names) -> dict[str, list[dict]]:
    """Restricted-list matches for each name, as rules and the screening page use them."""
    names = sorted({n for n in names if n and n.strip()})
    loaded = current_list_index()
    if loaded is None or not names:
        return {}
    index, info = loaded
    if _screened["index"] is not index:
        _screened["index"], _screened["results"] = index, {}
    cache = _screened["results"]
    todo = [name for name in names if name not in cache]
    if todo:
        if len(cache) + len(todo) > SCREENED_CACHE_MAX:
            cache.clear()
        for name, matches in zip(todo, index.match(todo), strict=True):
            cache[name] = tuple(
                {
                    **info[m.entry_id],
                    "matched_name": m.matched_name,
                    "score": round(m.score, 1),
                    "method": m.method,
                }
                for m in matches
            )
    # Fresh dicts for every caller: the screening page adds keys and sorts in place.
    return {name: [dict(m) for m in cache[name]] for name in names if cache[name]}


def _contract_texts(filings: list[Filing]) -> dict[str, list[str]]:
    """Text of every contract document the filings name, extracted once and kept."""
    wanted = {
        item["document"]["sha256"]
        for f in filings
        for item in f.items("contracts")
        if item.get("document")
    }
    if not wanted:
        return {}
    texts = {}
    documents = Document.objects.filter(sha256__in=wanted).select_related("extracted_text")
    for document in documents:
        if document.sha256 in texts:
            continue
        stored = getattr(document, "extracted_text", None)
        if stored is None:
            stored, _created = ContractText.objects.get_or_create(
                document=document, defaults={"pages": extract_pages(document)}
            )
        texts[document.sha256] = stored.pages
    return texts


def extract_pages(document: Document) -> list[str]:
    from pypdf import PdfReader

    try:
        with document.file.open("rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
            return [page.extract_text() or "" for page in reader.pages]
    except Exception:  # a damaged PDF must not stop the other checks
        logger.exception("Could not read the text of document %s", document.pk)
        return []


@_cyclic_gc_paused()
def check_versions(version_ids, rules=None) -> dict:
    """Evaluate the filing rules on these certified versions and sync their flags."""
    rules = [r for r in (rules or FILING_RULES) if r in FILING_RULES]
    filings = _filings(version_ids)
    if not filings:
        return {"filings": 0}
    others = (
        _other_filings(filings)
        if {"inconsistent_filings", "duplicate_funding"} & set(rules)
        else {}
    )
    evidence = _evidence(filings) if "undeclared_evidence" in rules else {}
    matches = {}
    if "restricted_entity" in rules:
        matches = screen_names(name for f in filings for _s, _i, name in screened_names(f))
    texts = _contract_texts(filings) if "contract_clauses" in rules else {}
    today = timezone.localdate()
    results = []
    for filing in filings:
        context = CheckContext(
            filing=filing,
            other_filings=[
                o
                for o in others.get(filing.researcher_id, [])
                if o.application_id != filing.application_id
            ],
            evidence=evidence.get(filing.researcher_id, []),
            list_matches=matches,
            contract_texts=texts,
            home_country=filing.home_country,
            today=today,
        )
        for code in rules:
            results.append(
                (filing.application_id, filing.version_id, code, RULES[code].evaluate(context))
            )
    counts = flags_sync(results=results)
    # Only an amendment (version 2 on) has older versions whose flags it supersedes.
    amendments = [f.version_id for f in filings if f.number > 1]
    counts["superseded"] = flags_resolve_superseded(version_ids=amendments) if amendments else 0
    filing_checks_record(version_ids=[f.version_id for f in filings])
    counts["filings"] = len(filings)
    return counts


def check_missing_declarations(application_ids=None) -> dict:
    """Applications past their programme's deadline with no certified declaration."""
    from funding.models import Application

    rule = RULES["missing_declaration"]
    today = timezone.localdate()
    applications = Application.objects.filter(programme__declaration_required=True)
    if application_ids is not None:
        applications = applications.filter(pk__in=application_ids)
    certified = set(
        DeclarationVersion.objects.certified()
        .filter(declaration__application__in=applications)
        .values_list("declaration__application_id", flat=True)
    )
    totals = defaultdict(int)
    results = []
    rows = applications.values_list("pk", "programme__code", "programme__closes_on")
    for application_id, code, closes_on in rows.iterator(chunk_size=5000):
        findings = rule.evaluate_application(
            programme=code,
            deadline=closes_on,
            has_certified=application_id in certified,
            today=today,
        )
        results.append((application_id, None, rule.code, findings))
        if len(results) == 5000:
            for key, value in flags_sync(results=results).items():
                totals[key] += value
            results = []
    if results:
        for key, value in flags_sync(results=results).items():
            totals[key] += value
    return dict(totals)


def snapshot_kinds_rules(kind: str) -> list[str]:
    """Which rules a newly loaded snapshot of this kind can change."""
    if kind in Snapshot.RESTRICTED_LISTS:
        return ["restricted_entity"]
    if kind in Snapshot.EVIDENCE:
        return ["undeclared_evidence"]
    return []
