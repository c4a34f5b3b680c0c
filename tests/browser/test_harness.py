"""The harness itself fails on each defect it promises to catch, and passes a clean page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vouchsafe.server.web import Chart, Table, render_page

from .harness import check_page

# A 1x1 PNG, so the pages below need no plotting library.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a3d6cf5c0000000049454e44ae426082"
)


def _page(tmp_path: Path, body: str, name: str) -> Path:
    path = tmp_path / f"{name}.html"
    head = f"<!doctype html><html><head><title>{name}</title></head>"
    path.write_text(f"{head}<body>{body}</body></html>", encoding="utf-8")
    return path


def _chart(x: str, y: str) -> str:
    chart = Chart("A chart", PIXEL, "a chart", "what to look at", x, y)
    return (
        f'<img class="chart" src="{chart.uri}" alt="a chart" data-x-label="{x}" data-y-label="{y}">'
    )


def test_clean_page_from_the_shared_base_passes(browser: Any, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text(
        '{% extends "base.html" %}{% from "macros.html" import table %}'
        "{% block content %}{{ table(figures) }}{% endblock %}",
        encoding="utf-8",
    )
    html = render_page(
        "page.html",
        {"figures": Table(["figure", "value"], [["vouchers <b>received</b>", 3]])},
        [templates],
    )
    path = tmp_path / "clean.html"
    path.write_text(html, encoding="utf-8")
    page = check_page(browser, path, "harness-clean")
    assert "vouchers <b>received</b>" in page.text  # escaped, shown as text
    assert page.screenshot.is_file()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<img alt="x" src="missing.png">', "broken image"),
        ('<div style="width:2000px">wide</div>', "horizontal overflow"),
        (_chart("", "share of items (%)"), "chart without axis labels"),
        ("<script>console.error('boom')</script>", "console error"),
    ],
)
def test_each_defect_fails_the_check(
    browser: Any, tmp_path: Path, body: str, expected: str
) -> None:
    with pytest.raises(pytest.fail.Exception, match=expected):
        check_page(browser, _page(tmp_path, body, "defect"), "harness-defect")


def test_labelled_chart_passes(browser: Any, tmp_path: Path) -> None:
    page = check_page(browser, _page(tmp_path, _chart("mode", "recall (%)"), "ok"), "harness-ok")
    assert page.charts == 1
