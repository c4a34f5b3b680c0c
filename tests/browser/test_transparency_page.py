"""The server's transparency page, rendered from the shared base, in a real browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vouchsafe.server.pipeline.transparency import transparency_html

from .harness import check_page


def test_transparency_page_renders_cleanly_with_every_figure(browser: Any, tmp_path: Path) -> None:
    report = {
        "provider": "Example <Messenger>",
        "period": {"from_ms": 0, "to_ms": 86_400_000 * 365},
        "figures": {"vouchers_received": 1200, "accounts_past_threshold": 2, "error_rate": 0.01},
    }
    path = tmp_path / "transparency.html"
    path.write_text(transparency_html(report), encoding="utf-8")
    page = check_page(browser, path, "transparency")
    assert "Transparency figures: Example <Messenger>" in page.title
    assert "safety vouchers received" in page.text and "1200" in page.text
