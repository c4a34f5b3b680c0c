"""The demo's HTML report: one self-contained file, charts embedded as PNG.

Rendered through ``templates/demo_report.html`` on the shared base page (Jinja2, autoescaped).
Nothing is fetched when the file is opened (no scripts, fonts or images from elsewhere), so it
can be mailed or archived as is.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import numpy as np

from vouchsafe.charts import INK, PALETTE, pyplot, to_chart
from vouchsafe.demo.result import DemoResult
from vouchsafe.server.web import Chart, Table, render_page

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _paired_bars(
    result: DemoResult,
    series: tuple[tuple[str, list[int], str], tuple[str, list[int], str]],
    y_label: str,
    height: float,
) -> tuple[Any, Any]:
    """Two bars per demo user, each with its count written on top; returns (figure, axes)."""
    plt = pyplot()
    names = [a.name for a in result.accounts]
    figure, axes = plt.subplots(figsize=(8, height))
    x = np.arange(len(names))
    for offset, (label, values, colour) in zip((-0.2, 0.2), series, strict=True):
        axes.bar(x + offset, values, 0.4, label=label, color=colour)
        for pos, value in zip(x + offset, values, strict=True):
            axes.text(pos, value + 0.1, str(value), ha="center", va="bottom", fontsize=8, color=INK)
    axes.set_xticks(list(x), names)
    axes.set_xlabel("demo user")
    axes.set_ylabel(y_label)
    top = max([*series[0][1], *series[1][1], result.settings.threshold, 1])
    axes.set_ylim(0, top * 1.25 + 1)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    return figure, axes


def matches_chart(result: DemoResult) -> Chart:
    """Per account: known photos sent (truth) and matches the provider could open, against t."""
    t = result.settings.threshold
    figure, axes = _paired_bars(
        result,
        (
            ("known photos sent (ground truth)", [a.known_sent for a in result.accounts],
             PALETTE[1]),
            ("matches the provider could open", [a.items_in_review for a in result.accounts],
             PALETTE[0]),
        ),
        "photos per account",
        3.6,
    )  # fmt: skip
    axes.axhline(t, color=INK, linestyle="--", lw=1)
    axes.text(
        len(result.accounts) - 0.5, t + 0.1, f"threshold t = {t}", ha="right", va="bottom",
        fontsize=8,
    )  # fmt: skip
    return to_chart(
        figure,
        "Known photos per account against the threshold",
        "bar chart of known photos sent and matches the provider could open, per account",
        "The provider can open an account's matches only once it has sent at least t known "
        "photos: below the dashed line the blue bar must be zero.",
    )


def vouchers_chart(result: DemoResult) -> Chart:
    """Per account: photos sent and the vouchers the server received (real plus synthetic)."""
    figure, _axes = _paired_bars(
        result,
        (
            ("photos sent", [a.photos_sent for a in result.accounts], PALETTE[3]),
            ("vouchers the server received", [a.vouchers_uploaded for a in result.accounts],
             PALETTE[6]),
        ),
        "photos or vouchers per account",
        3.4,
    )  # fmt: skip
    return to_chart(
        figure,
        "What the server sees per account: vouchers, not matches",
        "bar chart of photos sent and vouchers received per account",
        "Every photo carries one voucher whether it matches or not, so the voucher count says "
        "nothing about matches; synthetic vouchers blur even the match count past the outer step.",
    )


def _plain(status: str) -> str:
    """``REPORT_STATUS_FORWARDED`` as ``forwarded``; ``-`` when empty."""
    return status.removeprefix("REPORT_STATUS_").replace("_", " ").lower() or "-"


def _tables(result: DemoResult) -> dict[str, Table]:
    accounts = Table(
        [
            "user", "role", "texts", "photos", "known photos sent (truth)", "vouchers",
            "in review", "confirmed by reviewer", "report", "suspended", "appeal",
            "messages received intact",
        ],
        [
            [
                a.name, a.role, a.texts_sent, a.photos_sent, a.known_sent, a.vouchers_uploaded,
                a.items_in_review, a.confirmed_by_reviewer, _plain(a.report_status),
                "yes" if a.suspended else "no", a.appeal_status or "-",
                f"{a.messages_received_intact}/{a.messages_received}",
            ]
            for a in result.accounts
        ],
    )  # fmt: skip
    learned = Table(
        ["party", "learned", "did not learn"],
        [
            [
                "relay (server)",
                f"{result.server_blob_count} opaque blobs ({result.server_blob_bytes} bytes), "
                "who sent to whom, when, sizes",
                "any text, photo, file name or caption",
            ],
            [
                "provider below threshold",
                "number of vouchers per account (real + synthetic)",
                "whether any photo matched, or how many",
            ],
            [
                "provider past threshold",
                "for matching items only: full hash, low-res grey derivative, media type",
                "non-matching photos; text",
            ],
            ["reviewer", "the visual derivatives of matched items", "anything else"],
            ["authority", "the signed report of reviewer-confirmed items", "anything else"],
        ],
    )
    transparency = Table(["figure", "value"], [[k, v] for k, v in result.transparency.items()])
    return {"accounts": accounts, "learned": learned, "transparency": transparency}


def render_html(result: DemoResult) -> str:
    """The whole report as one HTML string."""
    reviewed = [
        (user, item, decision, "data:image/png;base64," + base64.b64encode(png).decode("ascii"))
        for user, item, decision, png in result.reviewed
    ]
    return render_page(
        "demo_report.html",
        {
            "result": result,
            "s": result.settings,
            "tables": _tables(result),
            "charts": [matches_chart(result), vouchers_chart(result)],
            "reviewed": reviewed,
        },
        [TEMPLATES],
    )


def write_report(result: DemoResult, out_dir: Path) -> Path:
    """Writes ``out_dir/report.html`` and returns its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "report.html"
    path.write_text(render_html(result), encoding="utf-8")
    return path
