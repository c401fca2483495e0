"""Open the reports in headless Chromium with the network disabled.

Checks that the overview and an organisation page render without console errors and
without a single network request besides the page's own file, that the hostile name shows
as text (and no script ran), and saves full-page screenshots (PNG) of the screen and print
layouts under the test's tmp folder (``REPORT_SCREENSHOTS_DIR`` overrides the folder).

Skipped only when chromium/chromedriver are missing and ``CI`` is not set; in CI the test
must run (set up with scripts/setup-browser.sh).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from pathlib import Path

import pytest
from report_snapshot import HOSTILE_NAME

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
A4_PRINTABLE_PX = round((210 - 2 * 12) / 25.4 * 96)  # 703 px

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("CI"),
    reason="chromium/chromedriver not installed (scripts/setup-browser.sh); required when CI is set",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    if CHROMIUM:
        options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",  # screenshots beyond the viewport re-layout without a scrollbar
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(arg)
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
        yield driver
    finally:
        driver.quit()


def _drain(driver) -> None:
    driver.get_log("browser")
    driver.get_log("performance")


def _screenshot(driver, path: Path) -> tuple[int, int]:
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


def _open(driver, page: Path, shots: Path, name: str):
    """Load ``page``; return (console entries, requests, failures) and save screenshots."""
    _drain(driver)
    driver.get(page.as_uri())
    assert driver.execute_script("return document.readyState") == "complete"
    console = driver.get_log("browser")
    events = [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
    requests = [
        e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"
    ]
    failed = [e["params"] for e in events if e["method"] == "Network.loadingFailed"]
    width, height = _screenshot(driver, shots / f"{name}.png")
    assert width > 0 and height > 900  # a whole report, not an empty page
    # print layout at the width of an A4 page's printable area (210 - 2 * 12 mm at 96 dpi)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": A4_PRINTABLE_PX, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        print_width = driver.execute_script("return document.documentElement.scrollWidth")
        _screenshot(driver, shots / f"{name}-print.png")
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert print_width <= A4_PRINTABLE_PX, f"print layout overflows the page: {print_width}px"
    return console, requests, failed


@pytest.fixture(scope="module")
def shots_dir(tmp_path_factory) -> Path:
    folder = os.environ.get("REPORT_SCREENSHOTS_DIR")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize(
    "relative, name",
    [("index.html", "overview"), ("kommun/0604.html", "aneby"), ("kommun/0617.html", "hostile")],
)
def test_page_offline(browser, built_snapshot, shots_dir, relative, name):
    snapshot, _ = built_snapshot
    page = snapshot / "reports" / relative
    console, requests, failed = _open(browser, page, shots_dir, name)
    assert [e for e in console if e["level"] in ("SEVERE", "WARNING")] == []
    assert requests == [page.as_uri()]  # nothing but the page itself
    assert failed == []
    assert (shots_dir / f"{name}.png").stat().st_size > 10_000
    svgs = browser.execute_script("return document.querySelectorAll('svg').length")
    assert svgs >= 2
    # every chart has a size on screen (rendered, not collapsed)
    sizes = browser.execute_script(
        "return Array.from(document.querySelectorAll('figure svg')).map(s => s.getBoundingClientRect().width)"
    )
    assert sizes and min(sizes) > 200


def test_hostile_name_is_text_in_the_browser(browser, built_snapshot, shots_dir):
    from selenium.webdriver.common.by import By

    snapshot, _ = built_snapshot
    browser.get((snapshot / "reports" / "kommun" / "0617.html").as_uri())
    assert HOSTILE_NAME in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.execute_script("return document.scripts.length") == 0
    assert browser.title.startswith(HOSTILE_NAME)
    overview = (snapshot / "reports" / "index.html").as_uri()
    browser.get(overview)
    links = browser.execute_script("return Array.from(document.links).map(a => a.href)")
    assert links and all(link.startswith("file://") for link in links)
