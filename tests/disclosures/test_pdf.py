"""The PDF of a certified declaration: what it prints, that it prints only the certified
content, that it is escaped, that Japanese renders, and that archiving it is idempotent."""

import hashlib
import io
import re

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from disclosures.models import CertifiedPdf
from disclosures.pdf import TEMPLATE, render_certified_pdf, render_context
from disclosures.services import certified_pdf_archive, declaration_certify
from disclosures.tasks import archive_certified_pdf
from tests.factories import certify, fill_draft, researcher, section_rows, start_application

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script> & <b>bold</b>"

# One row title (or description) from each section of tests.factories.section_rows().
ROW_TITLES = {
    "support": "Spin qubits in silicon carbide",
    "in_kind": "Beam time on a synchrotron beamline",
    "appointments": "Visiting Professor",
    "talent_programmes": "Distinguished Overseas Scholars Scheme",
    "outside_activities": "Technical advisor on sensor design.",
    "contracts": "Joint research agreement",
}


def _draft(**section_overrides):
    user = researcher()
    application = start_application(user)
    return fill_draft(application.declaration.versions.get(), **section_overrides)


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _flat(text: str) -> str:
    """Text with every run of whitespace made one space (extraction breaks lines)."""
    return " ".join(text.split())


def _no_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_pdf_prints_the_certified_declaration():
    version = certify(_draft())

    data = render_certified_pdf(version)

    assert data.startswith(b"%PDF-")
    pages = _pages(data)
    text = _flat("\n".join(pages))
    assert "Declaration of research support and outside activities" in text
    assert version.fingerprint in _no_space(text)
    assert "山田 花子" in text
    assert "やまだ はなこ" in text
    assert "Yamada Hanako" in text
    assert "Hanako Yamada" in text  # the typed signature
    assert "127.0.0.1" in text
    assert version.certified_by.username in text
    for title in ROW_TITLES.values():
        assert title in text
    # The footer of every page: fingerprint, version and page X of Y.
    for number, page in enumerate(pages, start=1):
        assert version.fingerprint in _no_space(page)
        assert f"Version 1 · page {number} of {len(pages)}" in _flat(page)


def test_empty_section_says_none_declared():
    version = certify(_draft(appointments=[]))

    text = _flat("\n".join(_pages(render_certified_pdf(version))))

    assert "None declared" in text
    assert ROW_TITLES["appointments"] not in text
    assert ROW_TITLES["talent_programmes"] in text


def test_pdf_shows_the_certified_content_not_the_live_profile():
    version = certify(_draft())
    profile = version.declaration.application.researcher.researcher_profile
    profile.family_name_kanji = "佐藤"
    profile.family_name_latin = "Sato"
    profile.save()
    version.refresh_from_db()

    text = _flat("\n".join(_pages(render_certified_pdf(version))))

    assert "山田 花子" in text
    assert "佐藤" not in text
    assert "Sato" not in text


def test_hostile_text_is_printed_literally_not_interpreted():
    support = dict(section_rows()["support"][0], title=HOSTILE)
    version = certify(_draft(support=[support]))

    html = render_to_string(TEMPLATE, render_context(version))
    text = _flat("\n".join(_pages(render_certified_pdf(version))))

    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script" not in html and "<b>" not in html
    assert HOSTILE in text


def test_long_unbroken_text_wraps_inside_the_page():
    token = "ABCDEF0123" * 30
    support = dict(section_rows()["support"][0], objectives=token)
    version = certify(_draft(support=[support]))

    reader = PdfReader(io.BytesIO(render_certified_pdf(version)))
    text = "\n".join(page.extract_text() for page in reader.pages)

    # All of it is there, broken over several lines rather than cut off at the margin.
    assert token in _no_space(text)
    assert not any(token in line for line in text.splitlines())


def test_pdf_in_japanese_renders_japanese():
    draft = _draft()
    user = draft.declaration.application.researcher
    version = declaration_certify(
        version=draft,
        user=user,
        expected_revision=draft.revision,
        signature="山田 花子",
        ip_address="2001:db8::1",
        language="ja",
    )

    pages = _pages(render_certified_pdf(version))
    text = _flat("\n".join(pages))

    assert "山田 花子" in text and "やまだ はなこ" in text
    assert "年" in text  # dates in the Japanese format, e.g. 2027年4月1日
    assert "日本" in text  # country names in Japanese
    assert "2001:db8::1" in text
    assert version.fingerprint in _no_space(text)


def _base_fonts(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.get_object().values():
            font = font.get_object()
            names.add(str(font["/BaseFont"]))
            for descendant in font.get("/DescendantFonts", []):
                names.add(str(descendant.get_object()["/BaseFont"]))
    return names


def test_pdf_embeds_a_japanese_font():
    version = certify(_draft())

    fonts = _base_fonts(render_certified_pdf(version))

    assert any(marker in name for name in fonts for marker in ("IPAex", "Noto", "CJK")), fonts


def test_draft_has_no_pdf():
    draft = _draft()

    with pytest.raises(ValueError):
        render_certified_pdf(draft)


def test_archive_keeps_one_pdf_and_rerunning_is_harmless():
    version = certify(_draft())

    first = certified_pdf_archive(version=version)
    second = certified_pdf_archive(version=version)
    archive_certified_pdf(version_id=version.pk)
    archive_certified_pdf.delay(version_id=version.pk)

    assert first.pk == second.pk
    assert CertifiedPdf.objects.filter(version=version).count() == 1
    kept = CertifiedPdf.objects.get(version=version)
    with kept.file.open("rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == kept.sha256 == first.sha256
    assert version.fingerprint in _no_space("".join(_pages(data)))


def test_archive_task_ignores_a_draft():
    draft = _draft()

    archive_certified_pdf(version_id=draft.pk)

    assert not CertifiedPdf.objects.exists()
