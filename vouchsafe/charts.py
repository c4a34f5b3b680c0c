"""Matplotlib figures into the shared pages' :class:`~vouchsafe.server.web.Chart`.

The axis titles a page shows (and its browser test checks) are read from the figure's own axes,
so a chart that has none is caught rather than described.
"""

from __future__ import annotations

import io
from typing import Any

from vouchsafe.server.web import Chart

DPI = 100
INK = "#1f2328"
PALETTE = ("#0b5cad", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6cab", "#5c5c5c")


def pyplot() -> Any:
    """``matplotlib.pyplot`` on the non-interactive backend, with the reports' defaults."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.size": 10,
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.fontsize": 9,
            "legend.frameon": False,
        }
    )
    return plt


def to_chart(figure: Any, title: str, alt: str, caption: str) -> Chart:
    """Renders ``figure`` to PNG (then closes it) with its first axes' labels."""
    axes = figure.axes[0]
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    pyplot().close(figure)
    return Chart(
        title=title,
        png=buffer.getvalue(),
        alt=alt,
        caption=caption,
        x_label=axes.get_xlabel(),
        y_label=axes.get_ylabel(),
    )
