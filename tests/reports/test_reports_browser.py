"""Open the reports in headless Chromium with the network disabled.

Checks that the overview and an organisation page render without console errors and
without a single network request besides the page's own file, that the hostile name shows
as text (and no script ran), and saves full-page screenshots (PNG) of the screen and print
layouts under the test's tmp folder (``REPORT_SCREENSHOTS_DIR`` overrides the folder).

Skipped only when chromium/chromedriver are missing and ``CI`` is not set; in CI the test
must run (set up with scripts/setup-browser.sh).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_support import A4_TEXT_WIDTH_PX, offline_chromium, open_page, skip_reason
from tiny_build import HOSTILE_NAME

pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with offline_chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def _open(driver, page: Path, shots: Path, name: str):
    """Load ``page``; return (console entries, requests, failures) and save screenshots of
    the screen and the print layout (at the width of an A4 page's text area)."""
    load = open_page(driver, page, shots / f"{name}.png", shots / f"{name}-print.png")
    width, height = load.size
    assert width > 0 and height > 900  # a whole report, not an empty page
    assert load.print_width <= A4_TEXT_WIDTH_PX, f"print layout overflows the page: {load.print_width}px"
    return load.console, load.requests, load.failed


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
def test_page_offline(browser, tiny_built, shots_dir, relative, name):
    snapshot, _ = tiny_built
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


def test_hostile_name_is_text_in_the_browser(browser, tiny_built, shots_dir):
    from selenium.webdriver.common.by import By

    snapshot, _ = tiny_built
    browser.get((snapshot / "reports" / "kommun" / "0617.html").as_uri())
    assert HOSTILE_NAME in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.execute_script("return document.scripts.length") == 0
    assert browser.title.startswith(HOSTILE_NAME)
    overview = (snapshot / "reports" / "index.html").as_uri()
    browser.get(overview)
    links = browser.execute_script("return Array.from(document.links).map(a => a.href)")
    assert links and all(link.startswith("file://") for link in links)
