"""Organisation-name matching: keys, true matches, near misses, robustness, calibration.

No database. The index below stands in for a restricted-entity list; its entries are real
organisation names (or plainly made-up trading companies), each with aliases as lists give.
"""

import pytest

from checks import matching
from checks.matching import (
    ACRONYM_SCORE,
    DEFAULT_THRESHOLD,
    ListIndex,
    Match,
    NameKeys,
    name_similarity,
    normalise_name,
)

ENTRIES = [
    ("hikari", ["HIKARI TRADING K.K."]),
    ("hikari-boeki", ["ひかり貿易株式会社", "Hikari Boeki"]),
    (
        "buaa",
        [
            "Beijing University of Aeronautics and Astronautics",
            "Beihang University",
            "北京航空航天大学",
        ],
    ),
    ("hit", ["Harbin Institute of Technology", "哈尔滨工业大学", "HIT"]),
    ("heu", ["Harbin Engineering University", "哈尔滨工程大学"]),
    ("nwpu", ["Northwestern Polytechnical University", "西北工业大学"]),
    ("bit", ["Beijing Institute of Technology (BIT)", "北京理工大学"]),
    ("nudt", ["National University of Defense Technology", "NUDT", "国防科技大学"]),
    ("ipt", ["Institute of Physics and Technology"]),
    ("mipt", ["Moscow Institute of Physics and Technology"]),
    ("sharif", ["Sharif University of Technology"]),
    ("cetc14", ["中国电子科技集团公司第十四研究所", "CETC 14th Research Institute"]),
    ("casc", ["中国航天科技集团有限公司"]),
    ("abc", ["ABC Electronics Co., Ltd."]),
    ("titech", ["東京工業大学"]),
    ("hiroshima", ["广岛大学"]),
]


@pytest.fixture(scope="module")
def index():
    return ListIndex(ENTRIES)


def ids(index, name, **kwargs):
    return [m.entry_id for m in index.match([name], **kwargs)[0]]


def score_of(index, name, entry_id):
    """The score ``name`` gets against ``entry_id`` with no threshold at all (0 if none)."""
    for m in index.match([name], threshold=0)[0]:
        if m.entry_id == entry_id:
            return m.score
    return 0.0


# ---- keys -------------------------------------------------------------------------------


def test_latin_key_drops_legal_forms_punctuation_and_case():
    assert normalise_name("Hikari Trading Co., Ltd.").latin == ("hikari trading",)
    assert normalise_name("HIKARI TRADING K.K.").latin == ("hikari trading",)
    assert normalise_name("Hikari Trading Kabushiki Kaisha").latin == ("hikari trading",)
    assert normalise_name("Acme GmbH").latin == normalise_name("ACME S.A.").latin == ("acme",)
    assert normalise_name("Acme Corporation").latin == normalise_name("Acme Inc.").latin


def test_organisation_type_words_are_kept():
    keys = normalise_name("Beijing Institute of Technology")
    assert keys.latin == ("beijing institute technology",)
    assert normalise_name("Chinese Academy of Sciences Group").latin == (
        "chinese academy science group",
    )


def test_sorted_tokens_and_ampersand():
    keys = normalise_name("University of Science & Technology")
    assert keys.latin == normalise_name("University of Science and Technology").latin
    assert keys.latin_sorted == ("science technology university",)


def test_han_key_traditional_simplified_and_legal_forms():
    assert normalise_name("北京航空航天大學").han == normalise_name("北京航空航天大学").han
    assert normalise_name("華為技術有限公司").han == ("华为技术",)
    assert normalise_name("株式会社ひかり").han == ("ひかり",)


def test_japanese_shinjitai_meets_chinese_simplified():
    # OpenCC's t2s covers 東→东 and 業→业; 広 (Japanese) → 廣 → 广 comes from JPVariants.
    assert normalise_name("東京工業大学").han == normalise_name("东京工业大学").han
    assert normalise_name("広島大学").han == normalise_name("廣島大學").han == ("广岛大学",)


