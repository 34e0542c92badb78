"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Without a chromium binary the tests skip, unless REQUIRE_BROWSER=1 (CI sets it): then they fail, so a
broken CI image cannot pass by skipping. Playwright's bundled browsers are never downloaded.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEBIAN_CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}


def chromium_executable() -> str | None:
    if os.path.exists(DEBIAN_CHROMIUM):
        return DEBIAN_CHROMIUM
    return shutil.which("chromium")


def _unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless chromium per test module."""
    executable = chromium_executable()
    if executable is None:
        _unavailable(
            "no chromium found (/usr/bin/chromium or `chromium` on PATH); see `make system-packages`"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extra installs it
        _unavailable("the playwright package is not installed")
    # Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses ORM calls
    # (seeding, assertions, the database flush) while a loop runs unless told it is safe. It is: the
    # loop only drives the browser. Restored when the module's browser closes.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            yield instance
            instance.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def new_page(browser: Any, live_server: Any, *, viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
    # A Vietnamese reader's browser: the site must answer in Vietnamese, its default language.
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport=viewport, **options)
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.fixture
def browser_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh page (own cookies) at desktop width on the live server."""
    page = new_page(browser, live_server)
    yield page
    page.context.close()


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh page 375 px wide, as on a phone."""
    page = new_page(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    yield page
    page.context.close()


@pytest.fixture
def demo(transactional_db: Any, django_db_serialized_rollback: Any) -> dict[str, Any]:
    """The demo organisations and people (ppp.demo), committed so that the live server sees them.

    serialized_rollback puts back the rows that data migrations wrote (the rule book) after the flush
    that ends each transactional test, so later tests still find them.
    """
    from ppp import demo as demo_data

    return {user.username: user for user in demo_data.seed()}


@pytest.fixture
def people(demo: dict[str, Any], browser: Any, live_server: Any) -> Iterator[Callable[[str], Any]]:
    """people("finance") is a page of its own (own cookies) on which that demo person signed in
    through the login form, the first time it is asked for."""
    pages: dict[str, Any] = {}

    def page_of(username: str) -> Any:
        if username not in pages:
            page = new_page(browser, live_server)
            from tests.browser.test_pages import sign_in

            sign_in(page, username)
            pages[username] = page
        return pages[username]

    yield page_of
    for page in pages.values():
        page.context.close()
