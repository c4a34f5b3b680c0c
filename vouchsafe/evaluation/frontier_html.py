"""The HTML page of ``vouchsafe eval hashing``: the recall-cost frontier as an inline SVG plot.

One self-contained file (no script, no external asset): per transform the PSI recall against the
candidate budget (log scale), its PDQ@31 recall as a dashed line of the same colour, the model
per-image false-match probability per budget, and the full tables of the JSON report.
"""

from __future__ import annotations

import html
import math
from typing import Any

WIDTH, HEIGHT, PAD = 720, 420, 56
FRONTIER_TRANSFORMS = (
    "jpeg_q50", "resize_0.5x", "resize_0.75x", "resize_1.5x", "resize_2x", "crop_2pct",
    "brightness_+20pct", "contrast_1.3x", "gaussian_noise_8", "format_webp",
)  # fmt: skip
COLOURS = (
    "#1b6ca8", "#d1495b", "#edae49", "#00798c", "#30638e",
    "#8f2d56", "#3d9970", "#6a4c93", "#ff7f11", "#444444",
)  # fmt: skip


def _x(budget: int, budgets: list[int]) -> float:
    lo, hi = math.log2(min(budgets)), math.log2(max(budgets))
    span = (hi - lo) or 1.0
    return PAD + (math.log2(budget) - lo) / span * (WIDTH - 2 * PAD)


def _y(recall: float) -> float:
    return HEIGHT - PAD - recall * (HEIGHT - 2 * PAD)


def frontier_svg(report: dict[str, Any]) -> str:
    """The recall-against-budget plot."""
    rows = report["budgets"]
    budgets = [r["max_candidates"] for r in rows]
    baseline = {t["transform"]: t["baseline_recall"] for t in report["transforms"]}
    names = [n for n in FRONTIER_TRANSFORMS if n in baseline] or list(baseline)[:10]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'role="img" aria-label="PSI recall against candidate budget">']  # fmt: skip
    for tick in range(0, 101, 20):
        y = _y(tick / 100)
        parts.append(f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#ddd"/><text x="{PAD - 8}" y="{y + 4:.1f}" '
                     f'text-anchor="end" font-size="11">{tick}%</text>')  # fmt: skip
    for b in budgets:
        x = _x(b, budgets)
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - PAD + 18}" text-anchor="middle" '
                     f'font-size="11">{b}</text>')  # fmt: skip
    parts.append(f'<text x="{WIDTH / 2}" y="{HEIGHT - 12}" text-anchor="middle" font-size="12">'
                 "max_candidates (log scale)</text>")  # fmt: skip
    for k, name in enumerate(names):
        colour = COLOURS[k % len(COLOURS)]
        points = " ".join(
            f"{_x(r['max_candidates'], budgets):.1f},{_y(r['psi_recall'][name]):.1f}" for r in rows
        )
        y0 = _y(baseline[name])
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                     f'points="{points}"><title>{html.escape(name)} PSI</title></polyline>')
        parts.append(f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{y0:.1f}" y2="{y0:.1f}" '
                     f'stroke="{colour}" stroke-dasharray="4 4"><title>{html.escape(name)} '
                     f"PDQ@31</title></line>")  # fmt: skip
        parts.append(f'<text x="{WIDTH - PAD + 4}" y="{_y(rows[-1]["psi_recall"][name]) + 4:.1f}" '
                     f'font-size="10" fill="{colour}">{html.escape(name)}</text>')  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)


def _table(head: list[str], body: list[list[str]]) -> str:
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in body)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{rows}</tbody></table>"


def frontier_page(report: dict[str, Any]) -> str:
    """The whole page."""
    rows = report["budgets"]
    recall_body = [
        [html.escape(t["transform"]), f"{100 * t['baseline_recall']:.1f}%"]
        + [f"{100 * r['psi_recall'][t['transform']]:.1f}%" for r in rows]
        for t in report["transforms"]
    ]
    cost_body = []
    for r in rows:
        fmr, cost = r["false_match"], r["cost"] or {}
        cost_body.append([
            str(r["max_candidates"]), html.escape(r["candidate_scheme"]), str(r["code_bits"]),
            f"{fmr['degrees_of_freedom']['dof']:.1f}", f"{fmr['per_image_model']:.2e}",
            f"{fmr['per_image_measured_or_rule_of_three']:.2e}",
            str(cost.get("voucher_bytes", "")), f"{cost.get('server_ms_outer_step', 0):.1f}",
            f"{cost.get('device_ms_generate_voucher', 0):.1f}",
        ])  # fmt: skip
    check_body = [
        [what, str(r["max_candidates"]), str(c["bits"]), f"{c['colliding_pairs']} / {c['pairs']}",
         f"{c['measured_pair_rate']:.2e}", f"{c['model_pair_rate']:.2e}"]
        for key, what in (("shortened_codes", "all"),
                          ("shortened_codes_without_astronomy", "without astronomy"))
        for r in rows for c in r["false_match"][key]
    ]  # fmt: skip
    config = report["config"]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PSI recall-cost frontier</title>
<style>body{{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:2px 8px;
text-align:right}}td:first-child,th:first-child{{text-align:left}}</style></head><body>
<h1>PSI candidates: recall against budget</h1>
<p>{report['images']} images of the <strong>{html.escape(config['split'])}</strong> split of
{html.escape(config['folder'])}; signal type {html.escape(report['signal_type'])}. Solid: PSI
recall at each budget; dashed: plaintext PDQ at Hamming distance &lt;= {report['match_distance']}
on the same copies.</p>
{frontier_svg(report)}
<h2>Recall per transform</h2>
{_table(["transform", f"PDQ@{report['match_distance']}"]
        + [f"K={r['max_candidates']}" for r in rows], recall_body)}
<h2>False matches and cost per budget</h2>
<p>Per-image false-match probability against N = {config['hash_set_size']:,} entries:
binomial model, and measured (rule of three when no collision was seen).</p>
{_table(["K", "scheme", "code bits", "dof", "P_image model", "P_image measured",
         "voucher bytes", "server ms", "device ms"], cost_body)}
<h2>Model check at shortened codes</h2>
<p>Share of (query, unrelated entry) pairs that share a key when codes are cut to their first
b bits, measured against the binomial model's prediction for b bits.</p>
{_table(["images", "K", "b", "colliding pairs", "measured rate", "model rate"], check_body)}
</body></html>
"""
