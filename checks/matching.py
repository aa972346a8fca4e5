"""Organisation-name normalisation and fuzzy matching against restricted-entity lists.

Pure Python, no database: the restricted-entity check builds one :class:`ListIndex` from a
list snapshot (US Consolidated Screening List, METI End User List, OpenSanctions) and asks it
which entries the organisations named in a filing resemble.

Only organisation names are compared. Nothing here takes or infers anything about a person:
no nationality, ethnicity, place of birth, or the script or origin of a person's name. Scripts
matter only to compare two spellings of the same organisation name (北京航空航天大學 and
北京航空航天大学, ＡＢＣ and ABC, ひかり and Hikari).

Keys (:func:`normalise_name`)
    *Latin keys*: NFKC, control characters dropped, casefolded, transliterated to ASCII
    (kana and kanji through pykakasi's Hepburn readings with long vowels shortened, so
    貿易 gives ``boeki``; Han through ICU's dictionary word breaker and ``Any-Latin;
    Latin-ASCII``, so 北京航空航天大学 gives ``beijing hangkong hangtian daxue``; other scripts
    through ``rigour.text.translit.ascii_text``). A name written only in Han characters has
    both readings, because the same characters may be Chinese or Japanese. Punctuation is
    dropped (dotted initialisms are joined: ``K.K.`` → ``kk``), ``&`` reads as ``and``, a few
    abbreviations are spelt out (``Univ.`` → ``university``), legal forms are removed (ours
    below plus the ISO 20275 forms rigour knows, less the ones that are also ordinary words),
    and stop words (of, the, and, de, ...) are dropped; a reading of CJK text gives a key
    with its stop-word syllables (安 ``an``, 第 ``di``) and one without. Organisation-type
    words such as University, Institute or Academy are kept: they tell organisations apart.
    *Han key*: for names with CJK ideographs or kana, NFKC, Japanese shinjitai mapped to traditional
    forms (OpenCC's JPVariants, reversed), then OpenCC ``t2s``, CJK legal forms (株式会社,
    有限公司, 国立大学法人, ...) removed at either end, and everything but letters and digits
    removed.
    *Candidates*: a bracketed acronym (``Beijing Institute of Technology (BIT)``) becomes its
    own candidate and leaves the full name; a bracketed or ``/``-separated part in another
    script (a translation) becomes its own candidate; a name that runs Latin words straight
    into CJK text is also tried as each part alone.

Matching (:class:`ListIndex`)
    Exact key equality (text, token-sorted, or with spaces removed) is looked up in dicts.
    Fuzzy matching is word by word. Two words are counterparts when equal; a generic
    organisation word (University, Institute, ``daxue``; or a misspelling of one) when
    ``fuzz.ratio`` is at least :data:`TOKEN_MATCH_RATIO`; a distinctive word (a place or a
    proper name) only when one letter is dropped, added or swapped, never the first, in
    words of five letters or more, or replaced by one that spells the same sound
    (:func:`_same_word`): ``Xiding`` is another name than ``Ximing``. A score is the better
    of ratio and token-sorted ratio of the keys, less a penalty for every word on either
    side without a counterpart, a larger one when the word is distinctive.

    Since every word without a counterpart costs at least :data:`GENERIC_WORD_PENALTY`, a
    key can reach the default threshold only if it holds a counterpart of every word of the
    query. The candidates are therefore found word by word, without comparing the query
    with every listed key: each listed word indexes the keys that hold it; a query word's
    counterparts come from a one-deletion index (distinctive words) or a ratio scan of the
    listed words (generic ones), kept per index; the keys holding a counterpart of every
    query word (all but a few at a lower threshold) are scored with care. No key that could
    reach the threshold is missed (``tests/checks/test_matching_precision.py``). Only for a
    very low threshold and a query of few words is the old way used: one
    ``rapidfuzz.process.cdist`` (``fuzz.ratio`` over the token-sorted keys, multi-threaded,
    cut-off :data:`CANDIDATE_CUTOFF`) and the best :data:`TOP_K` candidates scored.

    Han keys match exactly, or fuzzily when both keys are at least 6 characters, only
    generic words' characters were added or dropped (公司, 中国, 集团; never a substituted
    character: 航天科工 and 航天科技 are different groups, nor a proper name's characters:
    拓福金创 is not 福创) and the numbers in them agree; their candidates come from a small
    cdist over the Han keys. Two names written only in Han are compared by their Han keys
    alone, not by their (lossy) readings. Each entry is reported once per query name, with
    its best score.

    ``process.cdist`` returns a numpy array, and rapidfuzz does not depend on numpy: without
    numpy the candidates come from ``process.extract`` for each query key instead (the same
    results, single-threaded, slower).

Known limits
    A query that adds words to a listed name (a campus, a branch, a city: ``Harbin Institute
    of Technology Shenzhen``) or drops some (``Beijing University`` for Beihang) falls below
    the default threshold: every unmatched word is penalised, which is what keeps
    ``Institute of Physics`` off ``Institute of Physics and Technology``. A translation is
    not a spelling: ``Tokyo Institute of Technology`` never meets 東京工業大学 (whose
    readings are ``tokyo kogyo daigaku`` and ``dongjing gongye daxue``) unless the list has
    that alias. Han keys meet only through OpenCC's variants: a Japanese form that is also an
    ordinary Chinese character (芸 for 藝) is not mapped, so 芸 does not meet 艺. pykakasi's
    readings follow its dictionary (光 alone is ``hikari``, in 光学 it is ``kogaku``), and a
    reading can be wrong for a proper name. Short keys (under 6 letters) and acronyms match
    only exactly.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import icu
import opencc
import pykakasi
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from rigour.names import extract_org_types
from rigour.text.translit import ascii_text

try:  # rapidfuzz's cdist returns a numpy array; without numpy we fall back to extract().
    import numpy as np
except ImportError:  # pragma: no cover - exercised by a monkeypatched test
    np = None

__all__ = [
    "ACRONYM_SCORE",
    "CANDIDATE_CUTOFF",
    "DEFAULT_THRESHOLD",
    "ListIndex",
    "Match",
    "NameKeys",
    "name_similarity",
    "normalise_name",
]

#: The default score (0-100) a match must reach to be reported.
#:
#: Calibrated by ``tests/checks/test_matching.py`` (``test_calibration_margins``): the
#: true variants there (legal form, punctuation and case, word order, abbreviations,
#: full-width, one or two typos) score 96-100, and the near misses (same city or same
#: organisation type but another organisation; a short generic name inside a longer listed
#: one) score 71 or less, because every word without a counterpart costs
#: GENERIC_WORD_PENALTY or DISTINCTIVE_WORD_PENALTY on top of the lower ratio. 88 keeps at
#: least 8 points from the true variants and 17 from the near misses. What it means in
#: letters: a dropped or added letter costs about 50/len points and a wrong letter about
#: 100/len; a generic word with a wrong letter still counts as that word, a distinctive one
#: does not (unless the letter spells the same sound, :func:`_same_word`), which costs
#: DISTINCTIVE_WORD_PENALTY on each side: ``Ximing`` against ``Xiding`` scores 46. An extra
#: generic word in a very long name can reach about 80, still below. Lower it to see more,
#: for a reviewer's second look; raising it above about 95 leaves little but exact and
#: word-order matches. At 88 and above every query word must have a counterpart, which is
#: what lets :class:`ListIndex` find candidates word by word.
DEFAULT_THRESHOLD = 88.0
#: cdist cut-off for fuzzy candidates (token-sorted ratio). Lower than the threshold because
#: the careful score may use the unsorted ratio, which can be higher.
CANDIDATE_CUTOFF = 80.0
#: Han keys differ by whole morphemes, so their candidates need a higher ratio.
HAN_CANDIDATE_CUTOFF = 85.0
#: Only this many of the best fuzzy candidates of each query key are scored with care.
TOP_K = 25
#: A name that is only an acronym (``NUDT``) matching a listed bracketed acronym.
ACRONYM_SCORE = 90.0
#: A bracketed acronym of a longer query name matching on its own: below the default
#: threshold, so it is reported only when asked for with a lower threshold. The full name
#: decides; ``Foo Bar (BIT)`` is not the Beijing Institute of Technology.
BRACKETED_ACRONYM_SCORE = 80.0
#: Keys shorter than this (letters and digits, spaces not counted) match only exactly.
MIN_FUZZY_LATIN = 6
MIN_FUZZY_HAN = 6
#: Two generic words count as the same word from this ratio on (``institue`` ~
#: ``institute``); distinctive words must be one letter apart (:func:`_same_word`).
TOKEN_MATCH_RATIO = 80.0
#: A word this close to a generic word is taken for a misspelling of it (``univercity``).
GENERIC_LIKE_RATIO = 85.0
GENERIC_WORD_PENALTY = 12.0
DISTINCTIVE_WORD_PENALTY = 25.0
#: Longer input is cut here: no organisation name is longer, and it bounds the work.
MAX_NAME_CHARS = 400
#: Word-candidate sets kept per index (cleared when full).
_NEAR_CACHE_MAX = 200_000
#: cdist is run in row blocks of at most this many cells (bytes, as uint8).
_MAX_CELLS = 32_000_000

# --------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


#: Legal forms, as word sequences after punctuation is handled (one form a line). Only legal
#: forms: no University, Institute, Academy, Group or Holdings, which tell organisations apart.
_LATIN_LEGAL_FORMS = {
    tuple(line.split())
    for line in """
    co ltd | coltd | co limited | company limited | company ltd | ltd | limited | pty ltd
    pte ltd | pvt ltd | private limited | public limited company | inc | incorporated | corp
    corporation | company | co | cos | plc | llc | l l c | llp | lp | gmbh | mbh | ag | sa
    s a | nv | bv | spa | srl | sarl | sas | kk | k k | kabushiki kaisha | kabushikigaisha
    kabushiki gaisha | yugen kaisha | yugengaisha | yugen gaisha | godo kaisha | godogaisha
    gk | yk | jsc | ojsc | cjsc | pjsc | ooo | oao | zao | pao | sdn bhd | bhd
    youxian gongsi | youxian zeren gongsi | gufen youxian gongsi
    """.replace("\n", "|").split("|")
    if line.strip()
}
#: Forms rigour knows that are also ordinary words or pinyin syllables here: kept.
_RIGOUR_FORM_BLOCKLIST = {
    *_words("as se ab ong ngo charity me ev ug stiftung verein trust foundation fund"),
    "cooperative",
    "co operative",
}
_STOPWORDS = set(
    _words(
        """of the and for at in on a an de des du la le les del della di da do dos das y e et und
    der die fur"""
    )
)
#: Abbreviations spelt out, and one spelling and one number for the same word.
_ABBREVIATIONS = dict(
    pair.split(":")
    for pair in _words(
        """univ:university inst:institute instit:institute tech:technology
    technol:technology natl:national intl:international acad:academy sci:science
    dept:department lab:laboratory labs:laboratory ctr:center assn:association
    assoc:association mfg:manufacturing eng:engineering engg:engineering centre:center
    centres:center centers:center defence:defense organisation:organization
    programme:program sciences:science technologies:technology industries:industry
    systems:system laboratories:laboratory holdings:holding services:service
    materials:material instruments:instrument communications:communication
    electronic:electronics universities:university institutes:institute
    enterprises:enterprise products:product works:work"""
    )
)
#: Generic organisation words: one without a counterpart costs GENERIC_WORD_PENALTY, any
#: other word (a place, a proper name) DISTINCTIVE_WORD_PENALTY.
_GENERIC_WORDS = set(
    _words(
        """university institute institution college academy school faculty laboratory center
    research science technology technical polytechnic polytechnical engineering national
    state federal international group holding trading trade industry industrial development
    department ministry bureau agency office association society foundation council committee
    administration hospital medical bank service system electronics equipment machinery
    manufacturing material chemical energy aviation aerospace aeronautics astronautics defense
    military shipbuilding nuclear physics chemistry mathematics applied information
    communication telecommunication software network product enterprise factory work plant
    branch division corporate global china chinese japan japanese people republic central
    general instrument precision optical optics import export electric electrical power marine
    navy naval army air force space"""
        # Pinyin
        """ daxue xueyuan yanjiusuo yanjiuyuan gongsi jituan keji gongye kexue zhongguo guoji maoyi
    dianzi jishu gongcheng zhongxin"""
        # Hepburn, long vowels shortened
        """ daigaku kenkyujo kenkyusho kogyo boeki shoji gakuen gakko gijutsu kagaku denki denshi
    sangyo kenkyu senta"""
    )
)
_GENERIC_LIST = sorted(_GENERIC_WORDS)
#: Characters of generic words in Han keys (simplified): group, company, country, research
#: institute, university, centre, technology, industry. A long Han name with only these added
#: or dropped is the same organisation (中国电子科技集团公司 and 中国电子科技集团).
_HAN_GENERIC_CHARS = set("公司集团有限责任股份总部中国家研究所院中心实验室大学分校技术科工业产")
#: Letters that spell the same sound in transliterations (Moscow, Moskow): replacing one by
#: the other inside a distinctive word keeps the word.
_CONFUSABLE = {frozenset(pair) for pair in ("ck", "kq", "sz", "iy", "vw", "fv")}

#: CJK legal forms, removed at either end of a name (traditional and Japanese spellings are
#: added by the Han normalisation). Only legal forms: 集团 (group) and 大学 stay.
_CJK_LEGAL_FORMS_SOURCE = tuple(
    _words(
        """株式会社 株式會社 有限会社 有限會社 合同会社 合同會社 合資会社 合資會社 合名会社 合名會社
    国立大学法人 國立大學法人 独立行政法人 獨立行政法人 国立研究開発法人 公益財団法人 一般財団法人
    公益社団法人 一般社団法人 学校法人 學校法人 財団法人 社団法人 特定非営利活動法人
    股份有限公司 有限责任公司 有限責任公司 有限公司 股份公司 公司"""
    )
)
_CJK_MARKED_FORMS = re.compile(r"\((?:株|有|合|財|社)\)")

# --------------------------------------------------------------------------------------
# Character classes
# --------------------------------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f\u3005\u3006\u3007"
_KANA = "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HAN_RE = re.compile(f"[{_HAN}]")
_KANA_RE = re.compile(f"[{_KANA}]")
_CJK_RUN_RE = re.compile(f"([{_HAN}{_KANA}]+)")
_LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9]+")
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_INVISIBLE_RE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ud800-\udfff]")
_BRACKET_RE = re.compile(r"[(\[【〔]([^()\[\]【】〔〕]*)[)\]】〕]")
_SPLIT_RE = re.compile(r"\s+/\s+|;|\|")
_APOSTROPHE_RE = re.compile("['\u2018\u2019\u02bc\u02bb`\u00b4]")
_INITIALISM_RE = re.compile(r"(?<![a-z0-9])((?:[a-z0-9]\.){2,})")
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")
_ACRONYM_RE = re.compile(r"[A-Z0-9][A-Z0-9&\-]{1,11}")
_HAN_NUMERAL_RE = re.compile("[0-9〇零一二三四五六七八九十百千万两]+")
_DIGITS_RE = re.compile(r"\d")


# --------------------------------------------------------------------------------------
# Transliteration helpers (built lazily, once per process; ICU objects per thread)
# --------------------------------------------------------------------------------------

_local = threading.local()


def _icu() -> tuple[icu.Transliterator, icu.BreakIterator, icu.BreakIterator]:
    tools = getattr(_local, "icu", None)
    if tools is None:
        tools = (
            icu.Transliterator.createInstance("Any-Latin; Latin-ASCII"),
            icu.BreakIterator.createWordInstance(icu.Locale("zh")),
            icu.BreakIterator.createWordInstance(icu.Locale("ja")),
        )
        _local.icu = tools
    return tools


def _words_of(run: str, breaker: icu.BreakIterator) -> list[str]:
    """Dictionary-based word segmentation of a CJK run (ICU)."""
    breaker.setText(run)
    words, start = [], breaker.first()
    for end in breaker:
        words.append(run[start:end])
        start = end
    return words


@lru_cache(maxsize=1)
def _kakasi() -> pykakasi.kakasi:
    return pykakasi.kakasi()


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _shinjitai_table() -> dict[int, str]:
    """Japanese shinjitai → traditional form, from OpenCC's JPVariants.txt (reversed).

    Left out: a shinjitai with several traditional sources (弁: 辨 辯 瓣), and any that is
    itself an ordinary Chinese character (it encodes in GB2312: 芸, 欠, 缶, 予, 沪 ...), since
    mapping those would change Chinese names. Such Japanese forms then do not meet their
    Chinese simplified forms through the Han key (芸 stays 芸, never 艺).
    """
    path = Path(opencc.__file__).parent / "dictionary" / "JPVariants.txt"
    sources: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            traditional, _, variants = line.rstrip("\n").partition("\t")
            for variant in variants.split():
                if variant != traditional:
                    sources.setdefault(variant, []).append(traditional)
    table = {}
    for variant, traditionals in sources.items():
        if len(traditionals) != 1 or len(variant) != 1 or len(traditionals[0]) != 1:
            continue
        try:
            variant.encode("gb2312")
        except UnicodeEncodeError:
            table[ord(variant)] = traditionals[0]
    return table


def _to_simplified(text: str) -> str:
    return _t2s().convert(text.translate(_shinjitai_table()))


@lru_cache(maxsize=1)
def _cjk_form_patterns() -> tuple[re.Pattern, re.Pattern]:
    """CJK legal forms at either end of a name: as written (for the readings) and simplified
    (for the Han key)."""
    raw = set(_CJK_LEGAL_FORMS_SOURCE)
    simplified = {_to_simplified(form) for form in raw}

    def pattern(forms: set[str]) -> re.Pattern:
        alternatives = "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f)))
        return re.compile(rf"^(?:\s*(?:{alternatives}))+\s*|\s*(?:(?:{alternatives})\s*)+$")

    return pattern(raw | simplified), pattern(simplified)


def _strip_cjk_forms(text: str, forms: re.Pattern) -> str:
    """Remove CJK legal forms at either end and (株)-style marks anywhere."""
    return forms.sub("", _CJK_MARKED_FORMS.sub(" ", text)).strip()


def _jis_readable(text: str) -> bool:
    """Whether every character is in JIS X 0208, so that a Japanese reading is worth trying
    (a Chinese simplified character such as 华 or 业 is not, and has no Japanese reading)."""
    try:
        text.encode("shift_jis")
    except UnicodeEncodeError:
        return False
    return True


def _shorten_long_vowels(romaji: str) -> str:
    # Modified Hepburn without macrons, as names are usually written: Tōkyō → Tokyo.
    for long, short in (("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"), ("ee", "e")):
        romaji = romaji.replace(long, short)
    return romaji


@lru_cache(maxsize=16384)
def _japanese_word(word: str) -> str | None:
    reading = []
    for item in _kakasi().convert(word):
        romaji = item["hepburn"].casefold()
        if not romaji or not romaji.isascii():
            return None
        reading.append(romaji)
    return _shorten_long_vowels("".join(reading))


@lru_cache(maxsize=16384)
def _chinese_word(word: str) -> str:
    # Syllables of one word are joined: 北京 → "beijing", not "bei jing".
    return _icu()[0].transliterate(word).replace(" ", "")


def _japanese_reading(text: str) -> str | None:
    """Hepburn reading, word by word (ICU's Japanese word breaker, then pykakasi), or None
    when pykakasi cannot read a character (a Chinese simplified one such as 东)."""
    parts = []
    for run in _CJK_RUN_RE.split(text):
        if not run:
            continue
        if not _CJK_RUN_RE.fullmatch(run):
            parts.append(ascii_text(run))
            continue
        for word in _words_of(run, _icu()[2]):
            reading = _japanese_word(word)
            if reading is None:
                return None
            parts.append(reading)
    return " ".join(parts)


def _chinese_reading(text: str) -> str:
    """Pinyin, word by word (ICU's Chinese word breaker, then ``Any-Latin; Latin-ASCII``)."""
    parts = []
    for run in _CJK_RUN_RE.split(text):
        if not run:
            continue
        if not _HAN_RE.search(run):
            parts.append(ascii_text(run))
            continue
        parts.extend(_chinese_word(word) for word in _words_of(run, _icu()[1]))
    return " ".join(parts)


# --------------------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Latin:
    text: str  # tokens joined by one space
    sorted: str  # tokens sorted
    nospace: str
    tokens: tuple[str, ...]
    acronym: bool  # came from a bracketed acronym
    han_only: bool  # a reading of a name written only in Han characters


@dataclass(frozen=True, slots=True)
class NameKeys:
    """Comparison keys of one organisation name.

    ``latin`` holds the Latin keys of every candidate string (several when the name has a
    translation in brackets, or is written only in Han and so has a Chinese and a Japanese
    reading); ``latin_sorted`` the same keys with their words sorted; ``han`` the Han keys;
    ``acronyms`` the bracketed acronyms (``BIT``), casefolded. All empty for a name with
    nothing to compare (empty, punctuation only, or only a legal form).
    """

    original: str
    latin: tuple[str, ...]
    latin_sorted: tuple[str, ...]
    han: tuple[str, ...]
    acronyms: tuple[str, ...]
    records: tuple[_Latin, ...] = field(default=(), repr=False, compare=False)

    def __bool__(self) -> bool:
        return bool(self.latin or self.han)


def _clean(name: str) -> str:
    text = unicodedata.normalize("NFKC", name)
    text = _INVISIBLE_RE.sub("", _CONTROL_RE.sub(" ", text))
    return " ".join(text.split())[:MAX_NAME_CHARS]


def _remove_sequences(tokens: list[str], forms: set[tuple[str, ...]]) -> list[str]:
    out, i = [], 0
    while i < len(tokens):
        for size in (4, 3, 2, 1):
            if tuple(tokens[i : i + size]) in forms:
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _latin_tokens(ascii_name: str, *, keep_stopwords: bool = False) -> list[str]:
    text = ascii_name.casefold().replace("&", " and ").replace("+", " and ")
    text = _APOSTROPHE_RE.sub("", text)
    text = _INITIALISM_RE.sub(lambda m: m.group(1).replace(".", ""), text)
    tokens = _NON_ALNUM_RE.sub(" ", text).split()
    if not tokens:
        return []
    forms = set(_LATIN_LEGAL_FORMS)
    for matched, _target in extract_org_types(" ".join(tokens)):
        if matched not in _RIGOUR_FORM_BLOCKLIST:
            forms.add(tuple(matched.split()))
    tokens = _remove_sequences(tokens, forms)
    tokens = [_ABBREVIATIONS.get(token, token) for token in tokens]
    if keep_stopwords:
        return tokens
    return [token for token in tokens if token not in _STOPWORDS]


def _make_latin(tokens: list[str], *, acronym: bool, han_only: bool) -> _Latin | None:
    if not tokens:
        return None
    text = " ".join(tokens)
    return _Latin(
        text=text,
        sorted=" ".join(sorted(tokens)),
        nospace="".join(tokens),
        tokens=tuple(tokens),
        acronym=acronym,
        han_only=han_only,
    )


def _candidates(text: str) -> tuple[list[str], list[str]]:
    """Split a cleaned name into candidate strings and bracketed acronyms."""
    text = _CJK_MARKED_FORMS.sub(" ", text)
    acronyms: list[str] = []
    extra: list[str] = []
    main_has_cjk = bool(_CJK_RUN_RE.search(_BRACKET_RE.sub(" ", text)))

    def bracket(match: re.Match) -> str:
        inner = match.group(1).strip()
        compact = inner.replace(".", "").replace(" ", "")
        if _ACRONYM_RE.fullmatch(compact) and sum(ch.isalpha() for ch in compact) >= 2:
            acronyms.append(compact.casefold())
            return " "
        if inner and bool(_CJK_RUN_RE.search(inner)) != main_has_cjk:
            extra.append(inner)  # a translation in another script
            return " "
        return f" {inner} "

    main = " ".join(_BRACKET_RE.sub(bracket, text).split())
    candidates = []
    for part in _SPLIT_RE.split(main):
        # Latin words run straight into CJK text: "Beihang University北京航空航天大学" is
        # tried as its two parts, not as one mixed string.
        cjk = "".join(_CJK_RUN_RE.findall(part))
        latin = _CJK_RUN_RE.sub(" ", part)
        if len(cjk) >= 2 and len(_LATIN_WORD_RE.findall(latin)) >= 2:
            candidates.extend((latin, cjk))
        else:
            candidates.append(part)
    seen: dict[str, None] = {}
    for candidate in [*candidates, *extra]:
        candidate = " ".join(candidate.split())
        if candidate:
            seen.setdefault(candidate, None)
    return list(seen), list(dict.fromkeys(acronyms))


def _han_key(text: str) -> str | None:
    if not _CJK_RUN_RE.search(text):
        return None
    simplified = _to_simplified(text).casefold()
    simplified = _strip_cjk_forms(simplified, _cjk_form_patterns()[1])
    key = "".join(ch for ch in simplified if ch.isalnum())
    return key or None


def _latin_keys(text: str) -> list[_Latin]:
    is_reading = bool(_HAN_RE.search(text) or _KANA_RE.search(text))
    if is_reading:
        stripped = _strip_cjk_forms(text, _cjk_form_patterns()[0])
        if _KANA_RE.search(text):
            readings, han_only = [_japanese_reading(stripped)], False
        else:
            readings, han_only = [_chinese_reading(stripped)], True
            if _jis_readable(stripped):
                readings.append(_japanese_reading(stripped))
    else:
        readings, han_only = [ascii_text(text)], False
    keys = []
    # A reading's syllables are not English or Italian words: 凤安 reads ``feng an`` and
    # 第 ``di``, which someone typing the pinyin may keep (``Fengan``) or, as stop words,
    # drop. A reading gives both keys.
    variants = (False, True) if is_reading else (False,)
    for reading in readings:
        if reading is None:
            continue
        for keep_stopwords in variants:
            tokens = _latin_tokens(reading, keep_stopwords=keep_stopwords)
            key = _make_latin(tokens, acronym=False, han_only=han_only)
            if key is not None and key not in keys:
                keys.append(key)
    return keys


def normalise_name(name: str) -> NameKeys:
    """The comparison keys of an organisation name (see the module docstring)."""
    if not isinstance(name, str):
        raise TypeError(f"an organisation name is a str, not {type(name).__name__}")
    return _normalise(name)


@lru_cache(maxsize=65536)
def _normalise(name: str) -> NameKeys:
    text = _clean(name)
    candidates, acronyms = _candidates(text) if text else ([], [])
    records: list[_Latin] = []
    han: list[str] = []
    for candidate in candidates:
        for key in _latin_keys(candidate):
            if key not in records:
                records.append(key)
        key = _han_key(candidate)
        if key and key not in han:
            han.append(key)
    bare = not records and not han  # a name that is only "(BIT)" is the acronym itself
    for acronym in acronyms:
        if len(acronym) >= 3 or bare:
            key = _make_latin([acronym], acronym=not bare, han_only=False)
            if key is not None and key not in records:
                records.append(key)
    full = [record for record in records if not record.acronym]
    return NameKeys(
        original=name,
        latin=tuple(record.text for record in full),
        latin_sorted=tuple(record.sorted for record in full),
        han=tuple(han),
        acronyms=tuple(acronyms),
        records=tuple(records) if (full or han) else (),
    )


# --------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _is_generic(token: str) -> bool:
    """A generic organisation word, or a misspelling of one (``univercity``)."""
    if token in _GENERIC_WORDS:
        return True
    return len(token) >= 5 and (
        process.extractOne(token, _GENERIC_LIST, scorer=fuzz.ratio, score_cutoff=GENERIC_LIKE_RATIO)
        is not None
    )


def _same_word(a: str, b: str) -> bool:
    """Whether two distinctive words (a place, a proper name) are one word misspelt.

    Equal, or one edit apart in words of five letters or more, never at the first letter:
    a letter dropped or added (``Nortwestern``, ``Shenzen``, a doubled letter), two
    neighbours swapped (``Tsinghau``), or a letter replaced by one that spells the same
    sound (``Moskow``; :data:`_CONFUSABLE`). Any other replaced letter makes another name:
    ``Xiding`` is not ``Ximing``, nor ``Jinqi`` ``Jinxi``, nor ``Onakasakura`` ``Nakasakura``.
    """
    if a == b:
        return True
    la, lb = len(a), len(b)
    if min(la, lb) < 5 or abs(la - lb) > 1:
        return False
    p = 0
    while p < min(la, lb) and a[p] == b[p]:
        p += 1
    if p == 0:
        return False
    if la != lb:
        longer, shorter = (a, b) if la > lb else (b, a)
        return longer[p + 1 :] == shorter[p:]
    if a[p + 1 :] == b[p + 1 :]:
        return frozenset((a[p], b[p])) in _CONFUSABLE
    return p + 1 < la and a[p] == b[p + 1] and a[p + 1] == b[p] and a[p + 2 :] == b[p + 2 :]


def _word_matches(token: str, other: str) -> bool:
    """Whether ``other`` counts as ``token``'s counterpart in another name."""
    if token == other:
        return True
    if len(token) < 4 or _DIGITS_RE.search(token):
        return False  # short words and numbers only as written
    if _is_generic(token):
        return fuzz.ratio(token, other) >= TOKEN_MATCH_RATIO
    return _same_word(token, other)


def _unmatched(tokens: tuple[str, ...], others: tuple[str, ...]) -> list[str]:
    present = set(others)
    return [
        token
        for token in tokens
        if token not in present and not any(_word_matches(token, other) for other in others)
    ]


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _spare_words(threshold: float) -> int:
    """How many words of a query may lack a counterpart in a key that still reaches the
    threshold: each costs at least GENERIC_WORD_PENALTY, and a key with one is not equal to
    the query, so its ratio is below 100."""
    budget = 100.0 - threshold
    spare = 0
    while (spare + 1) * GENERIC_WORD_PENALTY < budget:
        spare += 1
    return spare


def _latin_score(query: _Latin, listed: _Latin) -> float:
    if query.text == listed.text or query.sorted == listed.sorted:
        return 100.0
    if query.nospace == listed.nospace:
        return 100.0
    base = max(fuzz.ratio(query.text, listed.text), fuzz.ratio(query.sorted, listed.sorted))
    penalty = 0.0
    for token in _unmatched(query.tokens, listed.tokens) + _unmatched(listed.tokens, query.tokens):
        penalty += GENERIC_WORD_PENALTY if _is_generic(token) else DISTINCTIVE_WORD_PENALTY
    return max(0.0, base - penalty)


def _han_score(query: str, listed: str) -> float:
    if query == listed:
        return 100.0
    if min(len(query), len(listed)) < MIN_FUZZY_HAN:
        return 0.0
    if _HAN_NUMERAL_RE.findall(query) != _HAN_NUMERAL_RE.findall(listed):
        return 0.0
    # Only generic words added or dropped (公司, 中国, 集团), never substituted (航天科工 is
    # not 航天科技): a proper name's characters added (拓福金创 against 福创) or kana
    # (カモサルキ against カルキ) make another organisation.
    for op in Levenshtein.editops(query, listed):
        if op.tag == "replace":
            return 0.0
        changed = query[op.src_pos] if op.tag == "delete" else listed[op.dest_pos]
        if changed not in _HAN_GENERIC_CHARS:
            return 0.0
    return fuzz.ratio(query, listed)


def _directional(query: NameKeys, listed: NameKeys) -> float:
    """The score ListIndex.match gives ``query`` against a list entry named ``listed``
    (without its candidate cut-off: every pair of keys is scored)."""
    best = 0.0
    for q in query.records:
        for entry in listed.records:
            if q.han_only and entry.han_only:
                continue
            if q.text == entry.text or q.sorted == entry.sorted or q.nospace == entry.nospace:
                if q.acronym:
                    score = BRACKETED_ACRONYM_SCORE
                elif entry.acronym:
                    score = ACRONYM_SCORE
                else:
                    score = 100.0
            else:
                short = min(len(q.nospace), len(entry.nospace)) < MIN_FUZZY_LATIN
                if q.acronym or entry.acronym or short:
                    continue  # acronyms and short keys match only exactly
                score = round(_latin_score(q, entry), 1)
            best = max(best, score)
    for q_han in query.han:
        for entry_han in listed.han:
            best = max(best, round(_han_score(q_han, entry_han), 1))
    return best


def name_similarity(a: str, b: str) -> float:
    """How alike two organisation names are, 0-100, scored as :meth:`ListIndex.match`
    scores a query against a listed name (either way round, the better of the two).

    For comparing two names one-off (an organisation declared twice, in two filings);
    to screen many names against many, use a :class:`ListIndex`.
    """
    ka, kb = normalise_name(a), normalise_name(b)
    if not ka or not kb:
        return 0.0
    return max(_directional(ka, kb), _directional(kb, ka))


# --------------------------------------------------------------------------------------
# Index
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    """One list entry a query name matches.

    ``matched_name`` is the entry's name or alias that matched, as listed; ``query_key`` the
    query's key that matched it; ``score`` 0-100; ``method`` one of ``exact`` (equal Latin
    keys), ``fuzzy``, ``han`` (equal Han keys), ``han-fuzzy`` and ``acronym``.
    """

    entry_id: Hashable
    matched_name: str
    query_key: str
    score: float
    method: str


_METHOD_RANK = {"exact": 0, "han": 1, "fuzzy": 2, "han-fuzzy": 3, "acronym": 4}


@dataclass(slots=True)
class _Listed:
    key: _Latin
    owners: list[tuple[int, str]]


def _nonzero(block):
    """``np.nonzero`` of a sparse uint8 matrix, several times faster: scan it as uint64
    words first, then look only inside the words that are not zero."""
    flat = np.ascontiguousarray(block).reshape(-1)
    whole = flat.size // 8 * 8
    words = np.flatnonzero(flat[:whole].view(np.uint64))
    cells = (words[:, None] * 8 + np.arange(8)).reshape(-1)
    cells = np.concatenate([cells, np.arange(whole, flat.size)])
    cells = cells[flat[cells] > 0]
    return np.divmod(cells, block.shape[1])


def _pick(best: dict[int, tuple], pos: int, candidate: tuple) -> None:
    """Keep the better of two (score, -method rank, name, key, method) for an entry."""
    current = best.get(pos)
    if current is None or candidate[:3] > current[:3]:
        best[pos] = candidate


class ListIndex:
    """Every name and alias of a restricted-entity list, keyed for fast screening.

    Built once from ``(entry_id, [name, *aliases])`` pairs; :meth:`match` screens a batch of
    organisation names against it. Building normalises every name (about 60 µs a name:
    20,000 names take a little over a second), so build it once per list snapshot and
    reuse it.
    """

    def __init__(self, entries: Iterable[tuple[Hashable, Sequence[str]]]) -> None:
        self._entry_ids: list[Hashable] = []
        self._raw_names: list[str] = []
        latin: dict[str, _Listed] = {}
        han: dict[str, list[tuple[int, str]]] = {}
        for pos, (entry_id, names) in enumerate(entries):
            self._entry_ids.append(entry_id)
            if isinstance(names, str):
                names = [names]
            seen: set[str] = set()
            for name in names:
                if not isinstance(name, str) or name in seen:
                    continue
                seen.add(name)
                self._raw_names.append(name)
                keys = normalise_name(name)
                for record in keys.records:
                    latin.setdefault(record.text, _Listed(record, [])).owners.append((pos, name))
                for key in keys.han:
                    han.setdefault(key, []).append((pos, name))
        self._latin = list(latin.values())
        self._by_text: dict[str, list[int]] = {}
        self._by_sorted: dict[str, list[int]] = {}
        self._by_nospace: dict[str, list[int]] = {}
        fuzzy_groups: dict[str, list[int]] = {}
        for i, listed in enumerate(self._latin):
            key = listed.key
            self._by_text.setdefault(key.text, []).append(i)
            self._by_sorted.setdefault(key.sorted, []).append(i)
            self._by_nospace.setdefault(key.nospace, []).append(i)
            if not key.acronym and len(key.nospace) >= MIN_FUZZY_LATIN:
                fuzzy_groups.setdefault(key.sorted, []).append(i)
        self._fuzzy_choices = list(fuzzy_groups)
        self._fuzzy_groups = list(fuzzy_groups.values())
        # Words of the keys that may match fuzzily: which keys hold each word, and each
        # word of five letters or more under itself and its one-letter deletions (to find
        # the words one edit from a query word without comparing it with every word).
        postings: dict[str, list[int]] = {}
        for group in self._fuzzy_groups:
            for i in group:
                for token in set(self._latin[i].key.tokens):
                    postings.setdefault(token, []).append(i)
        self._postings = postings
        self._vocabulary = list(postings)
        self._one_edit: dict[str, list[str]] = {}
        for token in self._vocabulary:
            if len(token) >= 5:
                for variant in {token, *_deletions(token)}:
                    self._one_edit.setdefault(variant, []).append(token)
        self._near: dict[str, frozenset[int]] = {}
        # The generic words' counterparts take a scan of every word and cover many keys:
        # found now, once, so that processes forked after the build share them.
        for word in sorted(_GENERIC_WORDS & postings.keys()):
            self._keys_near(word)
        self._han = han
        self._han_choices = [key for key in han if len(key) >= MIN_FUZZY_HAN]

    def __len__(self) -> int:
        return len(self._entry_ids)

    # ---- candidate generation -------------------------------------------------------

    @staticmethod
    def _fuzzy_candidates(
        queries: list[str], choices: list[str], cutoff: float
    ) -> Iterable[tuple[int, list[int]]]:
        """(query index, best choice indexes) for every query with a choice >= cutoff."""
        if not queries or not choices:
            return
        if np is None:
            for qi, query in enumerate(queries):
                found = process.extract(
                    query, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=TOP_K
                )
                if found:
                    yield qi, [index for _choice, _score, index in found]
            return
        rows = max(1, _MAX_CELLS // len(choices))
        for start in range(0, len(queries), rows):
            block = process.cdist(
                queries[start : start + rows],
                choices,
                scorer=fuzz.ratio,
                score_cutoff=cutoff,
                workers=-1,
                dtype=np.uint8,
            )
            rows_hit, columns_hit = _nonzero(block)  # row-major: grouped by row
            if rows_hit.size == 0:
                continue
            scores = block[rows_hit, columns_hit]
            bounds = np.flatnonzero(np.diff(rows_hit)) + 1
            for row_ids, columns, row_scores in zip(
                np.split(rows_hit, bounds),
                np.split(columns_hit, bounds),
                np.split(scores, bounds),
                strict=True,
            ):
                if columns.size > TOP_K:
                    order = np.argsort(-row_scores.astype(np.int16), kind="stable")[:TOP_K]
                    columns = columns[order]
                yield start + int(row_ids[0]), columns.tolist()

    def _keys_near(self, word: str) -> frozenset[int]:
        """The fuzzy-matchable keys holding a counterpart of ``word`` (:func:`_word_matches`)."""
        found = self._near.get(word)
        if found is not None:
            return found
        if len(word) < 4 or _DIGITS_RE.search(word):
            near = [word]
        elif _is_generic(word):
            near = [
                other
                for other, _score, _i in process.extract(
                    word,
                    self._vocabulary,
                    scorer=fuzz.ratio,
                    score_cutoff=TOKEN_MATCH_RATIO,
                    limit=None,
                )
            ]
        else:
            near = {word}
            for variant in (word, *_deletions(word)):
                near.update(self._one_edit.get(variant, ()))
            near = [other for other in near if _same_word(word, other)]
        keys: set[int] = set()
        for other in near:
            keys.update(self._postings.get(other, ()))
        found = frozenset(keys)
        if len(self._near) >= _NEAR_CACHE_MAX:
            self._near.clear()
        self._near[word] = found
        return found

    def _word_candidates(self, tokens: tuple[str, ...], spare: int) -> set[int] | None:
        """Keys with a counterpart for all but ``spare`` of these words: every key that can
        score at the threshold (an unmatched word costs at least GENERIC_WORD_PENALTY), and
        few others. None when there are too few words to tell (compare with every key)."""
        words = set(tokens)
        required = len(words) - spare
        if required <= 0:
            return None
        postings = sorted((self._keys_near(word) for word in words), key=len)
        if spare == 0:
            found = set(postings[0])
            for keys in postings[1:]:
                if not found:
                    break
                found &= keys
            return found
        # A key missing at most `spare` words holds one of any `spare + 1` of them.
        pool = set().union(*postings[: spare + 1])
        return {i for i in pool if sum(i in keys for keys in postings) >= required}

    def raw_floor(self, names: Sequence[str]):
        """Just the single cdist the screening rests on, for benchmarks: ``fuzz.ratio`` of the
        raw query names against every raw listed name and alias, multi-threaded, with the
        same cut-off. Returns the uint8 score matrix (a list of extract() results without
        numpy)."""
        queries = [name for name in names if isinstance(name, str)]
        if np is None:
            return [
                process.extract(
                    q,
                    self._raw_names,
                    scorer=fuzz.ratio,
                    score_cutoff=CANDIDATE_CUTOFF,
                    limit=TOP_K,
                )
                for q in queries
            ]
        return process.cdist(
            queries,
            self._raw_names,
            scorer=fuzz.ratio,
            score_cutoff=CANDIDATE_CUTOFF,
            workers=-1,
            dtype=np.uint8,
        )

    # ---- screening ------------------------------------------------------------------

    def match(
        self, names: Sequence[str], threshold: float = DEFAULT_THRESHOLD
    ) -> list[list[Match]]:
        """For each name, the entries it matches at ``threshold`` or more, best first.

        Each entry appears once per name, with its best-scoring listed name. Ties are broken
        by the order entries were given to the index, so results are deterministic.
        """
        names = list(names)
        keys = [normalise_name(name) if isinstance(name, str) else None for name in names]
        best: list[dict[int, tuple]] = [{} for _ in names]

        def record(qi: int, owners: list[tuple[int, str]], score: float, key: str, method: str):
            if score < threshold:
                return
            for pos, listed_name in owners:
                _pick(best[qi], pos, (score, -_METHOD_RANK[method], listed_name, key, method))

        # Latin keys: exact look-ups first, for all keys, short ones and acronyms included.
        fuzzy_queries: dict[str, list[tuple[int, _Latin]]] = {}
        for qi, name_keys in enumerate(keys):
            if not name_keys:
                continue
            for query in name_keys.records:
                hits = set(self._by_text.get(query.text, ()))
                hits.update(self._by_sorted.get(query.sorted, ()))
                hits.update(self._by_nospace.get(query.nospace, ()))
                for i in sorted(hits):
                    listed = self._latin[i]
                    if query.han_only and listed.key.han_only:
                        continue  # two Han names: their Han keys decide
                    if query.acronym:
                        score, method = BRACKETED_ACRONYM_SCORE, "acronym"
                    elif listed.key.acronym:
                        score, method = ACRONYM_SCORE, "acronym"
                    else:
                        score, method = 100.0, "exact"
                    record(qi, listed.owners, score, query.text, method)
                if not query.acronym and len(query.nospace) >= MIN_FUZZY_LATIN:
                    fuzzy_queries.setdefault(query.sorted, []).append((qi, query))

        def score_all(queries: list[tuple[int, _Latin]], candidates: Iterable[int]) -> None:
            for i in candidates:
                listed = self._latin[i]
                for qi, query in queries:
                    if query.han_only and listed.key.han_only:
                        continue
                    score = _latin_score(query, listed.key)
                    method = "exact" if score == 100.0 else "fuzzy"
                    record(qi, listed.owners, round(score, 1), query.text, method)

        # Latin keys, fuzzy: the keys holding a counterpart of every word of the query (of
        # all but `spare` words at a low threshold), each scored with care. Keys sharing
        # the same words (the same sorted key) share their candidates.
        spare = _spare_words(threshold)
        by_cdist: list[str] = []
        for query_sorted, queries in fuzzy_queries.items():
            candidates = self._word_candidates(queries[0][1].tokens, spare)
            if candidates is None:
                by_cdist.append(query_sorted)
            else:
                score_all(queries, sorted(candidates))
        # Too few words to tell (a very low threshold): candidates from one cdist over every
        # fuzzy-matchable key, the best TOP_K of each query scored with care.
        cutoff = min(CANDIDATE_CUTOFF, threshold)
        for row, columns in self._fuzzy_candidates(by_cdist, self._fuzzy_choices, cutoff):
            candidates = [i for column in columns for i in self._fuzzy_groups[column]]
            score_all(fuzzy_queries[by_cdist[row]], candidates)

        # Han keys: exact look-ups, then a small cdist for the long ones.
        han_queries: dict[str, list[int]] = {}
        for qi, name_keys in enumerate(keys):
            if not name_keys:
                continue
            for key in name_keys.han:
                record(qi, self._han.get(key, []), 100.0, key, "han")
                if len(key) >= MIN_FUZZY_HAN:
                    han_queries.setdefault(key, []).append(qi)
        han_keys = list(han_queries)
        han_cutoff = min(HAN_CANDIDATE_CUTOFF, threshold)
        for row, columns in self._fuzzy_candidates(han_keys, self._han_choices, han_cutoff):
            query = han_keys[row]
            for column in columns:
                listed = self._han_choices[column]
                if listed == query:
                    continue
                score = round(_han_score(query, listed), 1)
                for qi in han_queries[query]:
                    record(qi, self._han[listed], score, query, "han-fuzzy")

        results = []
        for found in best:
            # Best score first, then the surer method, then the order entries were given in.
            ordered = sorted(found.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
            results.append(
                [
                    Match(self._entry_ids[pos], name, key, score, method)
                    for pos, (score, _rank, name, key, method) in ordered
                ]
            )
        return results
