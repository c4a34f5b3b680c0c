"""Renders a :class:`~vouchsafe.benchreport.Report` as Markdown tables and as a PNG plot.

Every figure appears with its median and its spread (interquartile range, q1..q3); every
comparison appears as a ratio with the widest range the two sides' quartiles allow.
"""

from __future__ import annotations

import math
from pathlib import Path

from vouchsafe.benchreport import Figure, Metric, Ratio, Report

_TIME_UNITS = ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns"))


def format_seconds(value: float) -> str:
    """A duration with three significant digits in the largest unit that keeps it >= 1."""
    if not math.isfinite(value):
        return str(value)
    for scale, unit in _TIME_UNITS:
        if abs(value) >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value / 1e-9:.3g} ns"


def format_number(value: float) -> str:
    """Three significant digits, thousands grouped for large values; 'inf' kept readable."""
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _plural(unit: str) -> str:
    return unit if unit.endswith("s") else unit + "s"


def _figure_row(f: Figure) -> str:
    spread = f"{format_seconds(f.q1)} - {format_seconds(f.q3)}"
    rate = f"{format_number(f.rate)} {_plural(f.unit)}/s"
    label = f"{f.label} ({f.note})" if f.note else f.label
    return f"| {label} | {format_seconds(f.median)} / {f.unit} | {spread} | {rate} | {f.rounds} |"


def _metric_row(m: Metric) -> str:
    spread = "-"
    if m.q1 is not None and m.q3 is not None:
        spread = f"{format_number(m.q1)} - {format_number(m.q3)}"
    return f"| {m.label} | {m.name} | {format_number(m.value)} {m.unit} | {spread} |"


def _ratio_row(r: Ratio) -> str:
    if r.median is None:
        return f"| {r.subject} | {r.against} | not measured ({r.missing} missing) | - |"
    spread = "-"
    if r.low is not None and r.high is not None:
        spread = f"{r.low:.3g} - {r.high:.3g}" + (" (paired)" if r.paired else "")
    return f"| {r.subject} | {r.against} | **{r.median:.3g}x** | {spread} |"


def render_markdown(report: Report) -> str:
    """The whole report as Markdown: machine, then per section figures, metrics, ratios."""
    m = report.machine
    lines = [
        "# vouchsafe benchmarks",
        "",
        f"Machine: {m.get('cpu', 'unknown')}, nproc = {m.get('nproc', 'unknown')}, "
        f"Python {m.get('python', 'unknown')}; run {m.get('date', 'unknown')}"
        + (f", commit {m['commit']}" if "commit" in m else "")
        + ".",
    ]
    if "loadavg_start" in m:
        lines.append(
            f"Load average (1/5/15 min) at start {m['loadavg_start']}, at end "
            f"{m.get('loadavg_end', 'unknown')} (a load above nproc means other work shared the "
            "cores and the figures are slower and noisier than on an idle machine)."
        )
    lines += [
        "",
        "Times are per item; spread is the interquartile range (q1 - q3) over the rounds. "
        "A ratio is the row's median divided by the other side's median, both measured in this "
        "run; its range combines the quartiles of both sides (widest case). Ratios marked "
        "*paired* were timed alternately, round by round, in one test (each reference run right "
        "before each round of the row), and show the median and interquartile range of the "
        "per-round ratios: these hold up best on a shared machine. For times, a ratio above 1 "
        "means the row is slower.",
    ]
    for section in report.sections():
        lines += ["", f"## {section}", ""]
        figs = [f for f in report.figures if f.section == section and f.shown]
        missing = [n for n in report.not_run if n.section == section]
        if figs or missing:
            lines += [
                "| row | median | spread (q1 - q3) | rate | rounds |",
                "|---|---|---|---|---|",
            ]
            lines += [_figure_row(f) for f in figs]
            lines += [f"| {n.label} | {n.status} | - | - | - |" for n in missing]
        mets = [x for x in report.metrics if x.section == section]
        if mets:
            lines += ["", "| row | metric | value | spread (q1 - q3) |", "|---|---|---|---|"]
            lines += [_metric_row(x) for x in mets]
        rats = [r for r in report.ratios if r.section == section]
        if rats:
            lines += ["", "| row | compared with | ratio | range |", "|---|---|---|---|"]
            lines += [_ratio_row(r) for r in rats]
    return "\n".join(lines) + "\n"


def render_plot(report: Report, path: Path) -> None:
    """A PNG: per section, per-item median time (bars, log scale) with q1..q3 whiskers; then all
    measured ratios (log scale, line at 1)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [f for f in report.figures if f.shown]
    sections = [s for s in report.sections() if any(f.section == s for f in shown)]
    ratios = [r for r in report.ratios if r.median is not None]
    panels: list[tuple[str, list[str], list[float], list[float], list[float]]] = []
    for s in sections:
        figs = [f for f in shown if f.section == s]
        panels.append(
            (
                s,
                [f.label for f in figs],
                [f.median for f in figs],
                [f.q1 for f in figs],
                [f.q3 for f in figs],
            )
        )
    if ratios:
        panels.append(
            (
                "Ratios (row ÷ compared with)",
                [f"{r.subject} ÷ {r.against}" for r in ratios],
                [r.median or 0.0 for r in ratios],
                [r.low if r.low is not None else r.median or 0.0 for r in ratios],
                [r.high if r.high is not None else r.median or 0.0 for r in ratios],
            )
        )
    if not panels:
        panels.append(("no benchmarks", [], [], [], []))
    heights = [max(1.2, 0.32 * len(p[1]) + 0.8) for p in panels]
    fig, axes = plt.subplots(
        len(panels),
        1,
        figsize=(11, sum(heights)),
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    for ax, (title, labels, med, lo, hi) in zip(axes[:, 0], panels, strict=True):
        ys = list(range(len(labels)))
        err = [
            [max(m - low, 0.0) for m, low in zip(med, lo, strict=True)],
            [max(high - m, 0.0) for m, high in zip(med, hi, strict=True)],
        ]
        ax.barh(ys, med, xerr=err if labels else None, color="#4c72b0", capsize=3)
        ax.set_yticks(ys, labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_title(title, fontsize=9, loc="left")
        if labels and min(med) > 0:
            ax.set_xscale("log")
        if title.startswith("Ratios"):
            ax.axvline(1.0, color="black", linewidth=0.8)
            ax.set_xlabel("ratio", fontsize=8)
        else:
            ax.set_xlabel("seconds per item (median, whiskers q1-q3)", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
