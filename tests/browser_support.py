"""Headless Chromium for the browser tests of the council report and the municipality
reports (tests/council/test_council_browser.py, tests/reports/test_reports_browser.py).

Debian's ``/usr/bin/chromium`` and ``/usr/bin/chromedriver`` through selenium, with the
network disabled three ways: Chromium flags that stop background traffic, a host resolver
that resolves nothing, and DevTools' offline mode plus blocked http(s)/ws(s) URLs.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
CHROMEDRIVER = (
    "/usr/bin/chromedriver"
    if Path("/usr/bin/chromedriver").exists()
    else shutil.which("chromedriver")
)
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--hide-scrollbars",
    "--window-size=1280,900",
)


A4_TEXT_WIDTH_PX = 703
"""Width in CSS pixels of the text area of an A4 page with the report's 12 mm side margins."""


def browser_available() -> bool:
    return bool(CHROMIUM and CHROMEDRIVER)


def skip_reason() -> str | None:
    """Why the browser test may skip: only when chromium is missing AND ``CI`` is unset."""
    if browser_available() or os.environ.get("CI"):
        return None
    return "chromium/chromedriver not installed and CI is not set"


@contextmanager
def offline_chromium(user_data_dir: Path):
    """A selenium Chrome driver on a fresh profile in ``user_data_dir``, network off."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={user_data_dir}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
        driver.execute_cdp_cmd(
            "Network.setBlockedURLs", {"urls": ["http://*", "https://*", "ws://*", "wss://*"]}
        )
        driver.get("about:blank")
        driver.get_log("browser")
        driver.get_log("performance")
        yield driver
    finally:
        driver.quit()


@dataclass
class PageLoad:
    """What loading a page gave: console entries, requested URLs, failed loads, the page's
    CSS size (0, 0 without a screenshot) and its width in print layout at A4 text width
    (0 without a print screenshot)."""

    console: list[dict]
    requests: list[str]
    failed: list[dict]
    size: tuple[int, int]
    print_width: int = 0


def _capture(driver, path: Path) -> tuple[int, int]:
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    width, height = int(size["width"]), int(size["height"])
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))
    return width, height


def open_page(
    driver, page: Path, shot: Path | None = None, print_shot: Path | None = None
) -> PageLoad:
    """Load ``page`` (a file); return console entries, requested URLs, failed loads and the
    page size; save full-page PNG screenshots (screen and print media) when paths are given."""
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(page.as_uri())
    assert driver.execute_script("return document.readyState") == "complete"
    console = driver.get_log("browser")
    events = [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
    requests = [
        e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"
    ]
    failed = [e["params"] for e in events if e["method"] == "Network.loadingFailed"]
    size = (0, 0)
    print_width = 0
    if shot is not None:
        size = _capture(driver, shot)
    if print_shot is not None:
        # print media at the width of an A4 page's text area (210 mm - 2 × 12 mm ≈ 703 px)
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": A4_TEXT_WIDTH_PX, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
        )
        try:
            print_width = driver.execute_script("return document.documentElement.scrollWidth")
            _capture(driver, print_shot)
        finally:
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    return PageLoad(console, requests, failed, size, print_width)


def print_pdf(driver) -> bytes:
    """The loaded page printed to PDF (A4, backgrounds on) by Chromium."""
    result = driver.execute_cdp_cmd(
        "Page.printToPDF",
        {
            "paperWidth": 8.27,
            "paperHeight": 11.69,
            "printBackground": True,
            "preferCSSPageSize": True,
        },
    )
    return base64.b64decode(result["data"])
