"""The comparison report's charts: units on every axis, zeros written as zeros, legends
outside the bars, one caption each saying what to look at."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from vouchsafe.charts import INK, PALETTE, pyplot, to_chart
from vouchsafe.compare.glossary import short_name
from vouchsafe.compare.population_model import ModelResult
from vouchsafe.compare.replicates import Counts, ModeSummary
from vouchsafe.compare.stats import Estimate
from vouchsafe.compare.study import SWEEPABLE, Study
from vouchsafe.server.web import Chart


def _ran(study: Study) -> list[ModeSummary]:
    return [s for s in study.replicates.modes.values() if s.available and s.runs]


def _pct_bars(
    ax: Any,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Estimate | None], str]],
    zero_note: str = "0%",
) -> None:
    """Horizontal % bars with 95% whiskers; a zero is written as text, "n/a" where unmeasured."""
    n = len(series)
    height = 0.8 / n
    y = np.arange(len(labels))
    for index, (label, values, colour) in enumerate(series):
        offset = (index - (n - 1) / 2) * height
        for row, est in enumerate(values):
            pos = y[row] + offset
            if est is None:
                ax.text(1, pos, "n/a (nothing to measure)", va="center", fontsize=8, color=INK)
                continue
            ax.barh(
                pos,
                100 * est.value,
                height * 0.9,
                color=colour,
                label=label,
            )
            ax.errorbar(
                100 * est.value,
                pos,
                xerr=[
                    [100 * (est.value - est.low)],
                    [100 * (est.high - est.value)],
                ],
                fmt="none",
                ecolor=INK,
                capsize=2,
                lw=1,
            )
            text = f"{100 * est.value:.0f}% ({100 * est.low:.0f}-{100 * est.high:.0f}%)"
            if est.value == 0:
                text = f"{zero_note} (0-{100 * est.high:.0f}%)"
            ax.text(100 * est.high + 1.5, pos, text, va="center", fontsize=8, color=INK)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 135)
    ax.set_xticks([0, 20, 40, 60, 80, 100])


def _legend_below(ax: Any) -> None:
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.legend(
        unique.values(),
        unique.keys(),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncols=max(1, len(unique)),
    )


def detection_chart(study: Study, intended_zero: bool) -> Chart | None:
    """Per known photo: the share that counts as a match, and the share the provider learned
    of, with 95% intervals; None when the scenario sent no known photo."""
    ran = _ran(study)
    if not any(s.detection.trials for s in ran):
        return None
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8.5, 0.7 * len(ran) + 1.8))
    _pct_bars(
        ax,
        [short_name(s.name) for s in ran],
        [
            (
                "counts as a match (once past the threshold)",
                [s.detection_estimate for s in ran],
                PALETTE[0],
            ),
            ("the provider learned of it", [s.item_recall.estimate for s in ran], PALETTE[1]),
        ],
    )
    ax.set_xlabel("known photos (% of known photos sent; whiskers: 95% interval)")
    ax.set_ylabel("detection mode")
    _legend_below(ax)
    note = (
        " Here nobody reaches the threshold, so 0% learned is the intended outcome for a "
        "threshold design (see the box at the top)."
        if intended_zero
        else ""
    )
    return to_chart(
        fig,
        "How often a re-shared known photo is recognised",
        "bar chart of the share of known photos matched and learned of per mode, with 95% "
        "intervals",
        "Longer blue is better detection; modes whose whiskers overlap cannot be told apart on "
        "these runs. Red is what the provider actually learned." + note,
    )


def accounts_chart(study: Study) -> Chart:
    """Accounts flagged: those that sent at least t known items, and all the others."""
    plt = pyplot()
    ran = _ran(study)
    series: list[tuple[str, Sequence[Estimate | None], str]] = [
        (
            "accounts with >= t known items flagged",
            [s.account_recall.estimate for s in ran],
            PALETTE[0],
        ),
        ("other accounts flagged (false flags)", [s.false_flags.estimate for s in ran], PALETTE[1]),
    ]
    if any(s.colliding_matched.trials for s in ran):
        series.append(
            ("crafted collisions matched", [s.colliding_matched.estimate for s in ran], PALETTE[2])
        )
    offenders = any(e is not None for e in series[0][1])
    if not offenders:
        series = series[1:]
    fig, ax = plt.subplots(figsize=(8.5, 0.55 * len(ran) * len(series) / 2 + 1.8))
    _pct_bars(ax, [short_name(s.name) for s in ran], series)
    ax.set_xlabel("% of the accounts (or crafted images) of each kind, pooled over seeds")
    ax.set_ylabel("detection mode")
    _legend_below(ax)
    return to_chart(
        fig,
        "Which accounts were flagged in the real runs",
        "bar chart of the share of offending and of other accounts flagged per mode",
        (
            "Blue should be long and red absent. 'n/a' means no account of that kind existed "
            "in this scenario, so there is nothing to measure, not a zero."
            if offenders
            else "Nobody here sent t known photos, so every flag is a false flag: red should be "
            "absent."
        ),
    )


def model_chart(study: Study) -> Chart:
    """The model: account recall against false flags per million accounts per year."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    for index, (name, m) in enumerate(study.models.items()):
        r, f = m.account_recall, m.false_flags_per_million
        ax.errorbar(
            f.value, 100 * r.value,
            xerr=[[f.value - f.low], [f.high - f.value]],
            yerr=[[100 * (r.value - r.low)], [100 * (r.high - r.value)]],
            fmt="o", color=PALETTE[index % len(PALETTE)], capsize=3, label=short_name(name),
        )  # fmt: skip
    ax.set_xscale("symlog", linthresh=1)
    widest = max([1.0, *(m.false_flags_per_million.high for m in study.models.values())])
    ax.set_xlim(0, widest * 2)
    ax.set_ylim(-3, 103)
    ax.set_xlabel("false flags per million accounts per year (symmetric log scale; 0 at the left)")
    ax.set_ylabel("account recall (% of offenders flagged)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    return to_chart(
        fig,
        "Population model: offenders found against innocent accounts flagged",
        "scatter of modelled account recall against false flags per million accounts",
        "Top left is best. Whiskers are 95% intervals from the measured per-item rates; a wide "
        "horizontal whisker means the real runs were too small to pin the false-match rate down.",
    )


