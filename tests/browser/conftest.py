"""Fixtures for the browser tests: Debian's Chromium through Playwright, and the portal served for real.

One Chromium for the whole session; each test gets the `app` fixture's app (and database)
served by a real HTTP server on a free loopback port. Without Chromium or Playwright the tests
skip, unless REQUIRE_BROWSER=1 (CI sets it): then they fail, so CI can never pass by skipping.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from portal.paths import PROJECT_ROOT

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # the tests run as root in CI containers
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
DEFAULT_SCREENSHOT_DIR = PROJECT_ROOT / "test-artifacts" / "screenshots"


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"{reason} (set REQUIRE_BROWSER=1 to make this an error)")


def _chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium():
    """A headless Debian Chromium, shared by every browser test."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
        import axe_playwright_python.sync_playwright  # noqa: F401
    except ImportError as error:
        _unavailable(f"Playwright or axe-playwright-python is not installed ({error}); "
                     "pip install -r requirements-dev.txt")
    executable = _chromium_path()
    if executable is None:
        where = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
        _unavailable(f"Chromium was not found at {where}; apt-get install chromium (or set CHROMIUM_PATH)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
    except PlaywrightError as error:
        playwright.stop()
        _unavailable(f"Chromium at {executable} did not start: {str(error).splitlines()[0]}")
    yield browser
    browser.close()
    playwright.stop()


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # one line per request would drown the test output
        pass


@pytest.fixture
def live_server(app):
    """The `app` fixture's app (same database) served over HTTP on 127.0.0.1; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where page screenshots go (CI keeps this folder): $SCREENSHOT_DIR or test-artifacts/screenshots."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or DEFAULT_SCREENSHOT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
