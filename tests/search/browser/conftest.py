"""The browser fixtures of tests/browser (the live server with the demo data, Chromium)."""

from tests.browser.conftest import (  # noqa: F401
    browser,
    console_log,
    live_server,
    page,
    pytest_runtest_makereport,
)
