"""The server's public transparency page, rendered from the shared base, in a real browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.harness import check_page
from tests.browser.live_server import live_server


def test_transparency_page_renders_cleanly_with_every_figure(browser: Any, tmp_path: Path) -> None:
    with live_server(tmp_path) as live:
        with live.ctx.storage.transaction() as tx:
            live.ctx.log(tx, "voucher_received", {})
            live.ctx.audit.checkpoint(tx, live.ctx.clock())
        page = check_page(browser, live.url + "/transparency", "transparency-page")
    assert "Transparency figures" in page.title
    assert "safety vouchers received" in page.text and "Latest signed checkpoint" in page.text
