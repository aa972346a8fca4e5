"""A researcher's whole journey in a real browser: sign in, apply, declare in every section,
recover from a validation error without losing anything, upload a contract, certify,
download the certified PDF, amend, certify again and compare the two versions.

Every step asserts what the researcher sees on the page, not only that a request succeeded.
"""

import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from disclosures.models import DeclarationVersion
from funding.models import Application
from tests.factories import PASSWORD, ProgrammeFactory, researcher
from tests.pdfs import simple_pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEX64 = re.compile(r"^[0-9a-f]{64}$")
SECTION_KEYS = (
    "support",
    "in_kind",
    "appointments",
    "talent_programmes",
    "outside_activities",
    "contracts",
)


class Select(str):
    """A value to choose in a <select>."""


CHECK = object()  # tick the checkbox

APPLICATION = {
    "title": "Quantum sensing of strain in thin films",
    "objectives": "Develop NV-centre magnetometry for semiconductor process control.",
    "start_date": "2027-04-01",
    "end_date": "2030-03-31",
    "requested_amount": "12000000.00",
    "currency": Select("JPY"),
    "effort_percent": "30.00",
}

# One row per section; every required field, plus a few optional ones. The first entry of
# each is the text that identifies the row on the review page and in the PDF.
ROWS = {
    "support": {
        "title": "Spin qubits in silicon carbide",
        "status": Select("current"),
        "award_number": "JP21H01234",
        "organisation_name": "Japan Society for the Promotion of Science",
        "organisation_country": Select("JP"),
        "place_of_performance": "Kita University",
        "start_date": "2024-04-01",
        # Deliberately before the start: fixed after the first save attempt.
        "end_date": "2023-03-31",
        "total_amount": "15000000.00",
        "currency": Select("JPY"),
        "effort_percent": "25.00",
        "objectives": "Coherent control of divacancy spins.",
        "overlap_statement": "None",
    },
    "in_kind": {
        "description": "Beam time on a synchrotron beamline",
        "organisation_name": "Institute of Photon Science",
        "organisation_country": Select("DE"),
        "status": Select("current"),
        "estimated_value": "40000.00",
        "currency": Select("EUR"),
        "requires_time": CHECK,
        "start_date": "2025-01-01",
    },
    "appointments": {
        "position_title": "Visiting Professor",
        "organisation_name": "Lakeside Institute of Technology",
        "organisation_country": Select("SG"),
        "kind": Select("visiting"),
        "start_date": "2025-10-01",
        "end_date": "2026-09-30",
        "reported_to_institution": CHECK,
        "approved_by_institution": CHECK,
    },
    "talent_programmes": {
        "programme_name": "Distinguished Overseas Scholars Scheme",
        "organisation_name": "Ministry of Talent Affairs",
        "organisation_country": Select("SG"),
        "start_date": "2025-01-01",
        "obligations": "Two months a year on site.",
    },
    "outside_activities": {
        "organisation_name": "兼業先 株式会社ヒカリセンサ",
        "kind": Select("concurrent_job"),
        "organisation_country": Select("JP"),
        "description": "Technical advisor on sensor design (兼業).",
        "start_date": "2024-06-01",
        "amount": "600000.00",
        "currency": Select("JPY"),
        "reported_to_institution": CHECK,
    },
    "contracts": {
        "title": "Joint research agreement",
        "organisation_name": "Hikari Sensors K.K.",
        "organisation_country": Select("JP"),
        "signed_on": "2024-05-20",
        "secrecy_clause": CHECK,
    },
}
FIXED_SUPPORT_END = "2027-03-31"
AMENDED_SUPPORT_TITLE = "Spin qubits in silicon carbide and diamond"
END_BEFORE_START = "The end date must be on or after the start date."
SHORT = 2_000  # ms, for checks on a page that has already loaded


class Defects:
    """Checks of what the page shows that do not stop the journey: each failure is
    recorded with a screenshot, the journey goes on, and the test fails at the end listing
    them all, so that one defect does not hide the next."""

    def __init__(self, page: Page, screenshot):
        self.page, self.screenshot, self.found = page, screenshot, []

    def check(self, what: str, assertion) -> None:
        try:
            assertion()
        except AssertionError as error:
            detail = " / ".join(str(error).splitlines()[:2])
            self.found.append(f"{what}: {detail}")
            self.screenshot(self.page, f"defect-{len(self.found)}")


