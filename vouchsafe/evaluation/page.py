"""The hashing evaluation as a page: ``vouchsafe eval hashing`` writes it beside its JSON.

Rendered through ``templates/hashing_report.html`` on the shared base page (Jinja2,
autoescaped); the JSON stays the full record.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from vouchsafe.charts import PALETTE, pyplot, to_chart
from vouchsafe.server.web import Chart, Table, render_page

TEMPLATES = Path(__file__).resolve().parent / "templates"


def recall_chart(report: dict[str, Any]) -> Chart:
    """Per transform: PSI recall against the plaintext PDQ baseline, in %."""
    plt = pyplot()
    rows = report["transforms"]
    fig, ax = plt.subplots(figsize=(8.5, 0.32 * len(rows) + 1.6))
    y = np.arange(len(rows))
    md = report["match_distance"]
    ax.barh(y - 0.2, [100 * r["psi_recall"] for r in rows], 0.4, color=PALETTE[0],
            label="PSI candidates")  # fmt: skip
    ax.barh(y + 0.2, [100 * r["baseline_recall"] for r in rows], 0.4, color=PALETTE[2],
            label=f"plaintext PDQ at distance <= {md}")  # fmt: skip
    ax.set_yticks(y, [r["transform"] for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("copies found (% of images)")
    ax.set_ylabel("edit applied to the image")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2)
    return to_chart(
        fig,
        "Copies found after each edit",
        "bar chart of PSI recall and plaintext PDQ recall per transform",
        "Where the blue bar is shorter than the yellow one, the PSI candidates miss copies that "
        "plaintext matching would find.",
    )


def hashing_report_html(report: dict[str, Any]) -> str:
    """The evaluation report as one self-contained HTML page."""
    md = report["match_distance"]
    transforms = Table(
        ["edit", "PSI recall", f"plaintext PDQ <= {md}", "exact hash", "mean distance (bits)"],
        [
            [r["transform"], f"{100 * r['psi_recall']:.1f}%", f"{100 * r['baseline_recall']:.1f}%",
             f"{100 * r['exact_hash_rate']:.1f}%", f"{r['mean_distance']:.1f}"]
            for r in report["transforms"]
        ],
    )  # fmt: skip
    fmr = report["false_match"]
    account = fmr["account"]
    false_match = Table(
        ["candidate scheme", "per-image false-match probability", "account false flag a year"],
        [
            [name, f"{value:.2e}", f"{account[name]:.2e}"]
            for name, value in fmr["per_image"].items()
        ],
    )
    return render_page(
        "hashing_report.html",
        {
            "r": report,
            "transforms": transforms,
            "false_match": false_match,
            "recall": recall_chart(report),
            **_frontier(report),
        },
        [TEMPLATES],
    )


def _frontier(report: dict[str, Any]) -> dict[str, Any]:
    """The recall-cost frontier section (:mod:`.frontier`), when the report has budgets."""
    from vouchsafe.evaluation.frontier import budget_tables, frontier_chart

    if not report.get("budgets"):
        return {}
    return {"frontier": frontier_chart(report), **budget_tables(report)}
