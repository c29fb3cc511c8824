"""Fixtures for browser tests: one Chromium per test process, a Visitor per person."""

import os
import shutil

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, Visitor


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            # Chromium on Linux takes its interface language (date fields) from these.
            env={**os.environ, "LANGUAGE": "sv", "LANG": "sv_SE.UTF-8"},
        )
        yield chromium
        chromium.close()


@pytest.fixture
def visitor(browser, live_server, request):
    """Make a Visitor: ``visitor(who="anna", language="sv")`` (``narrow=True``: every page also
    at 320 px). Each is closed (and checked for
    CSP violations once more) at the end of the test."""
    made = []
    counter = [0]

    def make(who: str = "", language: str = "sv", *, narrow: bool = False) -> Visitor:
        one = Visitor(
            browser, live_server.url, request.node.name, who, language, counter, narrow=narrow
        )
        if not made:
            shutil.rmtree(one.folder, ignore_errors=True)  # screenshots of this run only
        made.append(one)
        return one

    yield make
    for one in made:
        one.close()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