def test_japanese_readings():
    # pykakasi reads 光 alone as "hikari" and 貿易 as "bōeki"; long vowels are shortened.
    assert "hikari boeki" in normalise_name("光貿易").latin
    assert normalise_name("ひかり貿易株式会社").latin == ("hikari boeki",)
    assert normalise_name("株式会社ヒカリ").latin == ("hikari",)
    # A name written only in Han has both readings: Chinese and Japanese.
    assert normalise_name("東京工業大学").latin == ("dongjing gongye daxue", "tokyo kogyo daigaku")


def test_chinese_reading_is_word_by_word():
    assert normalise_name("北京航空航天大学").latin[0] == "beijing hangkong hangtian daxue"


def test_full_width_latin():
    assert normalise_name("ＡＢＣ　Ｃｏ．，Ｌｔｄ．").latin == ("abc",)


def test_bracketed_acronym_is_a_separate_candidate():
    keys = normalise_name("Beijing Institute of Technology (BIT)")
    assert keys.latin == ("beijing institute technology",)
    assert keys.acronyms == ("bit",)
    # A bracketed word that is not an acronym stays in the name.
    assert normalise_name("Acme (Hong Kong) Limited").latin == ("acme hong kong",)


def test_translation_in_another_script_is_a_separate_candidate():
    for name in ("Beihang University / 北京航空航天大学", "Beihang University (北京航空航天大学)"):
        keys = normalise_name(name)
        assert "beihang university" in keys.latin
        assert keys.han == ("北京航空航天大学",)


@pytest.mark.parametrize(
    "name", ["", "   ", "\t\n", "...!!", "（）", "Co., Ltd.", "株式会社", "有限公司", "\x00\x07"]
)
def test_nothing_to_compare(index, name):
    keys = normalise_name(name)
    assert not keys
    assert keys.latin == keys.han == ()
    assert index.match([name]) == [[]]


def test_normalise_name_wants_a_string():
    with pytest.raises(TypeError):
        normalise_name(None)


# ---- true matches -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "entry_id", "method"),
    [
        # legal-form variant
        ("Hikari Trading Co., Ltd.", "hikari", "exact"),
        # punctuation, case, spacing
        ("  hikari-TRADING ,co.ltd ", "hikari", "exact"),
        # an alias
        ("Beihang University", "buaa", "exact"),
        # abbreviations and &
        ("Beijing Univ. of Aeronautics & Astronautics", "buaa", "exact"),
        # traditional Chinese against a simplified listing
        ("北京航空航天大學", "buaa", "han"),
        # pinyin typed for a name listed in Han
        ("Beijing Hangkong Hangtian Daxue", "buaa", "exact"),
        # kanji with pykakasi's reading (光 → hikari) meets the kana listing and its romaji alias
        ("光貿易", "hikari-boeki", "exact"),
        ("ひかり貿易", "hikari-boeki", "exact"),
        ("Hikari Boeki K.K.", "hikari-boeki", "exact"),
        # Japanese shinjitai against Chinese simplified
        ("東京工業大学", "titech", "han"),
        ("広島大学", "hiroshima", "han"),
        # full-width Latin
        ("ＡＢＣ　ＥＬＥＣＴＲＯＮＩＣＳ　ＣＯ．，ＬＴＤ．", "abc", "exact"),
        # a small typo
        ("Harbin Institue of Technology", "hit", "fuzzy"),
        ("Nortwestern Polytechnical Univ.", "nwpu", "fuzzy"),
        # word order
        ("Technology Institute of Harbin", "hit", "exact"),
        # a bracketed acronym next to the full name
        ("Beijing Institute of Technology (BIT)", "bit", "exact"),
        # a name that is only the listed acronym
        ("BIT", "bit", "acronym"),
        ("NUDT", "nudt", "exact"),
        # English name with its Chinese name run straight on
        ("Harbin Institute of Technology哈尔滨工业大学", "hit", "exact"),
        # one word (公司) dropped from a long Han name
        ("中国电子科技集团第十四研究所", "cetc14", "han-fuzzy"),
    ],
)
def test_true_matches(index, query, entry_id, method):
    found = index.match([query])[0]
    assert found, query
    best = found[0]
    assert (best.entry_id, best.method) == (entry_id, method), found
    assert best.score >= DEFAULT_THRESHOLD


