"""The council's quality report in headless Chromium, network disabled.

Opens the overview and the 2019 page of the council's tiny snapshot of a real dbt build
(``council_tiny_snapshot``, tests/conftest.py): no console errors, no
request besides the page's own file, the hostile name shown as text (no script ran), the
link to the GX Data Docs present, and the print layout: every year section starts a new
page, no table row is split, and the PDF has the expected pages. Full-page screenshots
(screen and print media) are saved under the test's tmp folder, or under
``COUNCIL_SCREENSHOTS_DIR`` when set.

Skipped only when chromium/chromedriver are missing and ``CI`` is not set.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser_support import (
    A4_TEXT_WIDTH_PX,
    offline_chromium,
    open_page,
    print_pdf,
    skip_reason,
)
from tiny_build import HOSTILE_NAME, HOSTILE_SHORT, add_file_check_page, copy_snapshot

from pipelines.reports.council import build_quality_report

pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")


@pytest.fixture(scope="module")
def snapshot(council_tiny_snapshot, tmp_path_factory) -> Path:
    folder = copy_snapshot(
        council_tiny_snapshot,
        tmp_path_factory.mktemp("browser-snapshot") / council_tiny_snapshot.name,
    )
    add_file_check_page(folder, 2019)
    build_quality_report(folder)
    return folder


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("COUNCIL_SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return tmp_path_factory.mktemp("council-screenshots")


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    with offline_chromium(tmp_path_factory.mktemp("chromium-profile")) as d:
        yield d


def nothing_wider_than_a4_text_area(driver, page: Path) -> bool:
    """In print media at the width of an A4 page's text area, no element reaches past the
    right edge (a table that did would be cut off on paper)."""
    open_page(driver, page)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": A4_TEXT_WIDTH_PX, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        overflowing = driver.execute_script(
            "const w = document.documentElement.clientWidth;"
            "return Array.from(document.querySelectorAll('body *'))"
            ".filter(e => e.getBoundingClientRect().right > w + 0.5)"
            ".map(e => e.tagName + '.' + e.className);"
        )
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert overflowing == [], (page.name, overflowing[:10])
    return True


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.parametrize("name", ["index", "2019"])
def test_page_renders_offline(driver, snapshot, shots, name):
    page = snapshot / "quality" / f"{name}.html"
    load = open_page(driver, page, shots / f"{name}.png", shots / f"{name}-print.png")
    assert load.console == []
    assert load.requests == [page.as_uri()]
    assert load.failed == []
    width, height = load.size
    assert width >= 1000 and height > 900
    assert (shots / f"{name}.png").stat().st_size > 10_000
    # the page itself does not overflow sideways (tables fit or scroll in their wrapper)
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def test_hostile_name_is_text_and_no_script_ran(driver, snapshot):
    open_page(driver, snapshot / "quality" / "2019.html")
    assert driver.execute_script("return document.scripts.length") == 0
    body = driver.execute_script("return document.body.innerText")
    assert f"Resultaten för {HOSTILE_NAME} publiceras inte" in body
    assert HOSTILE_SHORT in body  # a spreadsheet formula as a short name, shown as text
    links = driver.execute_script(
        "return Array.from(document.links).map(a => a.getAttribute('href'))"
    )
    assert "gx/2019/index.html" in links
    assert all(not re.match(r"(?i)^(https?:)?//", href) for href in links)


def test_rate_table_marks_survive_greyscale(driver, snapshot):
    """Each marked cell carries a symbol as text (not only a colour)."""
    open_page(driver, snapshot / "quality" / "2019.html")
    cells = driver.execute_script(
        "return Array.from(document.querySelectorAll('table.rates td.cell'))"
        ".map(td => [td.className, td.innerText.trim()])"
    )
    symbol = {"s-ok": "✓", "s-warn": "!", "s-fail": "✗", "s-unknown": "?"}
    assert len(cells) == 6 * 3  # six organisations × (two groups + total)
    for cls, text in cells:
        marks = [s for c, s in symbol.items() if c in cls.split()]
        assert len(marks) == 1 and text.startswith(marks[0]), (cls, text)


def test_print_layout(driver, snapshot, shots):
    open_page(driver, snapshot / "quality" / "index.html")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        breaks = driver.execute_script(
            "return Array.from(document.querySelectorAll('.year-section'))"
            ".map(s => getComputedStyle(s).breakBefore)"
        )
        rows = driver.execute_script(
            "return Array.from(document.querySelectorAll('tr'))"
            ".map(r => getComputedStyle(r).breakInside)"
        )
        nav = driver.execute_script(
            "return getComputedStyle(document.querySelector('nav.years')).display"
        )
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert breaks == ["page", "page"]
    assert rows and set(rows) == {"avoid"}
    assert nav == "none"
    pdf = print_pdf(driver)
    (shots / "index.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    assert _pdf_pages(pdf) >= 3  # overview, then 2018 and 2019 on pages of their own
    assert nothing_wider_than_a4_text_area(driver, snapshot / "quality" / "index.html")
    assert nothing_wider_than_a4_text_area(driver, snapshot / "quality" / "2019.html")


def test_overflow_check_finds_a_wide_table(driver, tmp_path):
    """The A4 width check itself: a table wider than the page is reported."""
    page = tmp_path / "wide.html"
    page.write_text(
        "<!doctype html><html><body><table><tr><td style='min-width:2000px'>x</td></tr>"
        "</table></body></html>",
        encoding="utf-8",
    )
    with pytest.raises(AssertionError, match="TD"):
        nothing_wider_than_a4_text_area(driver, page)
