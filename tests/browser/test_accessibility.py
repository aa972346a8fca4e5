"""axe-core over the main pages of each role, in English and in Japanese.

Each test signs in as one role and runs axe-core (bundled by axe-playwright-python) on
every page that role mostly works in: the researcher's filings, profile, declaration form
(a row in every section, and again with a validation error shown), certify page, version
page and comparison; the research office's queue, review of a flagged filing, dashboard,
approved outside posts and screening page; the agency officer's admin index, flag list,
an open and a confirmed flag, case, restriction (with a form error) and appeal pages; the
sign-in page and the two-factor set-up page.

A violation of impact "serious" or "critical" fails the test. Every page is checked before
the test fails, and the message lists each violation with its rule, help text and the
nodes it found, so that one run shows everything to fix.
"""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from checks.engine import check_versions
from checks.models import Flag
from disclosures.services import declaration_amend
from enforcement.models import Finding, Restriction
from enforcement.services import appeal_file, case_open, finding_record, restriction_impose
from tests.browser.test_office_and_officer_journeys import officer_of, sign_in, switch_language
from tests.checks.builders import certified_filing, support_row
from tests.factories import (
    AgencyFactory,
    InstitutionFactory,
    OfficeUserFactory,
    ProgrammeFactory,
    certify,
    fill_draft,
    researcher,
    start_application,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["en", "ja"]
BLOCKING = {"serious", "critical"}
# axe-core's default rule set, none left out: WCAG 2.0-2.2 A and AA, and best practices.
AXE_OPTIONS = {"resultTypes": ["violations"]}

_axe = Axe()
_AXE_IMPORT = re.compile(r"^404 for \S+/[\w-]+\.css(/change/)?$")


class Audit:
    """Runs axe on pages and keeps what it found; ``assert_clean()`` fails with all of it."""

    def __init__(self, page: Page, lang: str, screenshot, page_errors: list[str]):
        self.page, self.lang, self.screenshot = page, lang, screenshot
        self.page_errors = page_errors
        self.found: list[str] = []
        self.pages: list[str] = []

    def check(self, name: str) -> None:
        expect(self.page.locator("html")).to_have_attribute("lang", self.lang)
        errors_before = len(self.page_errors)
        results = _axe.run(self.page, options=AXE_OPTIONS)
        # axe reads every stylesheet by copying its text into a <style> of the page, where a
        # relative @import (the admin's forms.css imports "widgets.css") then resolves
        # against the page's URL and 404s. Those requests are axe's, not the page's.
        self.page_errors[errors_before:] = [
            error for error in self.page_errors[errors_before:] if not _AXE_IMPORT.match(error)
        ]
        self.pages.append(name)
        for violation in results.response["violations"]:
            if violation["impact"] not in BLOCKING:
                continue
            targets = "; ".join(
                " ".join(str(t) for t in node["target"]) for node in violation["nodes"][:6]
            )
            more = len(violation["nodes"]) - 6
            self.found.append(
                f"[{self.lang}] {name} ({self.page.url}): {violation['id']} "
                f"({violation['impact']}): {violation['help']} -> {targets}"
                + (f" (+{more} more)" if more > 0 else "")
            )
        self.screenshot(self.page, f"a11y-{name}")

    def visit(self, name: str, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.ok, f"{name}: {url} answered {response}"
        self.check(name)

    def assert_clean(self) -> None:
        assert self.pages, "no page was checked"
        assert not self.found, (
            f"axe found serious or critical violations on {len(self.found)} occasions:\n"
            + "\n".join(self.found)
        )


def _sign_in_page(audit: Audit, page: Page, lang: str) -> None:
    page.goto("/accounts/login/")
    switch_language(page, lang)
    audit.check("sign-in")


# --- researcher ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_researcher_pages_pass_axe(page: Page, lang, screenshot, page_errors):
    user = researcher(username="hanako", language=lang)
    programme = ProgrammeFactory(title="Grant-in-Aid for Scientific Research (B)")
    # A filing certified twice (version page and comparison)...
    certified = certified_filing(user=user, programme=programme, title="Spin qubits in SiC")
    amended = declaration_amend(declaration=certified.declaration, user=user)
    certify(fill_draft(amended, support=[support_row(title="Spin qubits in SiC and diamond")]))
    certified_app = certified.declaration.application
    # ...and a draft with one row in every section (declaration form, certify page).
    draft_app = start_application(user, programme=programme, title="Magnetometry of wafers")
    fill_draft(draft_app.declaration.versions.get())

    audit = Audit(page, lang, screenshot, page_errors)
    _sign_in_page(audit, page, lang)
    sign_in(page, lang, user)
    audit.check("researcher-home")
    audit.visit("application-list", "/applications/")
    audit.visit("programme-list", "/programmes/")
    audit.visit("application-start", f"/programmes/{programme.pk}/apply/")
    audit.visit("profile", "/profile/")
    audit.visit("application-detail", f"/applications/{certified_app.pk}/")

    audit.visit("declaration-form", f"/applications/{draft_app.pk}/declaration/")
    expect(page.locator('[data-formset-rows="support"] [data-formset-row]')).to_have_count(1)
    # A row added in the page (from the <template>) is checked too.
    page.locator('[data-formset-add="appointments"]').click()
    page.locator("#id_support-0-end_date").fill("2020-01-01")  # before the start
    page.locator("button[name=save]").click()
    expect(page.locator("#declaration-form .invalid-feedback").first).to_be_visible()
    audit.check("declaration-form-with-errors")

    audit.visit("certify", f"/applications/{draft_app.pk}/declaration/review/")
    audit.visit("version", f"/applications/{certified_app.pk}/versions/2/")
    audit.visit("compare", f"/applications/{certified_app.pk}/compare/?from=1&to=2")
    audit.assert_clean()
    assert page_errors == []


# --- research office -------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_research_office_pages_pass_axe(page: Page, lang, screenshot, page_errors):
    institution = InstitutionFactory(name="Minami Institute of Technology", name_local="南工業大学")
    office = OfficeUserFactory(institution=institution, username="office-minami", language=lang)
    user = researcher(institution=institution, username="hanako")
    version = certified_filing(
        user=user,
        sections={"support": [support_row(effort_percent="90")]},
        effort_percent="30",
        title="Strain mapping of thin films",
    )
    check_versions([version.pk])
    flagged = version.declaration.application
    assert flagged.flags.filter(status=Flag.Status.OPEN).exists()
    certified_filing(user=researcher(institution=institution), title="A clean filing")

    audit = Audit(page, lang, screenshot, page_errors)
    _sign_in_page(audit, page, lang)
    sign_in(page, lang, office)
    audit.check("office-queue")
    audit.visit("office-review-flagged", f"/office/applications/{flagged.pk}/")
    audit.visit("office-dashboard", "/office/dashboard/")
    audit.visit("office-outside-posts", "/office/outside-posts/")
    audit.visit("screen", "/screen/")
    page.locator("main form textarea, main form input[type=text]").first.fill(
        "Lakeside Institute of Technology"
    )
    page.locator("main form button[type=submit]").first.click()
    audit.check("screen-result")
    audit.visit("two-factor-setup", "/accounts/2fa/setup/")
    audit.assert_clean()
    assert page_errors == []


# --- agency officer --------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_agency_officer_pages_pass_axe(page: Page, lang, screenshot, page_errors):
    agency = AgencyFactory(name="Japan Agency for Frontier Research", short_name="JAFR")
    programme = ProgrammeFactory(agency=agency, title="Frontier Research Grants")
    officer = officer_of(agency)
    officer.language = lang
    officer.save(update_fields=["language"])
    user = researcher(username="hanako")
    version = certified_filing(
        user=user,
        programme=programme,
        sections={"support": [support_row(effort_percent="90")]},
        effort_percent="30",
        title="Strain mapping of thin films",
    )
    check_versions([version.pk])
    flag = Flag.objects.get(application=version.declaration.application, rule="over_commitment")
    # Another researcher's filing with the same flag, left open (the triage buttons show).
    other = certified_filing(
        programme=programme,
        sections={"support": [support_row(effort_percent="90")]},
        effort_percent="30",
        title="Magnetometry of strained wafers",
    )
    check_versions([other.pk])
    open_flag = Flag.objects.get(application=other.declaration.application, rule="over_commitment")
    case = case_open(
        researcher=user, agency=agency, title="Over-commitment", by=officer, flags=[flag]
    )
    finding = finding_record(
        case=case, kind=Finding.Kind.FALSE_REPORT, basis="Effort above 100 %.", by=officer
    )
    today = timezone.localdate()
    restriction = restriction_impose(
        researcher=user,
        agency=agency,
        scope=Restriction.Scope.THIS_AGENCY,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=365),
        reason="False report of research effort.",
        by=officer,
        finding=finding,
    )
    appeal = appeal_file(
        restriction=restriction, filed_on=today, grounds="The effort was part-time.", by=officer
    )

    audit = Audit(page, lang, screenshot, page_errors)
    _sign_in_page(audit, page, lang)
    sign_in(page, lang, officer)
    audit.visit("admin-index", "/admin/")
    audit.visit("flag-list", "/admin/checks/flag/")
    audit.visit("flag-change", f"/admin/checks/flag/{flag.pk}/change/")
    audit.visit("flag-change-open", f"/admin/checks/flag/{open_flag.pk}/change/")
    audit.visit("case-list", "/admin/enforcement/case/")
    audit.visit("case-change", f"/admin/enforcement/case/{case.pk}/change/")
    audit.visit("restriction-list", "/admin/enforcement/restriction/")
    audit.visit("restriction-change", f"/admin/enforcement/restriction/{restriction.pk}/change/")
    audit.visit("restriction-add", f"/admin/enforcement/restriction/add/?finding={finding.pk}")
    page.locator("input[name=apply]").click()  # nothing filled in: the form shows errors
    expect(page.locator(".errornote, .errorlist").first).to_be_visible()
    audit.check("restriction-add-with-errors")
    audit.visit("appeal-change", f"/admin/enforcement/appeal/{appeal.pk}/change/")
    audit.visit("applications", "/applications/")
    audit.visit("two-factor-setup", "/accounts/2fa/setup/")
    audit.assert_clean()
    assert page_errors == [], page_errors
