"""The declaration form with the keyboard alone: a researcher reaches and presses "Add a
row" and "Remove this row", reaches every field of a row, always sees where the focus is,
and is told about a validation error (focus on the error message, each wrong field marked
invalid and described by its error)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_office_and_officer_journeys import sign_in
from tests.factories import researcher, start_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OTHER_SECTIONS = ("in_kind", "appointments", "talent_programmes", "outside_activities", "contracts")

MAX_TABS = 600  # a bound, so that a focus trap fails the test instead of hanging it

# What the focused element shows: an outline or a box shadow (Bootstrap's focus ring).
FOCUS_STYLE = """element => {
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow && style.boxShadow !== "none";
    return outline || shadow;
}"""
FOCUSED = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    return {
        id: element.id,
        tag: element.tagName.toLowerCase(),
        type: element.type || "",
        text: (element.innerText || element.value || "").trim().slice(0, 60),
        add: element.getAttribute("data-formset-add"),
        remove: element.hasAttribute("data-formset-remove"),
        row: element.closest("[data-formset-row]") !== null,
        name: element.getAttribute("name") || "",
        href: element.getAttribute("href") || "",
    };
}"""


def focused(page: Page) -> dict | None:
    return page.evaluate(FOCUSED)


def focus_is_visible(page: Page) -> bool:
    """Bootstrap fades the focus ring in (a 0.15 s transition): wait for it a little."""
    for _ in range(20):
        if page.evaluate(f"({FOCUS_STYLE})(document.activeElement)"):
            return True
        page.wait_for_timeout(50)
    return False


def tab_until(page: Page, matches, seen: list[dict], *, shift: bool = False) -> dict:
    """Press Tab until the focused element ``matches``; every element passed on the way
    is recorded in ``seen`` and must show that it has the focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if shift else "Tab")
        element = focused(page)
        if element is None:
            continue
        assert focus_is_visible(page), f"no visible focus on {element}"
        if not seen or seen[-1] != element:
            seen.append(element)
        if matches(element):
            return element
    raise AssertionError(f"not reached in {MAX_TABS} presses of Tab; went through {seen}")


def row_fields(page: Page, prefix: str) -> list[str]:
    """The ids of a row's fields that a person fills in (not the hidden DELETE box)."""
    return page.evaluate(
        """prefix => Array.from(document.querySelectorAll(
            `[data-formset-rows="${prefix}"] [data-formset-row]:not([hidden])`))
            .flatMap(row => Array.from(
                row.querySelectorAll("input:not([type=hidden]), select, textarea")))
            .filter(e => !e.name.endsWith("-DELETE"))
            .map(e => e.id)""",
        prefix,
    )


