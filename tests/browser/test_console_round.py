"""The console in a real browser: one whole round, as the people who use it would go.

A reviewer signs in with the staff key, reveals and confirms an item; the authority forwards the
report; the user appeals; a second reviewer upholds the appeal; the auditor sees the chain
verify. Every page is checked by the harness (console errors, broken images, overflow at
1,280 px) and screenshotted under ``out/browser/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.harness import check_page
from tests.browser.live_server import LiveServer, live_server
from tests.reference_server.conftest import KNOWN_HASH
from tests.reference_server.console_helpers import derivative_png
from tests.reference_server.fakes import fake_voucher, upload
from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.console_signin import sign_in_code


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(tmp_path) as server:
        yield server


def _loaded(browser: Any) -> bool:
    return bool(browser.execute_script("return document.readyState") == "complete")


# Chromium's answer when an element's document was replaced between finding and using it.
_REPLACED_DOCUMENT = (StaleElementReferenceException, WebDriverException)


def _replaced(exc: Exception) -> bool:
    """Whether ``exc`` says the element's document is gone (Chromium sometimes answers with an
    inspector error instead of a stale-element error)."""
    return isinstance(exc, StaleElementReferenceException) or (
        "does not belong to the document" in str(exc)
    )


def _left(page: Any) -> Any:
    """A wait condition: the browser has left the document ``page`` belongs to."""

    def gone(_: Any) -> bool:
        try:
            return bool(staleness_of(page)(None))
        except WebDriverException as exc:
            if _replaced(exc):
                return True
            raise

    return gone


def _click(browser: Any, selector: str, by: str = By.CSS_SELECTOR) -> None:
    """Clicks and waits until the browser has left the page (a form post or a link) and the
    next page, after any redirect, has finished loading: a navigation still under way would
    replace the document under the next step's elements."""
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(by, selector).click()
    WebDriverWait(browser, 30).until(_left(page))
    WebDriverWait(browser, 30).until(_loaded)


def _sign_in(browser: Any, live: LiveServer, name: str) -> None:
    """Signs ``name`` in with its staff key; the whole form is filled again if a late
    navigation replaced the page under it (seen under load), at most three times."""
    for attempt in range(3):
        check_page(browser, live.url + "/console/login", f"console-login-{name}")
        try:
            challenge = browser.find_element(By.ID, "challenge").text.strip()
            code = sign_in_code(challenge, live.staff_keys[name])
            browser.find_element(By.ID, "code").send_keys(code)
            _click(browser, "form[action='/console/login'] button")
            return
        except _REPLACED_DOCUMENT as exc:
            if not _replaced(exc) or attempt == 2:
                raise


def _sign_out(browser: Any) -> None:
    _click(browser, "form.signout button")


def _submit(browser: Any, action: str) -> None:
    _click(browser, f"form[action='{action}'] button[type=submit]")


def test_full_console_round_in_chromium(browser: Any, live: LiveServer) -> None:
    user = live.client()
    user.register(handle="alice")
    for n in range(3):
        upload(user, fake_voucher(1, KNOWN_HASH, derivative_png(40 * n)))

    # reviewer1: queue, item (blurred), reveal, confirm
    _sign_in(browser, live, "reviewer1")
    queue = check_page(browser, live.url + "/console/review", "console-review-queue")
    assert "3 item(s) waiting for you" in queue.text
    _click(browser, "a.button")
    item_url = browser.current_url
    review_id = item_url.rsplit("/", 1)[1]
    blurred = check_page(browser, item_url, "console-item-blurred")
    assert "Reveal the derivative" in blurred.text
    assert not browser.find_element(By.CSS_SELECTOR, "input[value=confirmed]").is_enabled()
    _submit(browser, f"/console/review/{review_id}/reveal")
    revealed = check_page(browser, item_url, "console-item-revealed")
    assert "Exposures this session: 1" in revealed.text
    browser.find_element(By.CSS_SELECTOR, "input[value=confirmed]").click()
    browser.find_element(By.ID, "notes").send_keys("the listed picture")
    _submit(browser, f"/console/review/{review_id}/decide")
    assert "delivered to the authority" in browser.find_element(By.TAG_NAME, "main").text
    _sign_out(browser)

    # authority: the signed report, forwarded
    _sign_in(browser, live, "authority")
    reports = check_page(browser, live.url + "/console/reports", "console-reports")
    assert "valid" in reports.text
    browser.find_element(By.CSS_SELECTOR, "input[value=forwarded]").click()
    _click(browser, "form[action$='/disposition'] button")
    assert "forwarded" in browser.find_element(By.TAG_NAME, "main").text
    _sign_out(browser)

    # the user appeals the report (through the API, as the messenger does)
    (report,) = live.client(live.staff_keys["authority"]).reports()
    user.file_appeal(report.report_id, "This is a photo of my garden.")

    # reviewer2 (not the original reviewer) upholds the appeal
    _sign_in(browser, live, "reviewer2")
    appeals = check_page(browser, live.url + "/console/appeals", "console-appeals")
    assert "This is a photo of my garden." in appeals.text and "confirmed by" in appeals.text
    _click(browser, "Re-review this item", By.LINK_TEXT)
    appeal_id = browser.current_url.rsplit("/", 1)[1]
    browser.find_element(By.CSS_SELECTOR, "input[value=not_confirmed]").click()
    _submit(browser, f"/console/review/{appeal_id}/decide")
    _sign_out(browser)
    (appeal,) = user.appeals()
    assert appeal.status == api_pb2.APPEAL_STATUS_UPHELD

    # auditor: the chain verifies
    with live.ctx.storage.transaction() as tx:
        live.ctx.audit.checkpoint(tx, live.ctx.clock())
    _sign_in(browser, live, "auditor")
    audit = check_page(browser, live.url + "/console/audit", "console-audit")
    assert "The chain verifies" in audit.text
    assert "review_decided" in audit.text and "appeal_upheld" in audit.text
    _sign_out(browser)

    public = check_page(browser, live.url + "/transparency", "transparency")
    assert "Latest signed checkpoint" in public.text and "Appeals upheld" in public.text


def test_console_works_in_a_narrow_window(browser: Any, live: LiveServer) -> None:
    browser.set_window_size(420, 900)
    try:
        browser.get(live.url + "/console/login")
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 420
    finally:
        browser.set_window_size(1280, 900)