def cost_chart(study: Study, kind: str) -> Chart:
    """Bytes (``kind='bytes'``) or CPU milliseconds (``'cpu'``) per item, log scale, zeros
    written as text."""
    plt = pyplot()
    ran = _ran(study)
    if kind == "bytes":
        series = [
            ("sent by the phone", [s.mean(lambda r: r.bytes_up_per_item) for s in ran]),
            ("received by the phone", [s.mean(lambda r: r.bytes_down_per_item) for s in ran]),
        ]
        unit, xlabel = "B", "bytes per photo for detection (log scale; delivery itself excluded)"
        title = "Network traffic for detection, per photo"
        caption = "Shorter is cheaper. Zero means the mode sends nothing for detection."
    else:
        series = [
            ("phone", [s.mean(lambda r: r.client_cpu_ms_per_item) for s in ran]),
            ("servers", [s.mean(lambda r: r.server_cpu_ms_per_item) for s in ran]),
        ]
        unit, xlabel = "ms", "CPU milliseconds per photo (log scale; measured in these runs)"
        title = "Computing time per photo"
        caption = "Shorter is cheaper; the phone's time includes computing the fingerprint."
    fig, ax = plt.subplots(figsize=(8.5, 0.5 * len(ran) + 1.8))
    y = np.arange(len(ran))
    positive = [e.value for _l, values in series for e in values if e is not None and e.value > 0]
    floor = min(positive) / 3 if positive else 0.1
    for index, (label, values) in enumerate(series):
        pos = y + (index - 0.5) * 0.4
        for row, est in enumerate(values):
            value = 0.0 if est is None else est.value
            if value <= 0:
                ax.text(floor * 1.1, pos[row], f"0 {unit}", va="center", fontsize=8, color=INK)
                continue
            ax.barh(pos[row], value - floor, 0.36, left=floor, color=PALETTE[index],
                    label=label)  # fmt: skip
            ax.text(value * 1.15, pos[row], f"{value:,.1f} {unit}", va="center", fontsize=8)
    ax.set_xscale("log")
    ax.set_xlim(floor, (max(positive) if positive else 1) * 12)
    ax.set_yticks(y, [short_name(s.name) for s in ran])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_ylabel("detection mode")
    _legend_below(ax)
    return to_chart(fig, title, f"bar chart of {xlabel}", caption)


