"""Fixtures for browser tests: one Chromium per test process, a Visitor per person."""

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, Visitor


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def visitor(browser, live_server, request):
    """Make a Visitor: ``visitor(who="anna", language="sv")``. Each is closed (and checked for
    CSP violations once more) at the end of the test."""
    made = []

    def make(who: str = "", language: str = "sv") -> Visitor:
        made.append(Visitor(browser, live_server.url, request.node.name, who, language))
        return made[-1]

    yield make
    for one in made:
        one.close()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
