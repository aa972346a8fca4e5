"""The research office's and the agency officer's journeys in a real browser, each run in
English and in Japanese (switched with the navbar's language form).

1. The office of an institution filters its queue, opens a clean filing and requests
   changes; the researcher reads the request, amends, certifies version 2; the office
   endorses it. The researcher gets one e-mail for each decision; every step is audited.
2. An officer of agency A triages an over-commitment flag in the admin (confirm, open a
   case, record a finding, impose a restriction on A's programmes for two years); the
   researcher is then refused another programme of A, with the period in the message, and
   may still apply to agency B's.

What the page says is asserted in the page's language: the expected texts are looked up in
the same catalogue the live server uses. Where the Japanese catalogue has no translation
yet, the page shows the English text (asserted all the same), and the "it is Japanese"
check is skipped with a TODO listed at the end of the run.
"""

import datetime
import importlib
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext
from playwright.sync_api import Page, expect

from audit.models import AuditEvent
from checks.engine import check_versions
from checks.models import Flag
from checks.rules import RULES
from enforcement.models import Case, Finding, Restriction
from funding.models import Application
from portal.admin_scope import OFFICER_GROUP
from tests.checks.builders import certified_filing, support_row
from tests.factories import (
    PASSWORD,
    AgencyFactory,
    InstitutionFactory,
    OfficerFactory,
    OfficeUserFactory,
    ProgrammeFactory,
    researcher,
    start_application,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["en", "ja"]
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")

TITLE = "Strain mapping of thin films by NV-centre magnetometry"
CHANGE_REQUEST = (
    "Please give the award number of the JSPS grant in full and check its end date "
    "against the award letter."
)
AMENDED_SUPPORT_TITLE = "Spin qubits in silicon carbide (JP21H01234, extended)"
ENDORSEMENT_NOTE = "Checked against the award letter; endorsed."
FINDING_BASIS = (
    "The declared effort on current support (90 %) and on this application (30 %) "
    "exceeds full time; the researcher certified it nonetheless."
)
RESTRICTION_REASON = "False report of research effort (over-commitment), finding of the case."
# funding.services.ensure_not_restricted
REFUSAL = (
    "You may not apply to programmes of %(agency)s from %(start)s to %(end)s: your "
    "eligibility is restricted (%(scope)s). Contact the agency for details."
)
NEW_APPLICATION = {
    "title": "Magnetometry of strained silicon wafers",
    "objectives": "Map strain in production wafers with NV-centre sensors.",
    "start_date": "2027-04-01",
    "end_date": "2029-03-31",
    "requested_amount": "8000000.00",
    "currency": "JPY",
    "effort_percent": "20.00",
}


# --- the language of the page ---------------------------------------------------------


def tr(lang: str, msgid: str, context: str | None = None, **params) -> str:
    """``msgid`` (in ``context``, if given) as the live server renders it in ``lang`` (same
    process, same catalogue)."""
    with translation.override(lang):
        text = pgettext(context, msgid) if context else gettext(msgid)
    return text % params if params else text


def ntr(lang: str, singular: str, plural: str, number: int, **params) -> str:
    with translation.override(lang):
        text = ngettext(singular, plural, number)
    return text % params if params else text


def day(lang: str, value: datetime.date) -> str:
    with translation.override(lang):
        return date_format(value, "DATE_FORMAT")


def speaks(page: Page, lang: str, todo, where: str, *msgids: str | tuple[str, str]) -> None:
    """The page is in ``lang``; in Japanese, each of these texts (a msgid, or a pair of
    context and msgid) shows translated (a text the catalogue lacks yet is noted as a TODO
    instead)."""
    expect(page.locator("html")).to_have_attribute("lang", lang)
    if lang != "ja":
        return
    for msgid in msgids:
        context, msgid = msgid if isinstance(msgid, tuple) else (None, msgid)
        text = tr("ja", msgid, context)
        if JAPANESE.search(text):
            expect(page.locator("body")).to_contain_text(text)
        else:
            todo(
                f"{where}: locale/ja has no translation of {msgid!r} (or django.mo is not "
                "compiled); the Japanese text check was skipped"
            )


def switch_language(page: Page, lang: str) -> None:
    """Choose the language with the navbar's form (the choice is kept on the account)."""
    if page.locator("html").get_attribute("lang") == lang:
        return
    page.locator("#language-select").select_option(lang)
    page.locator("nav.navbar form:has(#language-select) button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("#language-select")).to_have_value(lang)


# --- signing in and out ---------------------------------------------------------------


def sign_in(page: Page, lang: str, user) -> None:
    """Sign in; the portal then speaks the account's language. A user whose account is in
    another language switches with the navbar's form."""
    page.goto("/accounts/login/")
    expect(page.locator("main h1")).to_have_count(1)
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("nav.navbar")).to_contain_text(user.username)
    user.refresh_from_db(fields=["language"])
    expect(page.locator("html")).to_have_attribute("lang", user.language)
    switch_language(page, lang)


def sign_out(page: Page, lang: str) -> None:
    page.locator('nav form[action$="/accounts/logout/"] button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    # Signed out, the portal stays in the language last chosen in this browser.
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(lang, "Sign in"))


def flash(page: Page):
    """The messages shown at the top of a portal page."""
    return page.locator('main > div[aria-live="polite"] .alert')


def admin_flash(page: Page):
    return page.locator("ul.messagelist li")


def officer_of(agency):
    """An officer as an administrator sets one up: staff, in the officers' group. The group
    comes from a data migration, which a transactional test's flush empties: made again."""
    migration = importlib.import_module("enforcement.migrations.0002_agency_officers_group")
    group, _created = Group.objects.get_or_create(name=OFFICER_GROUP)
    for app_label, codenames in migration.PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
    user = OfficerFactory(agency=agency, is_staff=True, username=f"officer-{agency.short_name}")
    user.groups.add(group)
    return user


def years_later(start: datetime.date, years: int) -> datetime.date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def mails_to(mailoutbox, user) -> list:
    return [m for m in mailoutbox if user.email in m.to]


# --- 1. office -> researcher -> office ------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_office_requests_changes_researcher_amends_office_endorses(
    page: Page, lang, screenshot, page_errors, mailoutbox, todo
):
    institution = InstitutionFactory(name="Minami Institute of Technology", name_local="南工業大学")
    office = OfficeUserFactory(institution=institution, username="office-minami")
    user = researcher(institution=institution, username="hanako", language=lang)
    programme = ProgrammeFactory(title="Grant-in-Aid for Transformative Research Areas")
    version = certified_filing(user=user, programme=programme, title=TITLE)
    application = version.declaration.application
    # A colleague's draft: in the office's queue, but not submitted.
    colleague = researcher(institution=institution, username="taro")
    start_application(colleague, programme=programme, title="A colleague's draft application")
    # Another institution's filing never shows in this office's queue.
    certified_filing(programme=programme, title="Another institution's filing")
    assert not application.flags.filter(status=Flag.Status.OPEN).exists()
    assert application.status == Application.Status.SUBMITTED
    mailoutbox.clear()

    # 1. The office opens its queue and filters it to the submitted filings.
    sign_in(page, lang, office)
    expect(page).to_have_url(re.compile(r"/office/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(tr(lang, "Review queue"))
    rows = page.locator("table.review-queue tbody tr[data-application]")
    expect(rows).to_have_count(2)
    page.locator("#id_status").select_option(Application.Status.SUBMITTED.value)
    page.locator('form[role="search"] button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"[?&]status=submitted\b"))
    expect(rows).to_have_count(1)
    row = page.locator(f'tr[data-application="{application.pk}"]')
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("Hanako Yamada")
    expect(row).to_contain_text(tr(lang, "Submitted"))
    expect(page.locator('main p[role="status"]')).to_contain_text(
        ntr(lang, "%(counter)s filing", "%(counter)s filings", 1, counter=1)
    )
    expect(page.locator("#id_status")).to_have_value("submitted")
    speaks(page, lang, todo, "office queue", "Review queue", "Submitted", "Apply filters")
    screenshot(page, "01-office-queue")

    # 2. The review page: the certified version 1 and the decision forms.
    row.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(re.compile(rf"/office/applications/{application.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("#h-declaration")).to_contain_text(
        tr(lang, "Declaration, version %(number)s", number=1)
    )
    decide = page.locator('section[aria-labelledby="h-decide"]')
    request_form = decide.locator('form[action$="/request-changes/"]')
    endorse_form = decide.locator('form[action$="/endorse/"]')
    expect(request_form.locator("button[type=submit]")).to_have_text(tr(lang, "Request changes"))
    expect(endorse_form.locator("button[type=submit]")).to_have_text(
        tr(lang, "Endorse to the agency")
    )
    speaks(
        page,
        lang,
        todo,
        "office review page",
        "Decision",
        "Request changes",
        "Endorse to the agency",
        "Review comments",
    )
    screenshot(page, "02-office-review")

    # 3. Request changes.
    request_form.locator("textarea").fill(CHANGE_REQUEST)
    request_form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/office/applications/{application.pk}/$"))
    expect(flash(page)).to_contain_text(
        tr(lang, "Changes were requested; the researcher has been notified.")
    )
    expect(decide).to_contain_text(
        tr(lang, "Changes were requested; waiting for the researcher to amend and certify again.")
    )
    expect(decide.locator("form")).to_have_count(0)
    expect(page.locator("#comments")).to_contain_text(CHANGE_REQUEST)
    application.refresh_from_db()
    assert application.status == Application.Status.CHANGES_REQUESTED
    change_mails = mails_to(mailoutbox, user)
    assert len(change_mails) == 1, [m.subject for m in mailoutbox]
    assert change_mails[0].subject == tr(lang, "Changes requested: %(title)s", title=TITLE)
    assert CHANGE_REQUEST in change_mails[0].body
    sign_out(page, lang)

    # 4. The researcher reads the request on the application's page.
    sign_in(page, lang, user)
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(lang, "My filings"))
    page.locator(f'main a[href="/applications/{application.pk}/"]').click()
    expect(page).to_have_url(re.compile(rf"/applications/{application.pk}/$"))
    expect(page.locator("main p.text-muted .badge")).to_have_text(tr(lang, "Changes requested"))
    note = page.locator('#office-notes [data-note="change_request"]')
    expect(note).to_be_visible()
    expect(note).to_contain_text(tr(lang, "Your research office asks for changes"))
    expect(note).to_contain_text(CHANGE_REQUEST)
    speaks(
        page,
        lang,
        todo,
        "researcher's application page",
        "Changes requested",
        "Your research office asks for changes",
        "Amend the declaration",
    )
    screenshot(page, "03-researcher-change-request")

    # 5. Amend, change a field, save, review and certify version 2.
    amend = page.locator(f'form[action="/applications/{application.pk}/declaration/amend/"]')
    expect(amend.locator("button")).to_have_text(tr(lang, "Amend the declaration"))
    amend.locator("button").click()
    expect(page).to_have_url(re.compile(rf"/applications/{application.pk}/declaration/$"))
    expect(flash(page)).to_contain_text(
        tr(lang, "Version %(number)s is a new draft, prefilled from the certified one.", number=2)
    )
    page.locator("#id_support-0-title").fill(AMENDED_SUPPORT_TITLE)
    page.locator("button[name=save]").click()
    expect(flash(page).filter(has_text=tr(lang, "Draft saved."))).to_be_visible()
    expect(page.locator("#id_support-0-title")).to_have_value(AMENDED_SUPPORT_TITLE)
    page.locator("button[name=review]").click()
    expect(page).to_have_url(re.compile(r"/declaration/review/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(lang, "Review and certify"))
    expect(page.locator('section[aria-labelledby="h-support"]')).to_contain_text(
        AMENDED_SUPPORT_TITLE
    )
    page.locator("#id_agree").check()
    page.locator("#id_signature").fill("Hanako Yamada")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=tr(lang, "Certify this declaration")).click()
    expect(page).to_have_url(re.compile(rf"/applications/{application.pk}/versions/2/$"))
    expect(flash(page)).to_contain_text(
        tr(lang, "Version %(number)s is certified. Download its PDF below.", number=2)
    )
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    sign_out(page, lang)

    # 6. The office finds the filing submitted again, version 2, and endorses it.
    sign_in(page, lang, office)
    row = page.locator(f'tr[data-application="{application.pk}"]')
    expect(row).to_contain_text(tr(lang, "Submitted"))
    expect(row).to_contain_text(tr(lang, "v%(number)s", number=2))
    row.get_by_role("link", name=TITLE).click()
    expect(page.locator("#h-declaration")).to_contain_text(
        tr(lang, "Declaration, version %(number)s", number=2)
    )
    expect(page.locator('section[aria-labelledby="h-declaration"]')).to_contain_text(
        AMENDED_SUPPORT_TITLE
    )
    expect(page.locator('section[aria-labelledby="h-versions"] tbody tr')).to_have_count(2)
    decide = page.locator('section[aria-labelledby="h-decide"]')
    endorse_form = decide.locator('form[action$="/endorse/"]')
    endorse_form.locator("textarea").fill(ENDORSEMENT_NOTE)
    endorse_form.locator("button[type=submit]").click()
    expect(flash(page)).to_contain_text(
        tr(lang, "The filing was endorsed to the agency; the researcher has been notified.")
    )
    expect(decide).to_contain_text(tr(lang, "Endorsed to the agency."))
    expect(page.locator("main h1 + p .badge")).to_have_text(tr(lang, "Endorsed to the agency"))
    speaks(page, lang, todo, "office review page, endorsed", "Endorsed to the agency")
    application.refresh_from_db()
    assert application.status == Application.Status.ENDORSED

    # 7. One e-mail for each decision, to the researcher, in their language.
    mails = mails_to(mailoutbox, user)
    assert [m.subject for m in mails] == [
        tr(lang, "Changes requested: %(title)s", title=TITLE),
        tr(lang, "Application endorsed: %(title)s", title=TITLE),
    ]
    assert ENDORSEMENT_NOTE in mails[1].body

    # 8. The audit trail of the application has every decision, by whom it was taken.
    events = AuditEvent.objects.filter(application=application)
    assert events.filter(action="review.change_request", actor=office).count() == 1
    assert events.filter(action="review.endorsement", actor=office).count() == 1
    certified = events.filter(action="declaration.certify", actor=user)
    assert certified.count() == 2  # version 1 (before the browser) and version 2
    statuses = [
        (e.actor_id, e.before["status"], e.after["status"])
        for e in events.filter(action="application.status").order_by("pk")
    ]
    assert statuses[-3:] == [
        (office.pk, "submitted", "changes_requested"),
        (user.pk, "changes_requested", "submitted"),
        (office.pk, "submitted", "endorsed"),
    ]
    assert page_errors == []


# --- 2. officer: flag -> case -> finding -> restriction; the researcher refused --------


def _open_apply(page: Page, lang: str, programme) -> None:
    """From Open programmes, open the application page of ``programme``."""
    page.get_by_role("navigation", name=tr(lang, "Main navigation")).locator(
        'a[href="/programmes/"]'
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(lang, "Open programmes"))
    page.locator(f'a[href="/programmes/{programme.pk}/apply/"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(lang, "New application"))
    expect(page.locator("main")).to_contain_text(programme.title)


def _apply(page: Page, lang: str, programme) -> None:
    """From Open programmes, open the application form of ``programme`` and submit it."""
    _open_apply(page, lang, programme)
    for name, value in NEW_APPLICATION.items():
        field = page.locator(f"#id_application-{name}")
        if name == "currency":
            field.select_option(value)
        else:
            field.fill(value)
    page.locator("main form button[type=submit]").click()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_officer_confirms_flag_opens_case_restricts_researcher(
    page: Page, lang, screenshot, page_errors, mailoutbox, todo
):
    agency_a = AgencyFactory(name="Japan Agency for Frontier Research", short_name="JAFR")
    agency_b = AgencyFactory(name="Northern Science Foundation", short_name="NSF-N")
    flagged_programme = ProgrammeFactory(agency=agency_a, title="Frontier Research Grants")
    other_a = ProgrammeFactory(agency=agency_a, title="Frontier Young Investigators")
    programme_b = ProgrammeFactory(agency=agency_b, title="Northern Collaborative Grants")
    officer = officer_of(agency_a)
    user = researcher(username="hanako", language=lang)
    version = certified_filing(
        user=user,
        programme=flagged_programme,
        sections={"support": [support_row(effort_percent="90")]},
        effort_percent="30",
        title=TITLE,
    )
    check_versions([version.pk])
    application = version.declaration.application
    flag = Flag.objects.get(application=application, rule="over_commitment")
    assert flag.status == Flag.Status.OPEN
    with translation.override(lang):
        rule_title = str(RULES["over_commitment"].title)
    today = timezone.localdate()
    ends_on = years_later(today, 2) - datetime.timedelta(days=1)
    mailoutbox.clear()

    # 1. The officer opens the flag list from the admin's dashboard, then the flag.
    sign_in(page, lang, officer)
    page.get_by_role("navigation", name=tr(lang, "Main navigation")).locator(
        'a[href="/admin/"]'
    ).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    dashboard_rule = page.locator("#open-flags-by-rule tbody tr")
    expect(dashboard_rule).to_have_count(1)
    expect(dashboard_rule).to_contain_text(rule_title)
    dashboard_rule.get_by_role("link", name=rule_title).click()
    expect(page).to_have_url(re.compile(r"/admin/checks/flag/\?"))
    expect(page.locator("#content h1")).to_have_text(tr(lang, "Flags to triage"))
    results = page.locator("#result_list tbody tr")
    expect(results).to_have_count(1)
    expect(results).to_contain_text("Hanako Yamada")
    results.get_by_role("link", name=rule_title).click()
    expect(page).to_have_url(re.compile(rf"/admin/checks/flag/{flag.pk}/change/(\?|$)"))
    expect(page.locator("#content h1")).to_have_text(tr(lang, "Flag: %(rule)s", rule=rule_title))
    triage = page.locator(".flag-triage")
    expect(triage.locator("h2 .badge.status-open")).to_be_visible()
    expect(triage.locator(".flag-facts")).to_contain_text(TITLE)
    expect(triage.locator("section.declaration")).to_contain_text("Spin qubits in silicon carbide")
    tools = page.locator(".object-tools")
    speaks(
        page, lang, todo, "officer's flag page", "Home", "What the check found", ("flag", "Confirm")
    )
    screenshot(page, "04-officer-flag-detail")

    # 2. Confirm it.
    tools.locator('form:has(input[name=action][value="confirm_flags"]) button').click()
    expect(page).to_have_url(re.compile(rf"/admin/checks/flag/{flag.pk}/change/(\?|$)"))
    expect(admin_flash(page)).to_contain_text(
        ntr(lang, "%(n)d flag confirmed.", "%(n)d flags confirmed.", 1, n=1)
    )
    expect(triage.locator("h2 .badge.status-confirmed")).to_be_visible()
    expect(tools.locator('input[value="confirm_flags"]')).to_have_count(0)

    # 3. Open a case with the flag.
    tools.locator('form:has(input[name=action][value="open_case"]) button').click()
    expect(page.locator("#content h1")).to_have_text(tr(lang, "Open a case"))
    expect(page.locator("ul.portal-objects")).to_contain_text(TITLE)
    expect(page.locator("#id_title")).to_have_value(re.compile("Hanako Yamada"))
    page.locator("#id_title").fill("Over-commitment of Hanako Yamada")
    page.locator("#id_notes").fill("Effort declared above 100 % in the certified filing.")
    page.locator("input[name=apply]").click()
    case = Case.objects.get(researcher=user)
    expect(page).to_have_url(re.compile(rf"/admin/enforcement/case/{case.pk}/change/(\?|$)"))
    expect(admin_flash(page)).to_contain_text(
        tr(lang, "Case “%(case)s” opened.", case="Over-commitment of Hanako Yamada")
    )
    expect(page.locator(".field-flag_list")).to_contain_text(rule_title)

    # 4. Record a finding: false report, with its basis.
    tools.locator('form:has(input[name=action][value="record_finding"]) button').click()
    expect(page.locator("#content h1")).to_have_text(tr(lang, "Record a finding"))
    page.locator(f'input[name=kind][value="{Finding.Kind.FALSE_REPORT.value}"]').check()
    page.locator("#id_basis").fill(FINDING_BASIS)
    page.locator("input[name=apply]").click()
    expect(page).to_have_url(re.compile(rf"/admin/enforcement/case/{case.pk}/change/(\?|$)"))
    false_report = tr(lang, "False report")
    expect(admin_flash(page)).to_contain_text(
        tr(lang, "Finding “%(finding)s” recorded.", finding=false_report)
    )
    finding = Finding.objects.get(case=case)
    expect(page.locator("#findings-group")).to_contain_text(FINDING_BASIS)

    # 5. Impose a restriction resting on the finding: this agency, from today, two years.
    tools.locator(f'a[href$="/admin/enforcement/restriction/add/?finding={finding.pk}"]').click()
    expect(page.locator("#content h1")).to_have_text(tr(lang, "Impose a restriction"))
    expect(page.locator("#id_researcher")).to_have_value(str(user.pk))
    expect(page.locator("#id_finding")).to_have_value(str(finding.pk))
    expect(page.locator("#id_starts_on")).to_have_value(today.isoformat())
    expect(page.locator("#id_agency")).to_have_count(0)  # an officer imposes for their agency
    page.locator(f'input[name=scope][value="{Restriction.Scope.THIS_AGENCY.value}"]').check()
    page.locator("#id_ends_on").fill(ends_on.isoformat())
    page.locator("#id_reason").fill(RESTRICTION_REASON)
    speaks(page, lang, todo, "restriction form", "Home", "Impose a restriction", "Scope")
    screenshot(page, "05-restriction-form")
    page.locator("input[name=apply]").click()
    restriction = Restriction.objects.get(researcher=user)
    expect(page).to_have_url(
        re.compile(rf"/admin/enforcement/restriction/{restriction.pk}/change/$")
    )
    expect(admin_flash(page)).to_contain_text(
        ntr(
            lang,
            "Restriction imposed; %(n)d application in flight is held.",
            "Restriction imposed; %(n)d applications in flight are held.",
            1,
            n=1,
        )
    )
    expect(page.locator("#content")).to_contain_text(TITLE)  # the held application
    assert (restriction.agency, restriction.scope) == (agency_a, Restriction.Scope.THIS_AGENCY)
    assert (restriction.starts_on, restriction.ends_on) == (today, ends_on)
    assert restriction.finding == finding and restriction.imposed_by == officer
    page.locator("#logout-form button[type=submit]").click()

    # 6. The researcher: refused another programme of agency A, with the period...
    sign_in(page, lang, user)
    _open_apply(page, lang, other_a)  # refused before any form is filled in
    refusal = page.locator("main .alert-danger")
    expected = tr(
        lang,
        REFUSAL,
        agency=agency_a.name,
        start=day(lang, today),
        end=day(lang, ends_on),
        scope=tr(lang, "This agency's programmes"),
    )
    expect(refusal).to_have_text(re.compile(re.escape(expected)))
    expect(refusal).to_contain_text(day(lang, today))
    expect(refusal).to_contain_text(day(lang, ends_on))
    expect(page.locator("#id_application-title")).to_have_count(0)
    speaks(page, lang, todo, "researcher's refusal", "New application", "Back to open programmes")
    if lang == "ja":
        # The dates at least are Japanese whatever the catalogue holds (2028年11月22日).
        assert JAPANESE.search(day("ja", ends_on))
        if not JAPANESE.search(tr("ja", REFUSAL)):
            todo("researcher's refusal: locale/ja has no translation of the refusal message")
    screenshot(page, "06-researcher-refusal")
    assert not Application.objects.filter(researcher=user, programme=other_a).exists()

    # ...and still allowed to apply to agency B's programme.
    _apply(page, lang, programme_b)
    expect(page).to_have_url(re.compile(r"/applications/\d+/declaration/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(NEW_APPLICATION["title"])
    assert Application.objects.filter(researcher=user, programme=programme_b).count() == 1

    # 7. One e-mail to the researcher: the restriction, with its period.
    mails = mails_to(mailoutbox, user)
    assert [m.subject for m in mails] == [
        tr(
            lang,
            "Your eligibility for research funding has been restricted (%(agency)s)",
            agency=agency_a.short_name,
        )
    ]
    assert day(lang, today) in mails[0].body and day(lang, ends_on) in mails[0].body
    assert RESTRICTION_REASON in mails[0].body

    # 8. Audited: the flag's status, the case, the finding, the restriction; all by the officer.
    def audited(action, obj):
        return list(
            AuditEvent.objects.filter(
                action=action, object_type=obj._meta.label, object_id=str(obj.pk), actor=officer
            )
        )

    flag_events = audited("flag.status", flag)
    assert [(e.before["status"], e.after["status"]) for e in flag_events] == [("open", "confirmed")]
    assert len(audited("case.open", case)) == 1
    assert [e.after["kind"] for e in audited("finding.record", finding)] == ["false_report"]
    [imposed] = audited("restriction.impose", restriction)
    assert imposed.after["ends_on"] == ends_on.isoformat()
    assert imposed.after["held_applications"] == [application.pk]
    assert page_errors == []