def test_declaration_form_works_with_the_keyboard_alone(page: Page, page_errors, screenshot):
    user = researcher(username="hanako", language="en")
    application = start_application(user, title="Magnetometry of strained wafers")
    sign_in(page, "en", user)
    page.goto(f"/applications/{application.pk}/declaration/")
    expect(page.locator('[data-formset-rows="support"] [data-formset-row]')).to_have_count(0)

    # 1. From the top of the page, Tab reaches "Add a row" of the first section, passing
    #    every field of the application on the way; Enter adds a row.
    seen: list[dict] = []
    tab_until(page, lambda e: e["add"] == "support", seen)
    application_ids = page.evaluate(
        """() => Array.from(document.querySelectorAll(
            "#section-application input:not([type=hidden]), #section-application select, "
            + "#section-application textarea")).map(e => e.id)"""
    )
    assert application_ids and set(application_ids) <= {e["id"] for e in seen}, seen
    page.keyboard.press("Enter")
    rows = page.locator('[data-formset-rows="support"] [data-formset-row]')
    expect(rows).to_have_count(1)
    # The focus moves into the new row, on its first field.
    fields = row_fields(page, "support")
    assert fields, "the new row has no fields"
    expect(page.locator(f"#{fields[0]}")).to_be_focused()
    assert focus_is_visible(page)

    # 2. Tab goes through every field of the row, in order, and then to its remove button.
    page.keyboard.type("Spin qubits in silicon carbide")
    in_row: list[dict] = [focused(page)]
    tab_until(page, lambda e: e["remove"], in_row)
    reached = [e["id"] for e in in_row if e["row"] and e["id"]]
    assert [i for i in fields if i in reached] == fields, (fields, reached)
    assert set(fields) <= set(reached), set(fields) - set(reached)
    expect(page.locator(f"#{fields[0]}")).to_have_value("Spin qubits in silicon carbide")

    # 3. Space on "Remove this row" removes it; the focus goes back to "Add a row".
    page.keyboard.press("Space")
    expect(rows.first).to_be_hidden()
    expect(page.locator("#id_support-0-DELETE")).to_be_checked()
    expect(page.locator('[data-formset-add="support"]')).to_be_focused()
    assert focus_is_visible(page)

    # 4. Every other section the same way: Enter on "Add a row", Tab through every field of
    #    the new row to its remove button; a checkbox is ticked with Space.
    for key in OTHER_SECTIONS:
        tab_until(page, lambda e, key=key: e["add"] == key, [])
        page.keyboard.press("Enter")
        fields = row_fields(page, key)
        assert fields, key
        expect(page.locator(f"#{fields[0]}")).to_be_focused()
        in_row = [focused(page)]
        tab_until(page, lambda e: e["remove"], in_row)
        reached = {e["id"] for e in in_row}
        assert set(fields) <= reached, (key, set(fields) - reached)
    box = "id_in_kind-0-requires_time"
    tab_until(page, lambda e: e["id"] == box, [], shift=True)
    page.keyboard.press("Space")
    expect(page.locator(f"#{box}")).to_be_checked()

    # 5. Back to the first section: Space adds a row again; a wrong end date (before the
    #    start) is typed in.
    tab_until(page, lambda e: e["add"] == "support", [], shift=True)
    page.keyboard.press("Space")
    expect(page.locator('[data-formset-rows="support"] [data-formset-row]:visible')).to_have_count(
        1
    )
    page.keyboard.type("Spin qubits in silicon carbide")
    start = tab_until(page, lambda e: e["id"] == "id_support-1-start_date", [])
    assert start["type"] == "date"
    page.keyboard.type("04012024")
    tab_until(page, lambda e: e["id"] == "id_support-1-end_date", [])
    page.keyboard.type("03312023")
    expect(page.locator("#id_support-1-end_date")).to_have_value("2023-03-31")

    # 6. Save with the keyboard: Tab to "Save draft", Enter.
    tab_until(page, lambda e: e["name"] == "save", [])
    page.keyboard.press("Enter")
    summary = page.get_by_role("alert").filter(has_text="Nothing was saved yet")
    expect(summary).to_be_visible()
    # The focus is on the message, so that a screen reader reads it first...
    expect(summary).to_be_focused()
    # ...and each wrong field says so, and is described by its error.
    end_date = page.locator("#id_support-1-end_date")
    expect(end_date).to_have_attribute("aria-invalid", "true")
    described_by = (end_date.get_attribute("aria-describedby") or "").split()
    descriptions = [page.locator(f"#{i}").inner_text() for i in described_by]
    assert any("The end date must be on or after the start date." in d for d in descriptions), (
        described_by,
        descriptions,
    )
    # Every field left empty that must be filled in is marked the same way.
    invalid = page.locator("#declaration-form [aria-invalid=true]").all()
    assert len(invalid) > 1
    for field in invalid:
        errors = [
            i
            for i in (field.get_attribute("aria-describedby") or "").split()
            if i.endswith("_error")
        ]
        assert errors, f"{field.get_attribute('id')} is not described by its error"
        expect(page.locator(f"#{errors[0]}")).not_to_be_empty()
    # From the message, Tab goes on to the sections' menu, whose link to the section in
    # error carries the count of its errors.
    link = tab_until(page, lambda e: e["tag"] == "a" and e["href"] == "#section-support", [])
    assert re.search(r"\d+\s+fields to correct$", link["text"]), link
    screenshot(page, "declaration-keyboard-error", full_page=False)
    assert page_errors == []
