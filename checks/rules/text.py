"""Text helpers shared by the rules: comparable organisation names and passages."""

import difflib
import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# A passage counts as shared from this many tokens on (words, or characters of CJK text).
MIN_PASSAGE_TOKENS = 8

# Texts are compared within a researcher's filings, which share a chunk: the caches need
# to hold a chunk's texts, not a year's (at 100,000 entries they grew to about 1 GiB per
# worker process at national scale, with no gain in speed).
TEXT_CACHE_SIZE = 20_000


def tokens(text: str) -> list[str]:
    """Words of Latin-script text; single characters of Japanese and Chinese text, which
    has no spaces between words."""
    return list(_tokens(text))


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def _tokens(text: str) -> tuple[str, ...]:
    # The same titles and objectives are compared again and again (a filing with each of
    # its support rows and the researcher's other filings): tokenise each text once.
    out = []
    for word in _WORD.findall(unicodedata.normalize("NFKC", text or "").casefold()):
        if _CJK.search(word):
            out.extend(word)
        else:
            out.append(word)
    return tuple(out)


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def _passage_grams(text: str) -> frozenset:
    n = MIN_PASSAGE_TOKENS
    words = _tokens(text)
    return frozenset(words[i : i + n] for i in range(len(words) - n + 1))


def shared_coverage_bound(a: str, b: str) -> float:
    """An upper bound of ``shared_passages(a, b)[0]``, cheap: every shared passage of ``a``
    is made of runs of MIN_PASSAGE_TOKENS tokens that also occur in ``b``, so the passages
    cover at most the tokens of ``a`` that such runs cover."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    grams = _passage_grams(b)
    if grams.isdisjoint(_passage_grams(a)):
        return 0.0  # the usual case, found without walking the text
    n, covered, reach = MIN_PASSAGE_TOKENS, 0, 0
    for i in range(len(ta) - n + 1):
        if ta[i : i + n] in grams:
            covered += i + n - max(i, reach)
            reach = i + n
    return covered / min(len(ta), len(tb))


def shared_passages(a: str, b: str, limit: int = 3) -> tuple[float, list[str]]:
    """How much of the shorter text reappears in the other, and the longest passages
    that do (as they read in ``a``)."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0, []
    matcher = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    blocks = [m for m in matcher.get_matching_blocks() if m.size >= MIN_PASSAGE_TOKENS]
    covered = sum(m.size for m in blocks)
    coverage = covered / min(len(ta), len(tb))
    blocks.sort(key=lambda m: m.size, reverse=True)
    joiner = "" if _CJK.search(a or "") else " "
    passages = [joiner.join(ta[m.a : m.a + m.size])[:300] for m in blocks[:limit]]
    return coverage, passages


@lru_cache(maxsize=200_000)
def organisation_key(name: str) -> str:
    """A stable, comparable form of an organisation name (see checks.matching)."""
    from checks.matching import normalise_name

    keys = normalise_name(name or "")
    return (keys.han or keys.latin or ("",))[0]


@lru_cache(maxsize=200_000)
def same_organisation(a: str, b: str) -> bool:
    """Two spellings of one organisation, scored as the restricted-list matcher would."""
    from checks.matching import DEFAULT_THRESHOLD, name_similarity

    if not a or not b:
        return False
    return name_similarity(a, b) >= DEFAULT_THRESHOLD


def title_similarity(a: str, b: str) -> float:
    return fuzz.token_sort_ratio(_joined_tokens(a), _joined_tokens(b))


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def _joined_tokens(text: str) -> str:
    return " ".join(_tokens(text))


def is_this_application(support_item: dict, filing) -> bool:
    """A pending support row that is this very proposal (the US form lists it): same
    funder as the programme's agency and nearly the same title."""
    return (
        support_item["status"] == "pending"
        and title_similarity(support_item["title"], filing.title) >= 90
        and same_organisation(
            support_item["organisation_name"], filing.content["programme"]["agency"]
        )
    )
