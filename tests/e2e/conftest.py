"""Browser tests: both services under gunicorn, driven by Playwright in Debian's Chromium.

The stack is started once per session on free ports with its own temporary data folder,
migrated and seeded like `make run`. Tests never touch another network.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from bin.stack import Stack, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
IDLE_SECONDS = 60
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    with tempfile.TemporaryDirectory(prefix="tthc-e2e-") as tmp:
        stack = Stack(
            var_dir=Path(tmp),
            province_port=free_port(),
            sandbox_port=free_port(),
            workers=2,
            quiet=True,
            extra_env={
                "SANDBOX_CAPTCHA_TEST_MODE": "true",
                "SANDBOX_QR_SECONDS": "60",
                # many browser tests sign in as the same demo person within 15 minutes; the
                # real cap (5 codes) is checked by tests/sandbox/idp
                "SANDBOX_OTP_SEND_CAP": "100",
                # short enough for the idle-expiry test to wait it out, long enough for the others
                "SESSION_IDLE_SECONDS": str(IDLE_SECONDS),
            },
        )
        stack.idle_seconds = IDLE_SECONDS  # type: ignore[attr-defined]
        stack.prepare()
        stack.start()
        try:
            yield stack
        finally:
            stack.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A phone-sized browser for the simulated VNeID app."""
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def latest_otp(stack: Stack, phone_number: str, *, after: int = 0) -> str:
    """Read the newest code sent to ``phone_number`` from the sandbox outbox JSON."""
    messages = requests.get(f"{stack.sandbox_url}/dev/sms/outbox.json", params={"to": phone_number}, timeout=5).json()
    assert len(messages) > after, f"no new SMS to {phone_number}"
    found = re.search(r"\b(\d{6})\b", messages[0]["body"])
    assert found, messages[0]
    return found.group(1)


def sms_count(stack: Stack, phone_number: str) -> int:
    return len(requests.get(f"{stack.sandbox_url}/dev/sms/outbox.json", params={"to": phone_number}, timeout=5).json())