def _row_label(section: str) -> str:
    return next(iter(ROWS[section].values()))


def _field(page: Page, prefix: str, name: str):
    return page.locator(f"#id_{prefix}-{name}")


def _fill(page: Page, prefix: str, values: dict) -> None:
    for name, value in values.items():
        field = _field(page, prefix, name)
        if value is CHECK:
            field.check()
        elif isinstance(value, Select):
            field.select_option(str(value))
        else:
            field.fill(value)


def _expect_values(page: Page, prefix: str, values: dict) -> None:
    for name, value in values.items():
        field = _field(page, prefix, name)
        if value is CHECK:
            expect(field).to_be_checked()
        else:
            expect(field).to_have_value(str(value))


def _mark_document(page: Page) -> None:
    """A flag that only survives as long as the page is not reloaded or navigated."""
    page.evaluate("window.__journeyMarker = 'same document'")


def _expect_same_document(page: Page, url: str) -> None:
    assert page.url == url
    assert page.evaluate("window.__journeyMarker") == "same document"


def _section(page: Page, key: str):
    return page.locator(f'section[aria-labelledby="h-{key}"]')


def _normalise(text: str) -> str:
    """Text without any whitespace: a PDF may break a long string anywhere."""
    return re.sub(r"\s+", "", text)


def _certify(page: Page, number: int) -> str:
    """On the review page: agree, sign, re-enter the password; returns the fingerprint."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Review and certify")
    page.get_by_label("I have read the statement above and certify this declaration.").check()
    page.get_by_label("Type your full name as your signature").fill("Hanako Yamada")
    page.get_by_label("Your password (to confirm it is you)").fill(PASSWORD)
    page.get_by_role("button", name="Certify this declaration").click()

    expect(page).to_have_url(re.compile(rf"/applications/\d+/versions/{number}/$"))
    expect(page.get_by_role("status")).to_contain_text(f"Version {number} is certified.")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(f"version {number}")
    expect(heading.locator(".badge")).to_have_text("Certified")
    certification = page.locator('section[aria-labelledby="h-cert"]')
    expect(certification).to_contain_text("Hanako Yamada")
    fingerprint = page.locator("[data-fingerprint]").inner_text().strip()
    assert HEX64.match(fingerprint), fingerprint
    return fingerprint


def test_researcher_declares_certifies_amends_and_compares(
    page: Page, live_server, screenshot, tmp_path, page_errors
):
    defects = Defects(page, screenshot)
    user = researcher()
    programme = ProgrammeFactory(title="Grant-in-Aid for Scientific Research (B)")
    contract_pdf = tmp_path / "joint-research-agreement.pdf"
    contract_pdf.write_bytes(simple_pdf_bytes())

    # 1. Sign in through the login form.
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My filings")
    expect(page.locator("main")).to_contain_text("Hanako Yamada")
    expect(page.locator("main")).to_contain_text("山田 花子")
    expect(page.locator("nav")).to_contain_text(f"{user.username} · Researcher")

    # 2. Open programmes -> Apply, and fill the application form.
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Open programmes"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open programmes")
    page.get_by_role("link", name=f"Apply {programme.title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New application")
    expect(page.locator("main")).to_contain_text(programme.title)
    _fill(page, "application", APPLICATION)
    page.get_by_role("button", name="Start the application").click()

    expect(page).to_have_url(re.compile(r"/applications/\d+/declaration/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Declaration: {APPLICATION['title']}"
    )
    expect(page.locator("main")).to_contain_text("Draft version 1")
    declaration_url = page.url
    application = Application.objects.get(researcher=user)
    # The application's details are carried into the declaration form.
    _expect_values(page, "application", APPLICATION)

    # 3. Add a row in every section, without a page reload, and fill it.
    _mark_document(page)
    for key in SECTION_KEYS:
        rows = page.locator(f'[data-formset-rows="{key}"] [data-formset-row]')
        expect(rows).to_have_count(0)
        expect(page.locator(f'[data-formset-empty-note="{key}"]')).to_be_visible()
        page.locator(f'[data-formset-add="{key}"]').click()
        expect(rows).to_have_count(1)
        expect(page.locator(f'[data-formset-empty-note="{key}"]')).to_be_hidden()
        expect(page.locator(f"#id_{key}-TOTAL_FORMS")).to_have_value("1")
        _fill(page, f"{key}-0", ROWS[key])
    _expect_same_document(page, declaration_url)

    # An extra appointment row, typed into and then removed with its own button.
    page.locator('[data-formset-add="appointments"]').click()
    extra = page.locator('[data-formset-rows="appointments"] [data-formset-row]').nth(1)
    expect(extra).to_be_visible()
    expect(page.locator("#id_appointments-TOTAL_FORMS")).to_have_value("2")
    page.locator("#id_appointments-1-position_title").fill("Row typed by mistake")
    extra.get_by_role("button", name="Remove this row").click()
    expect(extra).to_be_hidden()
    expect(page.locator("#id_appointments-1-DELETE")).to_be_checked()
    expect(
        page.locator('[data-formset-rows="appointments"] [data-formset-row]:visible')
    ).to_have_count(1)
    # The first appointment row is untouched.
    _expect_values(page, "appointments-0", ROWS["appointments"])
    _expect_same_document(page, declaration_url)

    # 4. Save with one deliberate error: the support row ends before it starts.
    page.get_by_role("button", name="Save draft").click()
    error_alert = page.get_by_role("alert").filter(has_text="Nothing was saved yet")
    expect(error_alert).to_be_visible()
    end_date = page.locator("#div_id_support-0-end_date")
    expect(end_date.locator(".invalid-feedback")).to_have_text(END_BEFORE_START)
    expect(end_date.locator(".invalid-feedback")).to_be_visible()
    expect(_field(page, "support-0", "end_date")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(_field(page, "support-0", "end_date")).to_have_attribute("aria-invalid", "true")
    expect(page.locator('a[href="#section-support"] .badge')).to_have_text("1")
    # Everything typed is still there, in every section, Japanese included.
    _expect_values(page, "application", APPLICATION)
    for key in SECTION_KEYS:
        _expect_values(page, f"{key}-0", ROWS[key])
    expect(_field(page, "outside_activities-0", "organisation_name")).to_have_value(
        "兼業先 株式会社ヒカリセンサ"
    )
    # The row removed before saving is still marked for deletion...
    expect(page.locator("#id_appointments-1-DELETE")).to_be_checked()
    # ...and, like every other row without an error, it is not flagged: the one field in
    # error is the only one marked and counted, and the removed row stays out of sight.
    defects.check(
        "after a failed save, only the one wrong field is marked",
        lambda: expect(page.locator("#declaration-form .invalid-feedback")).to_have_count(
            1, timeout=SHORT
        ),
    )
    defects.check(
        "after a failed save, the message counts one field",
        lambda: expect(error_alert).to_have_text(
            "Nothing was saved yet: please correct the 1 field marked below.", timeout=SHORT
        ),
    )
    defects.check(
        "after a failed save, a removed row stays hidden",
        lambda: expect(
            page.locator('[data-formset-rows="appointments"] [data-formset-row]:visible')
        ).to_have_count(1, timeout=SHORT),
    )
    # The window, not the whole page: the form's action bar sticks to the window's bottom.
    end_date.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -250)")
    screenshot(page, "01-declaration-validation-error", full_page=False)
    assert not DeclarationVersion.objects.get(
        declaration__application=application
    ).support_items.exists()

    # 5. Fix the date, upload the contract and save; then save and review.
    _field(page, "support-0", "end_date").fill(FIXED_SUPPORT_END)
    page.locator("#id_contracts-0-upload").set_input_files(str(contract_pdf))
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").filter(has_text="Draft saved.")).to_be_visible()
    expect(page).to_have_url(declaration_url)
    expect(page.locator("#declaration-form .invalid-feedback")).to_have_count(0)
    contract_row = page.locator('[data-formset-rows="contracts"] [data-formset-row]')
    expect(contract_row).to_contain_text("Current document: joint-research-agreement.pdf")
    expect(_field(page, "support-0", "end_date")).to_have_value(FIXED_SUPPORT_END)
    for key in SECTION_KEYS:
        expect(page.locator(f'[data-formset-rows="{key}"] [data-formset-row]')).to_have_count(1)
    _expect_values(page, "outside_activities-0", ROWS["outside_activities"])

    page.get_by_role("button", name="Save and review").click()
    expect(page).to_have_url(re.compile(r"/declaration/review/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Review and certify")
    expect(_section(page, "researcher")).to_contain_text("山田 花子")
    expect(_section(page, "application")).to_contain_text(APPLICATION["title"])
    for key in SECTION_KEYS:
        section = _section(page, key)
        expect(section.locator("h2 .badge")).to_have_text("1")
        expect(section).to_contain_text(_row_label(key))
    expect(_section(page, "appointments")).not_to_contain_text("Row typed by mistake")
    expect(_section(page, "contracts")).to_contain_text("joint-research-agreement.pdf")
    expect(_section(page, "outside_activities")).to_contain_text("Concurrent job (兼業)")
    screenshot(page, "02-review")

    # 6. Certify version 1.
    fingerprint_1 = _certify(page, 1)
    screenshot(page, "03-certified-version-1")

    # 7. Download the PDF and read what it says.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the certified PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"declaration-{application.pk}-v1.pdf"
    pdf_path = tmp_path / download.suggested_filename
    download.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    pdf_text = _normalise("\n".join(p.extract_text() or "" for p in PdfReader(pdf_path).pages))
    assert fingerprint_1 in pdf_text
    assert "山田" in pdf_text
    for key in SECTION_KEYS:
        assert _normalise(_row_label(key)) in pdf_text, key
    assert _normalise("Hanako Yamada") in pdf_text

    # 8. Amend: version 2 is a new draft prefilled from version 1; change one field.
    page.get_by_role("button", name="Amend").click()
    expect(page).to_have_url(declaration_url)
    expect(page.get_by_role("status")).to_contain_text("Version 2 is a new draft")
    expect(page.locator("main")).to_contain_text("Draft version 2")
    for key in SECTION_KEYS:
        expect(page.locator(f'[data-formset-rows="{key}"] [data-formset-row]')).to_have_count(1)
    _expect_values(page, "support-0", {**ROWS["support"], "end_date": FIXED_SUPPORT_END})
    _field(page, "support-0", "title").fill(AMENDED_SUPPORT_TITLE)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").filter(has_text="Draft saved.")).to_be_visible()
    expect(_field(page, "support-0", "title")).to_have_value(AMENDED_SUPPORT_TITLE)
    page.get_by_role("button", name="Save and review").click()
    expect(_section(page, "support")).to_contain_text(AMENDED_SUPPORT_TITLE)
    fingerprint_2 = _certify(page, 2)
    assert fingerprint_2 != fingerprint_1

    # 9. The application lists both versions, certified; compare them.
    page.get_by_role("link", name="All versions of this application").click()
    expect(page).to_have_url(re.compile(rf"/applications/{application.pk}/$"))
    expect(page.locator("main p .badge")).to_have_text("Submitted")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    for index, (number, fingerprint) in enumerate(((1, fingerprint_1), (2, fingerprint_2))):
        cells = rows.nth(index).locator("td")
        expect(cells.nth(0)).to_have_text(str(number))
        expect(cells.nth(1)).to_have_text("Certified")
        expect(cells.nth(3)).to_contain_text(fingerprint[:10])
    page.get_by_role("link", name="Compare the last two versions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare versions")
    expect(page.locator("#from")).to_have_value("1")
    expect(page.locator("#to")).to_have_value("2")
    support = page.locator('section[aria-labelledby="c-support"]')
    changed = support.locator('[data-change="changed"]')
    expect(changed).to_have_count(1)
    expect(changed.locator("del")).to_have_text(ROWS["support"]["title"])
    expect(changed.locator("ins")).to_have_text(AMENDED_SUPPORT_TITLE)
    expect(changed.locator("dt")).to_have_text("Title")
    for key in SECTION_KEYS[1:]:
        section = page.locator(f'section[aria-labelledby="c-{key}"]')
        expect(section.locator("h2")).to_contain_text("no change")
        expect(section.locator('[data-change="unchanged"]')).to_have_count(1)
    screenshot(page, "04-compare")

    assert page_errors == []
    assert not defects.found, "\n".join(defects.found)
