"""The Japanese catalogue (locale/ja/LC_MESSAGES/django.po) is complete, keeps every
placeholder of the English, compiles, and is in step with the code.

No database: the catalogue is read with polib, and the in-step check runs Django's own
``makemessages`` over a copy of the sources in a temporary directory, so that what it
extracts is exactly what ``makemessages`` would extract and the real catalogue is never
touched. To bring the catalogue up to date::

    .venv/bin/python manage.py makemessages -l ja --ignore=.venv --ignore=var \
        --ignore=tests --ignore=test-artifacts

then translate what it added (no entry may stay empty or fuzzy).
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
PO_PATH = BASE_DIR / "locale" / "ja" / "LC_MESSAGES" / "django.po"

# The directories the makemessages command above ignores. Hidden directories (.venv,
# .git, ...) are ignored by makemessages itself (its default pattern ".*").
IGNORED_DIRS = ("var", "tests", "test-artifacts")
# makemessages reads these for the "django" domain (its default -e html,txt,py).
SOURCE_SUFFIXES = {".py", ".html", ".txt"}

# A printf-style Python directive: %(name)s, %s, %5.2f, ... ("%%" is a literal percent).
_PY_DIRECTIVE = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?"  # an optional mapping key
    r"[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"  # flags, width, precision, length
    r"(?P<conv>[diouxXeEfFgGcrsa%])"
)
_BRACE_FIELD = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def _key(entry: polib.POEntry) -> tuple[str | None, str, str]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def _describe(key) -> str:
    msgctxt, msgid, _plural = key
    return f"[{msgctxt}] {msgid!r}" if msgctxt else repr(msgid)


def _live_entries(catalogue: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in catalogue if not entry.obsolete]


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    assert PO_PATH.is_file(), f"{PO_PATH.relative_to(BASE_DIR)} is missing: run makemessages -l ja"
    return polib.pofile(str(PO_PATH))


def test_header_says_japanese_utf8_with_one_plural_form(catalogue):
    assert not catalogue.metadata_is_fuzzy, "the header is marked fuzzy: msgfmt would ignore it"
    assert catalogue.metadata.get("Language") == "ja"
    assert "charset=UTF-8" in catalogue.metadata.get("Content-Type", "")
    assert catalogue.metadata.get("Plural-Forms") == "nplurals=1; plural=0;"


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    problems = []
    for entry in _live_entries(catalogue):
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {_describe(_key(entry))}")
        if entry.msgid_plural and sorted(entry.msgstr_plural) != [0]:
            problems.append(f"needs exactly msgstr[0] (nplurals=1): {_describe(_key(entry))}")
        if not all(text.strip() for text in _translations(entry)):
            problems.append(f"empty msgstr: {_describe(_key(entry))}")
    assert not problems, "\n".join(problems)


def _python_placeholders(text: str) -> tuple[set[str], list[str]]:
    """The named directives as written (``%(count)s``) and the unnamed conversions in order."""
    named, unnamed = set(), []
    for match in _PY_DIRECTIVE.finditer(text):
        if match["conv"] == "%":
            continue
        if match["name"] is not None:
            named.add(match.group())
        else:
            unnamed.append(match["conv"])
    return named, unnamed


def _placeholder_problems(entry: polib.POEntry) -> list[str]:
    # Japanese has one plural form, used for every count: it must carry what the plural does.
    source = entry.msgid_plural or entry.msgid
    python_format = "python-format" in entry.flags
    check_python = "no-python-format" not in entry.flags
    named, unnamed = _python_placeholders(source)
    problems = []
    for text in _translations(entry):
        if not text:
            continue  # reported by the completeness test
        got_named, got_unnamed = _python_placeholders(text)
        if check_python and got_named != named:
            problems.append(
                f"{_describe(_key(entry))}: placeholders {sorted(named)} became {sorted(got_named)}"
            )
        if python_format and got_unnamed != unnamed:
            problems.append(
                f"{_describe(_key(entry))}: directives {unnamed} became {got_unnamed} in {text!r}"
            )
        if "python-brace-format" in entry.flags and set(_BRACE_FIELD.findall(text)) != set(
            _BRACE_FIELD.findall(source)
        ):
            problems.append(f"{_describe(_key(entry))}: brace fields differ in {text!r}")
        if sorted(_HTML_TAG.findall(text)) != sorted(_HTML_TAG.findall(source)):
            problems.append(f"{_describe(_key(entry))}: HTML tags differ in {text!r}")
    return problems


def test_translations_keep_every_placeholder(catalogue):
    problems = [p for entry in _live_entries(catalogue) for p in _placeholder_problems(entry)]
    assert not problems, "\n".join(problems)


def test_catalogue_compiles_with_format_checks(tmp_path):
    """What `manage.py compilemessages` (and so `make`) runs: msgfmt --check."""
    result = subprocess.run(  # noqa: S603 - fixed command, our own file
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(PO_PATH)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def _copy_sources(destination: Path) -> None:
    """Copy what makemessages would read (and nothing else) from the project to
    ``destination``, keeping paths. Every ``locale`` directory is recreated empty, so that
    strings go to the same catalogue as they would in the real tree."""
    for dirpath, dirnames, filenames in os.walk(BASE_DIR):
        here = Path(dirpath)
        relative = here.relative_to(BASE_DIR)
        for name in list(dirnames):
            if name.startswith(".") or name in IGNORED_DIRS or name == "__pycache__":
                dirnames.remove(name)
            elif name == "locale":
                dirnames.remove(name)
                (destination / relative / name).mkdir(parents=True, exist_ok=True)
        for name in filenames:
            if Path(name).suffix in SOURCE_SUFFIXES and not name.startswith("."):
                target = destination / relative / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(here / name, target)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> polib.POFile:
    """The catalogue that makemessages extracts from the current code, built in a copy."""
    workdir = tmp_path_factory.mktemp("makemessages")
    _copy_sources(workdir)
    (workdir / "locale").mkdir(exist_ok=True)
    # Without settings, makemessages writes to ./locale of its working directory only.
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
    command = [sys.executable, "-m", "django", "makemessages", "-l", "ja"]
    command += [f"--ignore={name}" for name in (".venv", *IGNORED_DIRS)]
    result = subprocess.run(  # noqa: S603 - fixed command on our own copy
        command, cwd=workdir, env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    po_path = workdir / "locale" / "ja" / "LC_MESSAGES" / "django.po"
    assert po_path.is_file(), result.stdout + result.stderr
    return polib.pofile(str(po_path))


def test_catalogue_has_every_string_the_code_marks(catalogue, extracted):
    have = {_key(entry) for entry in _live_entries(catalogue)}
    missing = [entry for entry in _live_entries(extracted) if _key(entry) not in have]
    assert not missing, (
        "the Japanese catalogue is stale: run makemessages (see this file's docstring) and "
        "translate\n"
        + "\n".join(
            f"{_describe(_key(e))} ({', '.join(f'{p}:{n}' for p, n in e.occurrences)})"
            for e in missing
        )
    )


def test_catalogue_has_no_string_the_code_dropped(catalogue, extracted):
    wanted = {_key(entry) for entry in _live_entries(extracted)}
    dropped = [_key(entry) for entry in _live_entries(catalogue) if _key(entry) not in wanted]
    assert not dropped, (
        "no longer in the code: run makemessages (see this file's docstring)\n"
        + "\n".join(_describe(key) for key in dropped)
    )