def test_match_fields(index):
    [[best, *_]] = index.match(["Harbin Institue of Technology"])
    assert isinstance(best, Match)
    assert best.matched_name == "Harbin Institute of Technology"
    assert best.query_key == "harbin institue technology"
    assert 90 < best.score < 100


def test_acronym_scores():
    index = ListIndex(ENTRIES)
    [[bit]] = index.match(["BIT"])
    assert bit.score == ACRONYM_SCORE
    # A bracketed acronym beside another full name does not match on its own ...
    assert index.match(["Foo Bar Institute (BIT)"]) == [[]]
    # ... but shows up when asked for with a lower threshold.
    assert ids(index, "Foo Bar Institute (BIT)", threshold=75) == ["bit"]


# ---- near misses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "entry_id"),
    [
        ("Northwestern University", "nwpu"),
        ("Tokyo Institute of Technology", "bit"),
        ("Tokyo Institute of Technology", "hit"),
        ("Harbin Engineering University", "hit"),
        ("Harbin Institute of Technology", "heu"),
        ("University of Science and Technology", "nudt"),
        # A short generic name inside a longer listed one is another organisation (the
        # Institute of Physics is not the Institute of Physics and Technology). Matching
        # such subsets would flag every "Institute of X" a researcher declares.
        ("Institute of Physics", "ipt"),
        ("Institute of Physics", "mipt"),
        ("Sharif Trading", "sharif"),
        ("Beijing University", "buaa"),
        ("Beijing University of Technology", "bit"),
        ("CETC 15th Research Institute", "cetc14"),
        # One Han character substituted: Harbin Engineering vs Harbin Institute of Technology,
        # and 航天科工 (CASIC) vs 航天科技 (CASC).
        ("哈尔滨工程大学", "hit"),
        ("中国航天科工集团有限公司", "casc"),
        # Different numbers in a long Han name.
        ("中国电子科技集团公司第十五研究所", "cetc14"),
        ("Hikari", "hikari"),
    ],
)
def test_near_misses(index, query, entry_id):
    assert entry_id not in ids(index, query)


def test_near_miss_still_finds_the_right_entry(index):
    assert ids(index, "Harbin Engineering University") == ["heu"]
    assert ids(index, "哈尔滨工程大学") == ["heu"]


def test_calibration_margins(index):
    """The default threshold sits well between true variants and near misses."""
    true_pairs = [
        ("Harbin Institue of Technology", "hit"),
        ("Harbin Instiute of Technolgy", "hit"),
        ("Moskow Institute of Physics and Technology", "mipt"),
        ("Nortwestern Polytechnical University", "nwpu"),
        ("Sharif Universty of Technology", "sharif"),
    ]
    near_pairs = [
        ("Northwestern University", "nwpu"),
        ("Tokyo Institute of Technology", "bit"),
        ("Harbin Engineering University", "hit"),
        ("University of Science and Technology", "nudt"),
        ("Institute of Physics", "ipt"),
        ("Sharif Trading", "sharif"),
        ("Harbin Institute of Technology Shenzhen", "hit"),
        ("Beijing Institute of Aeronautics", "buaa"),
    ]
    true_scores = [score_of(index, q, e) for q, e in true_pairs]
    near_scores = [score_of(index, q, e) for q, e in near_pairs]
    assert min(true_scores) >= DEFAULT_THRESHOLD + 5, true_scores
    assert max(near_scores) <= DEFAULT_THRESHOLD - 15, near_scores


