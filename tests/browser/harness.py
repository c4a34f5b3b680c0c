"""Loads a page in headless Debian Chromium and fails on what a reader would see as broken.

:func:`check_page` fails the test on a console error, a broken image, horizontal overflow at
1,280 px wide, or a chart without axis labels (every chart image carries its axis titles as
``data-x-label``/``data-y-label``, written from the chart's own axes), and saves a full-page
screenshot under ``out/browser/`` either way. Any page of the project (reports, the
transparency page, the console) can be checked with it; the ``browser`` fixture giving the
driver is in ``tests/conftest.py``, so any test may use it.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "out" / "browser"
WIDTH = 1280
HEIGHT = 900

_FIND_PROBLEMS = """
const problems = [];
const doc = document.documentElement;
if (doc.scrollWidth > doc.clientWidth + 1) {
  problems.push(`horizontal overflow: ${doc.scrollWidth} px wide in ${doc.clientWidth} px`);
}
for (const img of document.images) {
  const name = img.alt || img.src.slice(0, 60);
  if (!img.complete || img.naturalWidth === 0) problems.push(`broken image: ${name}`);
  if (!img.alt) problems.push(`image without alt text: ${img.src.slice(0, 60)}`);
  if (img.classList.contains('chart')) {
    const x = (img.dataset.xLabel || '').trim(), y = (img.dataset.yLabel || '').trim();
    if (!x || !y) problems.push(`chart without axis labels: ${name}`);
  }
}
return problems;
"""


@dataclass(frozen=True)
class PageCheck:
    """What a page showed: its title, its text, and the screenshot saved."""

    title: str
    text: str
    screenshot: Path
    charts: int


def find_chromium() -> tuple[str, str]:
    """Paths of Debian's chromium and chromedriver, installing them when missing."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        subprocess.run([str(REPO_ROOT / "scripts" / "ensure_system_deps.sh")], check=True)
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.fail("chromium and chromedriver could not be installed", pytrace=False)
    return chromium, driver


def start_browser() -> Any:
    """A headless Chromium at 1,280 x 900 that records console messages."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = find_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={WIDTH},{HEIGHT}",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


def check_page(browser: Any, target: Path | str, name: str) -> PageCheck:
    """Loads ``target`` (a file or URL), saves ``out/browser/<name>.png``, and fails the test
    on a console error, a broken image, horizontal overflow at 1,280 px or an unlabelled chart."""
    url = target.resolve().as_uri() if isinstance(target, Path) else target
    browser.set_window_size(WIDTH, HEIGHT)
    browser.get(url)
    problems: list[str] = list(browser.execute_script(_FIND_PROBLEMS))
    problems += [
        f"console error: {entry['message']}"
        for entry in browser.get_log("browser")
        if entry.get("level") == "SEVERE"
    ]
    height = int(browser.execute_script("return document.documentElement.scrollHeight"))
    browser.set_window_size(WIDTH, min(max(height, HEIGHT), 16_000))
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    screenshot = SCREENSHOT_DIR / f"{name}.png"
    browser.save_screenshot(str(screenshot))
    browser.set_window_size(WIDTH, HEIGHT)
    if problems:
        pytest.fail(f"{name} ({url}): " + "; ".join(problems), pytrace=False)
    charts = int(browser.execute_script("return document.querySelectorAll('img.chart').length"))
    text = str(browser.execute_script("return document.body.innerText"))
    return PageCheck(browser.title, text, screenshot, charts)
