"""Fixtures for the real-browser tests: Debian's Chromium driven by Playwright (sync API)
against pytest-django's live server.

Playwright's sync API runs an asyncio event loop in the test thread, and Django refuses
database access from a thread with a running loop (SynchronousOnlyOperation). The test
thread only touches the database to build data with the factories and to read results,
never at the same time as the live server thread serves a request, so it is safe here.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# Generous: the first request renders templates and WeasyPrint PDFs on a cold process.
DEFAULT_TIMEOUT_MS = 30_000
EXPECT_TIMEOUT_MS = 15_000
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so that the page fixture can tell a failure.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# Checks a test had to skip (a translation not in the catalogue yet, say), listed at the end
# of the run so that they are not forgotten.
_TODOS: list[str] = []


@pytest.fixture
def todo(request):
    """``todo("what was skipped and why")``: noted, and listed in the terminal summary."""

    def note(text: str) -> None:
        line = f"{request.node.nodeid}: {text}"
        if line not in _TODOS:
            _TODOS.append(line)

    return note


def pytest_terminal_summary(terminalreporter):
    if _TODOS:
        terminalreporter.section("TODO: checks skipped by the browser tests")
        for line in _TODOS:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is not installed (make sysdeps-test)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:120]


@pytest.fixture
def screenshot(request):
    """``screenshot(page, "name")`` saves a PNG of the whole page (or, with
    ``full_page=False``, of what the window shows) under test-artifacts/screenshots/ and
    returns its path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, *, full_page: bool = True) -> Path:
        path = SCREENSHOT_DIR / f"{_slug(request.node.name)}--{_slug(name)}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def page_errors():
    """JavaScript errors and failed requests seen by the page, for the test to assert on."""
    return []


@pytest.fixture
def page(browser, live_server, request, page_errors, screenshot):
    """A fresh browser context and page per test, in English, downloads allowed."""
    context = browser.new_context(
        locale="en-GB",
        timezone_id="Asia/Tokyo",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
        base_url=live_server.url,
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    page = context.new_page()

    def on_console(message):
        # A page answered with an error status (the declaration form re-rendered with a 400)
        # is logged as "Failed to load resource"; responses are checked below instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page_errors.append(f"console.error: {message.text} ({message.location})")

    def on_response(response):
        # Pages may answer 400 on purpose; a stylesheet, script or image must not fail.
        # Chromium asks for /favicon.ico on its own; the portal has none.
        if (
            response.status >= 400
            and response.request.resource_type != "document"
            and not response.url.endswith("/favicon.ico")
        ):
            page_errors.append(f"{response.status} for {response.url}")

    page.on("pageerror", lambda error: page_errors.append(f"pageerror: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)

    def on_request_failed(request):
        # A download is a navigation Chromium aborts (net::ERR_ABORTED) once it starts.
        # Chromium also aborts the page's favicon when the page is left before it loads
        # (a test that clicks on at once): that is not the page's fault either.
        if request.resource_type == "document":
            return
        if "/favicon." in request.url and "ERR_ABORTED" in (request.failure or ""):
            return
        page_errors.append(f"request failed: {request.url} {request.failure}")

    page.on("requestfailed", on_request_failed)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and not page.is_closed():
        try:
            screenshot(page, "at-failure")
        except Exception as error:  # noqa: BLE001 - a failed screenshot must not hide the failure
            print(f"could not save the failure screenshot: {error}")
    context.close()
