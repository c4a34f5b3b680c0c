"""The recall-cost frontier section of the hashing page (``vouchsafe eval hashing``).

Kept apart from :mod:`.page` (the per-transform part): per transform the PSI recall against the
candidate budget with its PDQ@31 recall as a dashed line, and tables of recall per budget, the
false-match figures (model, measured, shortened-code check) and the cost of each budget.
"""

from __future__ import annotations

from typing import Any

from vouchsafe.charts import PALETTE, pyplot, to_chart
from vouchsafe.server.web import Chart, Table

FRONTIER_TRANSFORMS = (
    "jpeg_q50", "resize_0.5x", "resize_0.75x", "resize_1.5x", "resize_2x", "crop_2pct",
    "brightness_+20pct", "contrast_1.3x", "gaussian_noise_8", "format_webp",
)  # fmt: skip


def frontier_chart(report: dict[str, Any]) -> Chart:
    """PSI recall (solid) and PDQ@31 recall (dashed) per transform against the budget."""
    plt = pyplot()
    rows = report["budgets"]
    budgets = [r["max_candidates"] for r in rows]
    baseline = {t["transform"]: t["baseline_recall"] for t in report["transforms"]}
    names = [n for n in FRONTIER_TRANSFORMS if n in baseline] or list(baseline)
    fig, ax = plt.subplots(figsize=(8.5, 5.2))
    for k, name in enumerate(names):
        colour = PALETTE[k % len(PALETTE)]
        style = "-" if k < len(PALETTE) else "-."
        ax.plot(budgets, [100 * r["psi_recall"][name] for r in rows], style, color=colour,
                marker="o", label=name)  # fmt: skip
        ax.axhline(100 * baseline[name], color=colour, linestyle=":", linewidth=1)
    ax.set_xscale("log", base=2)
    ax.set_xticks(budgets, [str(b) for b in budgets])
    ax.set_ylim(0, 101)
    ax.set_xlabel("candidates per item (max_candidates, log scale)")
    ax.set_ylabel("copies found (% of images)")
    ax.legend(loc="lower right", fontsize=8, ncols=2)
    return to_chart(
        fig,
        "Recall against the candidate budget",
        "line chart of PSI recall per transform against max_candidates, with dotted PDQ lines",
        "Each solid line is one edit's PSI recall; its dotted line of the same colour is what "
        "plaintext PDQ finds. Where they meet, privacy costs nothing in detection.",
    )


def budget_tables(report: dict[str, Any]) -> dict[str, Table]:
    """Recall per budget, false matches and cost per budget, and the shortened-code check."""
    rows = report["budgets"]
    md = report["match_distance"]
    recall = Table(
        ["edit", f"plaintext PDQ <= {md}", *(f"K = {r['max_candidates']}" for r in rows)],
        [
            [t["transform"], f"{100 * t['baseline_recall']:.1f}%",
             *(f"{100 * r['psi_recall'][t['transform']]:.1f}%" for r in rows)]
            for t in report["transforms"]
        ],
    )  # fmt: skip
    cost = Table(
        ["K", "scheme", "code bits", "dof", "P_image (model)", "P_image (measured or rule of 3)",
         "voucher bytes", "server ms (outer step)", "device ms (voucher)"],
        [
            [str(r["max_candidates"]), r["candidate_scheme"], str(r["code_bits"]),
             f"{r['false_match']['degrees_of_freedom']['dof']:.1f}",
             f"{r['false_match']['per_image_model']:.2e}",
             f"{r['false_match']['per_image_measured_or_rule_of_three']:.2e}",
             *(_cost_cells(r["cost"]))]
            for r in rows
        ],
    )  # fmt: skip
    check = Table(
        ["images", "K", "code cut to", "colliding pairs", "measured rate", "model rate"],
        [
            [what, str(r["max_candidates"]), f"{c['bits']} bits",
             f"{c['colliding_pairs']:,} of {c['pairs']:,}", f"{c['measured_pair_rate']:.2e}",
             f"{c['model_pair_rate']:.2e}"]
            for key, what in (("shortened_codes", "all"),
                              ("shortened_codes_without_astronomy", "without astronomy"))
            for r in rows
            for c in r["false_match"][key]
        ],
    )  # fmt: skip
    return {"budget_recall": recall, "budget_cost": cost, "shortened_check": check}


def _cost_cells(cost: dict[str, Any] | None) -> list[str]:
    if not cost:
        return ["-", "-", "-"]
    return [f"{cost['voucher_bytes']:,}", f"{cost['server_ms_outer_step']:.1f}",
            f"{cost['device_ms_generate_voucher']:.1f}"]  # fmt: skip