# ---- robustness -----------------------------------------------------------------------------


def test_control_characters_and_invisible_marks(index):
    name = "\x00Hikari\u200b Trad\u00ading\tCo.\nLtd.\x7f\ud800"
    assert ids(index, name) == ["hikari"]


def test_very_long_name_does_not_crash(index):
    long_name = "Harbin Institute of Technology " * 2000 + "北京航空航天大学" * 500
    [found] = index.match([long_name])
    assert isinstance(found, list)
    assert len(normalise_name(long_name).latin[0]) <= matching.MAX_NAME_CHARS


def test_non_strings_in_a_batch_match_nothing(index):
    assert index.match([None, 42, "Beihang University"])[:2] == [[], []]


def test_results_sorted_and_deterministic(index):
    names = [q for q, _e in [("Harbin Institute of Technology", 0), ("光貿易", 0), ("BIT", 0)]]
    names += ["Beijing Institute of Technology", "Harbin Institue of Technology", ""]
    first = index.match(names, threshold=30)
    for found in first:
        assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    assert index.match(names, threshold=30) == first
    assert ListIndex(ENTRIES).match(names, threshold=30) == first


def test_each_entry_once_per_name(index):
    [found] = index.match(["Beihang University / 北京航空航天大学"])
    assert [m.entry_id for m in found] == ["buaa"]
    assert found[0].score == 100


def test_index_accepts_one_string_and_skips_duplicates():
    index = ListIndex([("x", "Acme Trading Ltd"), ("y", ["Acme Trading Ltd", "Acme Trading Ltd"])])
    assert len(index) == 2
    assert ids(index, "ACME TRADING") == ["x", "y"]


def test_without_numpy_the_results_are_the_same(index, monkeypatch):
    names = [
        "Harbin Institue of Technology",
        "中国电子科技集团第十四研究所",
        "Northwestern University",
    ]
    expected = index.match(names)
    monkeypatch.setattr(matching, "np", None)
    assert index.match(names) == expected
    assert len(index.raw_floor(names)) == len(names)


def test_raw_floor_is_one_cdist_over_the_raw_names(index):
    pytest.importorskip("numpy")
    floor = index.raw_floor(["Harbin Institute of Technology", "Hikari"])
    listed = sum(len(set(names)) for _id, names in ENTRIES)
    assert floor.shape == (2, listed)
    assert floor.max() == 100


def test_batch_keeps_order_and_length(index):
    names = ["Beihang University", "", "Sharif University of Technology", "Nobody Ltd"]
    found = index.match(names)
    assert [[m.entry_id for m in f] for f in found] == [["buaa"], [], ["sharif"], []]


def test_namekeys_is_a_value():
    assert isinstance(normalise_name("Acme"), NameKeys)
    assert normalise_name("Acme Ltd") == normalise_name("Acme Ltd")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hikari Trading Co., Ltd.", "HIKARI TRADING K.K."),
        ("Harbin Institue of Technology", "Harbin Institute of Technology"),
        ("北京航空航天大學", "北京航空航天大学"),
        ("光貿易", "Hikari Boeki"),
        ("中国电子科技集团第十四研究所", "中国电子科技集团公司第十四研究所"),
        ("Northwestern University", "Northwestern Polytechnical University"),
        ("Institute of Physics", "Institute of Physics and Technology"),
        ("哈尔滨工程大学", "哈尔滨工业大学"),
    ],
)
def test_name_similarity_agrees_with_the_index(a, b):
    [found] = ListIndex([("b", [b])]).match([a], threshold=0)
    expected = found[0].score if found else 0.0
    assert name_similarity(a, b) == expected
    assert name_similarity(b, a) == name_similarity(a, b)


def test_name_similarity_edges():
    assert name_similarity("", "Acme") == name_similarity("Ltd.", "Co., Ltd.") == 0.0
    assert name_similarity("BIT", "Beijing Institute of Technology (BIT)") == ACRONYM_SCORE
