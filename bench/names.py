"""Fictional organisation, programme and person names for the benchmark, from a seeded RNG.

Names are built from syllables and word pools in four scripts (Latin, Japanese kanji and
katakana, simplified Chinese, and traditional Chinese through OpenCC), so that the matcher
meets the spellings it meets in real filings: local-script and English names of the same
organisation, legal-form and punctuation variants, full-width Latin, a typo, simplified and
traditional Han. No real organisation or person is named on purpose; any resemblance is
chance.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

# --------------------------------------------------------------------------------------
# Word pools
# --------------------------------------------------------------------------------------


def pool(text: str, sep: str = "|") -> list[str]:
    return text.split(sep)


LATIN_SYLLABLES = pool(
    "ka ven dor mir sal tor lin mar bel ros an el or is val gar nes tal ber kov zan ril mon "
    "sen dal fer hal lom ner quil rav sor tem ul vis wen yar zel cas dren fal gor hest ivar "
    "jor kel lor mest nor orv pel rund sav tir urm vald wes xan yor zor bran cor del eth "
    "aug bre cid dov eng fin gla hux imb jak kry lud mog nyx osk pra qua rek sty tuv uzz "
    "vex wyn yst zim abe bok cru dy",
    sep=" ",
)

# Chinese place and brand words are built from these (character, pinyin).
HAN_PLACE = [
    ("华", "hua"), ("东", "dong"), ("南", "nan"), ("西", "xi"), ("北", "bei"), ("中", "zhong"),
    ("新", "xin"), ("长", "chang"), ("安", "an"), ("宁", "ning"), ("海", "hai"), ("江", "jiang"),
    ("山", "shan"), ("川", "chuan"), ("河", "he"), ("湖", "hu"), ("云", "yun"), ("天", "tian"),
    ("龙", "long"), ("凤", "feng"), ("金", "jin"), ("明", "ming"), ("光", "guang"),
    ("星", "xing"), ("辰", "chen"), ("远", "yuan"), ("航", "hang"), ("瑞", "rui"), ("德", "de"),
    ("泰", "tai"), ("盛", "sheng"), ("兴", "xing"), ("恒", "heng"), ("达", "da"),
    ("通", "tong"), ("博", "bo"), ("智", "zhi"), ("威", "wei"), ("嘉", "jia"), ("鸿", "hong"),
    ("峰", "feng"), ("林", "lin"), ("松", "song"), ("桥", "qiao"), ("城", "cheng"),
    ("州", "zhou"), ("阳", "yang"), ("京", "jing"), ("庆", "qing"), ("福", "fu"),
    ("广", "guang"), ("昌", "chang"), ("平", "ping"), ("丰", "feng"), ("宝", "bao"),
    ("鼎", "ding"), ("联", "lian"), ("创", "chuang"), ("科", "ke"), ("芯", "xin"),
    ("微", "wei"), ("数", "shu"), ("源", "yuan"), ("晶", "jing"), ("磁", "ci"),
    ("锐", "rui"), ("拓", "tuo"), ("睿", "rui"), ("翔", "xiang"), ("飞", "fei"),
    ("腾", "teng"), ("鹏", "peng"), ("骏", "jun"), ("齐", "qi"), ("鲁", "lu"),
    ("蜀", "shu"), ("赣", "gan"), ("闽", "min"), ("粤", "yue"), ("燕", "yan"),
]  # fmt: skip
# (Han, English, pinyin)
HAN_INDUSTRY = [
    ("航天", "Aerospace", "hangtian"), ("电子", "Electronics", "dianzi"),
    ("光学", "Optics", "guangxue"), ("精密", "Precision", "jingmi"),
    ("材料", "Materials", "cailiao"), ("半导体", "Semiconductor", "bandaoti"),
    ("通信", "Communication", "tongxin"), ("仪器", "Instruments", "yiqi"),
    ("机械", "Machinery", "jixie"), ("化工", "Chemical", "huagong"),
    ("能源", "Energy", "nengyuan"), ("信息", "Information", "xinxi"),
    ("微电子", "Microelectronics", "weidianzi"), ("激光", "Laser", "jiguang"),
    ("雷达", "Radar", "leida"), ("船舶", "Shipbuilding", "chuanbo"),
    ("核工业", "Nuclear Industry", "hegongye"), ("生物", "Biotechnology", "shengwu"),
    ("智能", "Intelligent Systems", "zhineng"), ("无人机", "Unmanned Aircraft", "wurenji"),
]  # fmt: skip
# (Han suffix, English suffix, pinyin suffix, kind)
HAN_FORMS = [
    ("科技有限公司", "Technology Co., Ltd.", "keji youxian gongsi", "company"),
    ("有限公司", "Co., Ltd.", "youxian gongsi", "company"),
    ("集团有限公司", "Group Co., Ltd.", "jituan youxian gongsi", "company"),
    ("研究所", "Research Institute", "yanjiusuo", "institute"),
    ("研究院", "Research Academy", "yanjiuyuan", "institute"),
    ("技术研究所", "Institute of Technology", "jishu yanjiusuo", "institute"),
    ("工业集团", "Industry Group", "gongye jituan", "company"),
]
HAN_UNIVERSITY = [
    ("航空航天大学", "University of Aeronautics and Astronautics", "hangkong hangtian daxue"),
    ("理工大学", "University of Science and Technology", "ligong daxue"),
    ("工业大学", "University of Technology", "gongye daxue"),
    ("工程大学", "Engineering University", "gongcheng daxue"),
    ("邮电大学", "University of Posts and Telecommunications", "youdian daxue"),
    ("电子科技大学", "University of Electronic Science and Technology", "dianzi keji daxue"),
    ("海洋大学", "Ocean University", "haiyang daxue"),
    ("医科大学", "Medical University", "yike daxue"),
]

# Japanese place names: (kanji, reading).
JA_PLACE = [
    ("北", "kita"), ("南", "minami"), ("東", "higashi"), ("西", "nishi"), ("山", "yama"),
    ("川", "kawa"), ("田", "ta"), ("中", "naka"), ("島", "shima"), ("森", "mori"),
    ("原", "hara"), ("崎", "saki"), ("岡", "oka"), ("村", "mura"), ("橋", "hashi"),
    ("野", "no"), ("松", "matsu"), ("竹", "take"), ("宮", "miya"), ("沢", "sawa"),
    ("石", "ishi"), ("浜", "hama"), ("高", "taka"), ("富", "tomi"), ("青", "ao"),
    ("桜", "sakura"), ("星", "hoshi"), ("和", "wa"), ("泉", "izumi"), ("谷", "tani"),
    ("坂", "saka"), ("平", "hira"), ("市", "ichi"), ("江", "e"), ("津", "tsu"),
    ("尾", "o"), ("木", "ki"), ("内", "uchi"), ("藤", "fuji"), ("福", "fuku"),
    ("菊", "kiku"), ("梅", "ume"), ("杉", "sugi"), ("柳", "yanagi"), ("栗", "kuri"),
    ("葉", "ha"), ("雪", "yuki"), ("霧", "kiri"), ("鶴", "tsuru"), ("亀", "kame"),
]  # fmt: skip
# (kanji, reading, English)
JA_INDUSTRY = [
    ("精密", "seimitsu", "Precision"), ("光学", "kogaku", "Optical"),
    ("電子", "denshi", "Electronics"), ("電機", "denki", "Electric"),
    ("化学", "kagaku", "Chemical"), ("工業", "kogyo", "Industries"),
    ("製作所", "seisakusho", "Works"), ("材料", "zairyo", "Materials"),
    ("計測", "keisoku", "Measurement"), ("重工業", "jukogyo", "Heavy Industries"),
    ("通信", "tsushin", "Communications"), ("医薬", "iyaku", "Pharmaceutical"),
    ("機械", "kikai", "Machinery"), ("技研", "giken", "Giken"), ("産業", "sangyo", "Industry"),
]  # fmt: skip
# (kanji, English field)
JA_FIELD = [
    ("物理学", "Physics"), ("化学", "Chemistry"), ("材料科学", "Materials Science"),
    ("光科学", "Photon Science"), ("電子工学", "Electronic Engineering"),
    ("生命科学", "Life Sciences"), ("情報科学", "Information Science"),
    ("宇宙科学", "Space Science"), ("海洋科学", "Marine Science"), ("農学", "Agriculture"),
    ("医学", "Medical Science"), ("数理科学", "Mathematical Sciences"),
    ("防災科学", "Disaster Science"), ("環境科学", "Environmental Science"),
]  # fmt: skip
KATAKANA = [
    ("ア", "a"), ("カ", "ka"), ("サ", "sa"), ("タ", "ta"), ("ナ", "na"), ("ハ", "ha"),
    ("マ", "ma"), ("ラ", "ra"), ("イ", "i"), ("キ", "ki"), ("シ", "shi"), ("ニ", "ni"),
    ("ヒ", "hi"), ("ミ", "mi"), ("リ", "ri"), ("ク", "ku"), ("ス", "su"), ("フ", "fu"),
    ("ム", "mu"), ("ル", "ru"), ("ケ", "ke"), ("セ", "se"), ("テ", "te"), ("ネ", "ne"),
    ("メ", "me"), ("レ", "re"), ("コ", "ko"), ("ソ", "so"), ("ト", "to"), ("ノ", "no"),
    ("ホ", "ho"), ("モ", "mo"), ("ロ", "ro"), ("ヨ", "yo"), ("ユ", "yu"), ("ワ", "wa"),
]  # fmt: skip
KATAKANA_SUFFIX = [
    ("テック", "tech", "Tech"), ("ラボ", "labo", "Labo"), ("システムズ", "systems", "Systems"),
    ("フォトニクス", "photonics", "Photonics"), ("バイオ", "bio", "Bio"),
    ("ロボティクス", "robotics", "Robotics"), ("", "", ""),
]  # fmt: skip

FIELDS = pool(
    "Physics|Chemistry|Materials Science|Optics|Electronics|Applied Mathematics|Computing|"
    "Aerospace Engineering|Nuclear Engineering|Energy Research|Robotics|Marine Science|"
    "Life Sciences|Medical Research|Information Technology|Microelectronics|Photonics|"
    "Quantum Technology|Earth Sciences|Agricultural Science"
)
INDUSTRIES = pool(
    "Precision|Optics|Electronics|Semiconductor|Materials|Instruments|Aerospace|Machinery|"
    "Photonics|Biotech|Pharmaceutical|Chemical|Sensors|Systems|Software|Robotics|Energy|"
    "Trading|Analytics|Devices|Dynamics|Metals|Composites|Networks"
)
LATIN_FORMS = [
    "Co., Ltd.", "Ltd.", "Inc.", "LLC", "GmbH", "AG", "S.A.", "Corporation", "Pte. Ltd.",
    "JSC", "FZE", "Limited", "",
]  # fmt: skip
LATIN_INSTITUTE_PATTERNS = [
    "{w} Institute of {f}",
    "{w} State University",
    "University of {w}",
    "{w} Polytechnic Institute",
    "{w} Scientific Research Institute of {f}",
    "{w} Academy of {f}",
    "{w} University of Technology",
    "{w} Center for {f}",
]
LATIN_FOUNDATION_PATTERNS = [
    "{w} Foundation for {f}",
    "{w} Science Foundation",
    "{w} Research Council",
    "{w} Trust for {f}",
]
LATIN_ENTITY_PATTERNS = [  # listed entities with no Han spelling
    "{w} Scientific Production Association",
    "{w} {i} Plant",
    "{w} Design Bureau of {f}",
    "{w} Central Research Institute of {f}",
    "{w} {i} Trading {form}",
    "{w} {i} Holdings",
    "{w} {i} {form}",
    "{w} {v} {i} {form}",
]

# Research text (titles and objectives): many short pools, no fixed run of eight or more
# tokens, so that unrelated texts never look shared to duplicate_funding.
METHODS = pool(
    "Quantum sensing|Operando spectroscopy|Machine-learned modelling|Cryogenic microscopy|"
    "Ultrafast imaging|Topological analysis|Multiscale simulation|Single-cell profiling|"
    "Neutron scattering|Bayesian inference|Nonlinear control|Adaptive optics|"
    "High-throughput screening|Isotope tracing|Atomistic modelling|Field observation|"
    "Microfluidic assays|Terahertz probing|Genome editing|Synchrotron diffraction|"
    "Electron holography|Optogenetic mapping|Variational methods|Stochastic analysis"
)
PHENOMENA = pool(
    "strain relaxation|charge transport|spin dynamics|protein folding|crack propagation|"
    "ion diffusion|phase transitions|turbulent mixing|carbon uptake|immune signalling|"
    "grain growth|defect formation|heat dissipation|plasma instabilities|neural coding|"
    "catalytic selectivity|soil erosion|tidal forcing|magnetic ordering|photon statistics|"
    "ageing of polymers|fatigue damage|cell migration|sediment transport"
)
OBJECTS = pool(
    "thin films|perovskite cells|silicon carbide|coastal wetlands|organoids|lithium anodes|"
    "tokamak edges|graphene bilayers|rice paddies|concrete bridges|deep-sea vents|"
    "superconducting qubits|bone tissue|alloy welds|atmospheric aerosols|sea ice|"
    "gut microbiota|soft robots|solid electrolytes|volcanic arcs|optical fibres|"
    "ferroelectric memories|urban canopies|glacial lakes"
)
VERBS = pool(
    "develop|establish|quantify|resolve|predict|control|map|compare|validate|design|"
    "measure|explain|reconstruct|optimise|characterise|test"
)
CONNECTORS = pool(
    "so that|in order to|which will|and then|to help|while we|before we|so as to|and thereby"
)
EXTRAS = pool(
    "at room temperature|under field conditions|across length scales|in real time|"
    "with open data|at industrial scale|in clinical samples|over ten years|"
    "with new detectors|for safer design|for early warning|with partner labs"
)
JA_TITLE_PARTS = (
    ["薄膜", "界面", "量子", "細胞", "土壌", "海氷", "合金", "触媒", "神経", "結晶", "高分子"],
    ["における", "の", "を用いた", "に着目した"],
    ["スピン", "電荷", "熱", "応力", "拡散", "相転移", "変形", "信号", "輸送", "成長"],
    ["制御", "計測", "解明", "予測", "設計", "可視化", "評価", "理解"],
)

SPACE = "\u3000"


# --------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------


@dataclass
class Org:
    """An organisation as researchers and lists write it.

    ``names`` are the spellings in use, the first the most common: an English and a local
    name for a Japanese or Chinese organisation, one name for most others.
    """

    kind: str  # funder, university, institute, company, programme
    country: str
    names: list[str]
    han: str = ""  # simplified Chinese name, for listed Chinese entities
    pinyin: str = ""
    acronym: str = ""
    extra: dict = field(default_factory=dict)


def cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def latin_word(rng: random.Random, low: int = 3, high: int = 3) -> str:
    return cap("".join(rng.choice(LATIN_SYLLABLES) for _ in range(rng.randint(low, high))))


def han_place(rng: random.Random) -> tuple[str, str]:
    a, b = rng.sample(HAN_PLACE, 2)
    return a[0] + b[0], cap(a[1] + b[1])


def ja_place(rng: random.Random) -> tuple[str, str]:
    parts = rng.sample(JA_PLACE, 3 if rng.random() < 0.4 else 2)
    return "".join(p[0] for p in parts), cap("".join(p[1] for p in parts))


def katakana_word(rng: random.Random) -> tuple[str, str]:
    parts = [rng.choice(KATAKANA) for _ in range(rng.randint(3, 5))]
    return "".join(p[0] for p in parts), cap("".join(p[1] for p in parts))


def acronym_of(words: str) -> str:
    letters = [w[0] for w in words.replace(",", " ").split() if w[:1].isupper()]
    return "".join(letters)[:6]


def han_word(rng: random.Random, size: int = 2) -> tuple[str, str]:
    parts = rng.sample(HAN_PLACE, size)
    return "".join(p[0] for p in parts), cap("".join(p[1] for p in parts))


ORDINALS = {1: "st", 2: "nd", 3: "rd"}


def chinese_org(rng: random.Random, kind: str = "company") -> Org:
    """A Chinese organisation: a place, often a brand, a trade and a legal form, in Han
    characters, in English and in pinyin."""
    place, place_py = han_place(rng)
    if kind == "university":
        han_suffix, en_suffix, py_suffix = rng.choice(HAN_UNIVERSITY)
        han = place + han_suffix
        english = f"{place_py} {en_suffix}"
        pinyin = f"{place_py} {py_suffix}"
        return Org(kind, "CN", [english, han], han=han, pinyin=pinyin)
    industry = rng.choice(HAN_INDUSTRY)
    if kind == "institute" and rng.random() < 0.4:  # a group's numbered institute
        brand, brand_py = han_word(rng)
        number = rng.randint(1, 60)
        suffix = ORDINALS.get(number % 10 if number not in (11, 12, 13) else 0, "th")
        han = f"中国{brand}{industry[0]}集团第{number}研究所"
        english = f"China {brand_py} {industry[1]} Group {number}{suffix} Research Institute"
        pinyin = f"Zhongguo {brand_py} {industry[2]} jituan di {number} yanjiusuo"
        return Org(kind, "CN", [english, han], han=han, pinyin=pinyin)
    brand, brand_py = han_word(rng) if rng.random() < 0.6 else ("", "")
    form = rng.choice([f for f in HAN_FORMS if (f[3] == "institute") == (kind == "institute")])
    han = place + brand + industry[0] + form[0]
    english = " ".join(filter(None, [place_py, brand_py, industry[1], form[1]]))
    pinyin = " ".join(filter(None, [place_py, brand_py, industry[2], form[2]]))
    return Org(kind, "CN", [english, han], han=han, pinyin=cap(pinyin), acronym=acronym_of(english))


def japanese_org(rng: random.Random, kind: str = "company") -> Org:
    place, reading = ja_place(rng)
    if kind == "university":
        style = rng.random()
        if style < 0.6:
            return Org(kind, "JP", [f"{reading} University", f"{place}大学"])
        if style < 0.8:
            return Org(kind, "JP", [f"{reading} Institute of Technology", f"{place}工業大学"])
        return Org(kind, "JP", [f"{reading} Medical University", f"{place}医科大学"])
    if kind == "institute":
        kanji, english = rng.choice(JA_FIELD)
        return Org(kind, "JP", [f"{reading} Institute of {english}", f"{place}{kanji}研究所"])
    if kind == "funder":
        kanji, english = rng.choice(JA_FIELD)
        return Org(
            kind,
            "JP",
            [f"{reading} Foundation for {english}", f"公益財団法人{place}{kanji}振興財団"],
        )
    if rng.random() < 0.3:  # a katakana brand
        word, word_reading = katakana_word(rng)
        suffix = rng.choice(KATAKANA_SUFFIX)
        local = f"株式会社{word}{suffix[0]}" if rng.random() < 0.6 else f"{word}{suffix[0]}株式会社"
        english = f"{word_reading}{suffix[1]} Inc." if suffix[1] else f"{word_reading} Inc."
        return Org(kind, "JP", [local, english])
    kanji, industry_reading, english = rng.choice(JA_INDUSTRY)
    local = f"{place}{kanji}株式会社"
    form = rng.choice(["Co., Ltd.", "Corporation", "K.K.", "Inc."])
    return Org(kind, "JP", [local, f"{reading} {english} {form}"])


def latin_org(rng: random.Random, kind: str = "company") -> Org:
    country = rng.choice(["US", "DE", "FR", "GB", "SG", "KR", "AU", "RU", "AE", "IR", "IN"])
    w = latin_word(rng)
    f = rng.choice(FIELDS)
    if kind in ("university", "institute"):
        name = rng.choice(LATIN_INSTITUTE_PATTERNS).format(w=w, f=f)
    elif kind == "funder":
        name = rng.choice(LATIN_FOUNDATION_PATTERNS).format(w=w, f=f)
    else:
        name = f"{w} {rng.choice(INDUSTRIES)} {rng.choice(LATIN_FORMS)}".strip()
    return Org(kind, country, [name])


def listed_entity(rng: random.Random) -> Org:
    """A fictional restricted-list entry: its name, aliases and country."""
    roll = rng.random()
    if roll < 0.45:  # a Chinese organisation, listed in English with Han aliases
        kind = rng.choices(["company", "institute", "university"], [60, 35, 5])[0]
        org = chinese_org(rng, kind)
        aliases = []
        if rng.random() < 0.7:
            aliases.append(org.han)
        if rng.random() < 0.3:
            aliases.append(org.pinyin)
        if org.acronym and len(org.acronym) >= 3 and rng.random() < 0.3:
            aliases.append(org.acronym)
        if rng.random() < 0.15:
            aliases.append(traditional(org.han))
        primary = org.names[0] if rng.random() < 0.85 else org.han
        org.names = [primary, *[a for a in aliases if a != primary]]
        return org
    if roll < 0.60:  # listed under its Han name only (OpenSanctions)
        org = chinese_org(rng, rng.choice(["company", "institute"]))
        org.names = [org.han] + ([org.names[0]] if rng.random() < 0.5 else [])
        return org
    if roll < 0.68:  # a Japanese-script entry with its English name
        org = japanese_org(rng, "company")
        return org
    country = rng.choice(["RU", "IR", "BY", "KP", "SY", "AE", "TR", "PK", "MM", "VE"])
    w = latin_word(rng)
    name = rng.choice(LATIN_ENTITY_PATTERNS).format(
        w=w,
        v=latin_word(rng, 2, 2),
        f=rng.choice(FIELDS),
        i=rng.choice(INDUSTRIES),
        form=rng.choice(LATIN_FORMS),
    )
    name = " ".join(name.split())
    aliases = []
    if rng.random() < 0.5:
        aliases.append(legal_form_variant(rng, name))
    if rng.random() < 0.3:
        aliases.append(f"{latin_word(rng)} {rng.choice(INDUSTRIES)} {rng.choice(LATIN_FORMS)}")
    if rng.random() < 0.2:
        aliases.append(acronym_of(name))
    names = [name]
    for alias in aliases:
        alias = " ".join(alias.split())
        if alias and alias not in names and len(alias) >= 2:
            names.append(alias)
    return Org("company", country, names)


def talent_programme(rng: random.Random) -> Org:
    roll = rng.random()
    if roll < 0.5:
        w = latin_word(rng)
        name = rng.choice(
            [
                f"{w} Overseas Scholars Scheme",
                f"{w} Distinguished Experts Programme",
                f"{w} Young Talent Plan",
                f"{w} Returning Scientists Initiative",
            ]
        )
        sponsor = f"Ministry of Talent Affairs of {latin_word(rng)}"
        return Org("programme", "SG", [name], extra={"sponsor": sponsor})
    place, place_py = han_place(rng)
    han = place + rng.choice(["英才计划", "海外人才计划", "青年学者计划", "高层次人才引进计划"])
    return Org("programme", "CN", [han], han=han, extra={"sponsor": f"{place}人才工作局"})


# --------------------------------------------------------------------------------------
# Spelling variants
# --------------------------------------------------------------------------------------

_LEGAL_SWAPS = [
    ("Co., Ltd.", ["Company Limited", "Co. Ltd", "Co Ltd", "Corporation", ""]),
    ("Corporation", ["Corp.", "Co., Ltd.", ""]),
    ("Inc.", ["Incorporated", "Inc", ""]),
    ("Ltd.", ["Limited", "Ltd", ""]),
    ("LLC", ["L.L.C.", ""]),
    ("K.K.", ["Kabushiki Kaisha", "KK", "Co., Ltd."]),
    ("GmbH", ["G.m.b.H.", ""]),
    ("株式会社", ["(株)", "㈱"]),
    ("有限公司", ["有限责任公司"]),
]


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def traditional(text: str) -> str:
    return _converter("s2t").convert(text)


def full_width(text: str) -> str:
    return "".join(
        chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else (SPACE if ch == " " else ch) for ch in text
    )


def legal_form_variant(rng: random.Random, name: str) -> str:
    for form, swaps in _LEGAL_SWAPS:
        if form in name:
            replacement = rng.choice(swaps)
            if form == "株式会社" and name.startswith(form):
                return name.replace(form, "", 1) + replacement if replacement else name
            return " ".join(name.replace(form, replacement).split())
    return name


def case_variant(rng: random.Random, name: str) -> str:
    roll = rng.random()
    if roll < 0.4:
        return name.upper()
    if roll < 0.7:
        return name.replace(",", "").replace(".", "")
    return name.replace(" and ", " & ") if " and " in name else name.lower()


def typo(rng: random.Random, name: str) -> str:
    """One letter dropped or doubled in the longest word (names of 20 letters or more)."""
    words = name.split(" ")
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) < 6 or sum(ch.isalpha() for ch in name) < 20:
        return name
    i = rng.randrange(2, len(word) - 1)
    words[longest] = word[:i] + word[i + 1 :] if rng.random() < 0.5 else word[:i] + word[i:]
    if words[longest] == word:
        words[longest] = word[:i] + word[i] + word[i:]
    return " ".join(words)


def is_han(text: str) -> bool:
    return any("CJK" in unicodedata.name(ch, "") for ch in text)


# --------------------------------------------------------------------------------------
# People and research text
# --------------------------------------------------------------------------------------

HIRAGANA = {
    "ka": "か", "ki": "き", "ku": "く", "ko": "こ", "sa": "さ", "shi": "し", "su": "す",
    "ta": "た", "to": "と", "na": "な", "no": "の", "ha": "は", "hi": "ひ", "ma": "ま",
    "mi": "み", "mo": "も", "ya": "や", "yu": "ゆ", "ri": "り", "ro": "ろ", "wa": "わ",
    "a": "あ", "i": "い", "e": "え", "o": "お", "ne": "ね", "ke": "け", "se": "せ",
    "te": "て", "mu": "む", "ru": "る", "yo": "よ",
}  # fmt: skip
NAME_KANJI = "山田中川本村井森林松原石小高橋清水藤木野宮崎岡島谷花美子太郎健翔陽結菜大輝"


def person_name(rng: random.Random) -> dict:
    """A fictional Japanese-style name in Latin, kanji and kana (or Latin only)."""
    syllables = list(HIRAGANA)

    def part(low, high):
        picked = [rng.choice(syllables) for _ in range(rng.randint(low, high))]
        return cap("".join(picked)), "".join(HIRAGANA[s] for s in picked)

    family_latin, family_kana = part(2, 3)
    given_latin, given_kana = part(2, 3)
    if rng.random() < 0.1:  # researchers from abroad: Latin only
        return {
            "family_name_latin": latin_word(rng),
            "given_name_latin": latin_word(rng, 1, 2),
            "family_name_kanji": "",
            "given_name_kanji": "",
            "family_name_kana": "",
            "given_name_kana": "",
        }
    return {
        "family_name_latin": family_latin,
        "given_name_latin": given_latin,
        "family_name_kanji": "".join(rng.sample(NAME_KANJI, 2)),
        "given_name_kanji": "".join(rng.sample(NAME_KANJI, rng.randint(1, 2))),
        "family_name_kana": family_kana,
        "given_name_kana": given_kana,
    }


def research_title(rng: random.Random, japanese: bool = False) -> str:
    if japanese:
        a, b, c, d = JA_TITLE_PARTS
        return (
            f"{rng.choice(a)}{rng.choice(b)}{rng.choice(c)}{rng.choice(d)}と"
            f"{rng.choice(a)}{rng.choice(c)}の{rng.choice(d)}"
        )
    return (
        f"{rng.choice(METHODS)} of {rng.choice(PHENOMENA)} in {rng.choice(OBJECTS)} "
        f"{rng.choice(EXTRAS)}"
    )


def research_objectives(rng: random.Random, japanese: bool = False) -> str:
    if japanese:
        a, b, c, d = JA_TITLE_PARTS
        return "。".join(
            f"{rng.choice(a)}{rng.choice(b)}{rng.choice(c)}を{rng.choice(d)}し"
            f"{rng.choice(a)}{rng.choice(c)}{rng.choice(d)}へ展開する"
            for _ in range(3)
        )
    sentences = []
    for _ in range(2):
        sentences.append(
            f"We {rng.choice(VERBS)} {rng.choice(PHENOMENA)} in {rng.choice(OBJECTS)} "
            f"{rng.choice(CONNECTORS)} {rng.choice(VERBS)} {rng.choice(PHENOMENA)} "
            f"{rng.choice(EXTRAS)}."
        )
    return " ".join(sentences)


def light_edit(rng: random.Random, text: str) -> str:
    """The same proposal sent to a second programme: a word or two changed."""
    words = text.split(" ")
    if len(words) > 6:
        i = rng.randrange(len(words))
        words[i] = rng.choice(["novel", "advanced", "integrated", words[i]])
    return " ".join(words)