def leakage_heatmap(study: Study) -> Chart:
    """Share of items each party knows something about, labels readable on every cell."""
    plt = pyplot()
    ran = _ran(study)
    leak: list[dict[str, Counts]] = [s.leakage_by_party() for s in ran]
    parties = sorted({p for row in leak for p in row})
    grid = np.zeros((len(ran), max(1, len(parties))))
    for r, row in enumerate(leak):
        for c, party in enumerate(parties):
            counts = row.get(party)
            if counts is not None and counts.trials:
                grid[r, c] = counts.successes / counts.trials
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * len(ran) + 1.8))
    image = ax.imshow(100 * grid, cmap="Reds", vmin=0, vmax=100, aspect="auto")
    ax.set_yticks(range(len(ran)), [short_name(s.name) for s in ran])
    ax.set_xticks(range(len(parties)), [p.replace("_", " ") for p in parties])
    for r in range(len(ran)):
        for c in range(len(parties)):
            share = 100 * grid[r, c]
            ax.text(c, r, f"{share:.0f}%", ha="center", va="center", fontsize=9,
                    color="white" if share > 55 else INK)  # fmt: skip
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label("% of photos")
    ax.set_xlabel("party (who holds the information)")
    ax.set_ylabel("detection mode")
    return to_chart(
        fig,
        "Who learns something about each photo",
        "heat map of the share of photos each party holds a fingerprint, the photo or a "
        "match result for",
        "Darker is more exposure: the share of all photos for which that party ended up with "
        "the photo itself, its full fingerprint, or whether it matched.",
    )


def sweep_charts(study: Study) -> list[Chart]:
    """Trade-off curves over the sweep: model recall against model false flags, and against
    the leakage measured in the runs."""
    if study.sweep is None or not study.sweep_points:
        return []
    plt = pyplot()
    label = SWEEPABLE[study.sweep.parameter]
    names = [n for n in study.models if all(n in p.models for p in study.sweep_points)]
    out = []
    for axis in ("false flags", "leakage"):
        fig, ax = plt.subplots(figsize=(8.5, 4.2))
        widest = 1.0
        for index, name in enumerate(names):
            colour = PALETTE[index % len(PALETTE)]
            xs, ys, lows, highs = [], [], [], []
            for point in study.sweep_points:
                model: ModelResult = point.models[name]
                if axis == "false flags":
                    f = model.false_flags_per_million
                    xs.append(f.value)
                    lows.append(f.value - f.low)
                    highs.append(f.high - f.value)
                    widest = max(widest, f.high)
                else:
                    leaked = point.replicates.modes[name].leaked_items.estimate
                    xs.append(100 * leaked.value if leaked else 0.0)
                    lows.append(0.0)
                    highs.append(0.0)
                ys.append(100 * model.account_recall.value)
            ax.plot(xs, ys, "o-", color=colour, label=short_name(name))
            if axis == "false flags":
                ax.errorbar(xs, ys, xerr=[lows, highs], fmt="none", ecolor=colour, capsize=3,
                            alpha=0.6)  # fmt: skip
            for x, y, point in zip(xs, ys, study.sweep_points, strict=True):
                ax.annotate(f"{point.value:g}", (x, y), textcoords="offset points",
                            xytext=(4, 4), fontsize=7)  # fmt: skip
        if axis == "false flags":
            ax.set_xscale("symlog", linthresh=1)
            ax.set_xlim(0, widest * 2)
            ax.set_xlabel(
                "false flags per million accounts per year (model; symmetric log; whiskers: 95%)"
            )
        else:
            ax.set_xlim(-3, 103)
            ax.set_xlabel("photos the most-informed other party learns about (% of photos, runs)")
        ax.set_ylim(-3, 103)
        ax.set_ylabel("account recall (% of offenders flagged, model)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
        out.append(
            to_chart(
                fig,
                f"Trade-off as the {label} changes: recall against {axis}",
                f"line chart of account recall against {axis} for each {label} value",
                f"Each point is one {label} value (written next to it); up and to the left is "
                "better.",
            )
        )
    return out
