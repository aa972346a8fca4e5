"""Organisation-name matching: another organisation one letter or one syllable away is not a
match; a misspelling of the same one is; and the word-based candidate search loses nothing.

The near misses are the kinds the national benchmark (bench/matcher.py) showed matching
before: proper names one letter apart, Han names with other proper characters added.
"""

import random

import pytest

from checks.matching import DEFAULT_THRESHOLD, ListIndex, name_similarity

LISTED = [
    ("ximing", ["Ximing Medical University"]),
    ("jinxi", ["Jinxi Energy Industry Group"]),
    ("kitomi", ["Kitomi Industry Inc."]),
    ("defeng", ["Defeng University of Posts and Telecommunications"]),
    ("nakasakura", ["Nakasakura Industries Inc."]),
    ("fuchuang", ["福创电子技术研究所"]),
    ("jiatian", ["嘉天电子技术研究所"]),
    ("karuki", ["カルキシステムズ株式会社"]),
    ("fengan", ["Fengan Communication Research Academy", "凤安通信研究院"]),
    (
        "yuanxin",
        ["China Yuanxin Radar Group 48th Research Institute", "中国源新雷达集团第48研究所"],
    ),
    ("tsinghua", ["Tsinghua Tongfang Electronics Co., Ltd."]),
    ("mipt", ["Moscow Institute of Physics and Technology"]),
    ("cetc14", ["中国电子科技集团公司第十四研究所"]),
]


@pytest.fixture(scope="module")
def index():
    return ListIndex(LISTED)


def ids(index, name, **kwargs):
    return [m.entry_id for m in index.match([name], **kwargs)[0]]


@pytest.mark.parametrize(
    ("query", "entry_id"),
    [
        ("Xiding Medical University", "ximing"),  # a letter replaced
        ("Jinqi Energy Industry Group", "jinxi"),
        ("Deheng University of Posts and Telecommunications", "defeng"),
        ("Kuritomi Industry Co., Ltd.", "kitomi"),  # two letters added
        ("Onakasakura Industry Corporation", "nakasakura"),  # a letter added in front
        ("拓福金创电子技术研究所", "fuchuang"),  # proper characters added
        ("天瑞电子技术研究所", "jiatian"),  # one dropped here, another added there
        ("カモサルキシステムズ株式会社", "karuki"),  # kana added
        ("德恒邮电大学", "defeng"),  # a Han name against a reading one syllable away
    ],
)
def test_another_organisation_one_letter_or_syllable_away(index, query, entry_id):
    assert entry_id not in ids(index, query)
    assert name_similarity(query, LISTED[[e for e, _n in LISTED].index(entry_id)][1][0]) < (
        DEFAULT_THRESHOLD
    )


@pytest.mark.parametrize(
    ("query", "entry_id"),
    [
        ("Ximing Medical Univercity", "ximing"),  # a generic word misspelt
        ("Nakasakkura Industries Inc.", "nakasakura"),  # a doubled letter
        ("Nakasakra Industries Inc.", "nakasakura"),  # a dropped letter
        ("Tsinghau Tongfang Electronics", "tsinghua"),  # two letters swapped
        ("Moskow Institute of Physics and Technology", "mipt"),  # the same sound
        ("Fengan tongxin yanjiuyuan", "fengan"),  # pinyin: 安 read "an", not a stop word
        ("Zhongguo Yuanxin leida jituan di 48 yanjiusuo", "yuanxin"),  # 第 read "di"
        ("中國電子科技集團第十四研究所", "cetc14"),  # a generic word (公司) dropped
    ],
)
def test_a_misspelling_of_the_same_organisation(index, query, entry_id):
    assert ids(index, query) == [entry_id]


def _variants(rng: random.Random, name: str) -> list[str]:
    """A name with a letter dropped, doubled or replaced, two letters swapped, a word
    dropped or added, and the words shuffled."""
    words = name.split()
    i = rng.randrange(len(name))
    j = rng.randrange(len(words))
    letter = rng.choice("aeiouknstr")
    shuffled = words[:]
    rng.shuffle(shuffled)
    return [
        name[:i] + name[i + 1 :],
        name[:i] + name[i] + name[i:],
        name[:i] + letter + name[i + 1 :],
        name[:i] + name[i + 1 : i + 2] + name[i : i + 1] + name[i + 2 :],
        " ".join(words[:j] + words[j + 1 :]),
        " ".join([*words, rng.choice(["Group", "Holdings", "Tianjin", "Research"])]),
        " ".join(shuffled),
    ]


@pytest.fixture(scope="module")
def variants_scored():
    """Variants of the listed Latin names, each with its score against every entry scored
    on its own (an index of that entry alone, no threshold: every key compared)."""
    rng = random.Random(20261123)
    queries = [
        variant
        for _entry, names in LISTED
        for name in names
        if name.isascii()
        for _ in range(3)
        for variant in _variants(rng, name)
    ]
    scores = {query: {} for query in queries}
    for entry, names in LISTED:
        for query, matches in zip(
            queries, ListIndex([(entry, names)]).match(queries, 0), strict=True
        ):
            if matches:
                scores[query][entry] = matches[0].score
    return scores


@pytest.mark.parametrize("threshold", [DEFAULT_THRESHOLD, 80.0, 70.0, 95.0])
def test_word_candidates_lose_nothing(index, variants_scored, threshold):
    """Screening against the whole list finds exactly the entries, with the same scores,
    that scoring the query against each entry on its own finds."""
    queries = list(variants_scored)
    for query, found in zip(queries, index.match(queries, threshold=threshold), strict=True):
        expected = {e: s for e, s in variants_scored[query].items() if s >= threshold}
        assert {m.entry_id: m.score for m in found} == expected, query
