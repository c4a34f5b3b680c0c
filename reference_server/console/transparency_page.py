"""The public transparency page: the figures per period with charts, the latest signed
checkpoint, and how anyone can verify it. No sign-in; nothing on it names an account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vouchsafe.server.console.web import Console
from vouchsafe.server.pipeline.transparency import FIGURES, transparency_figures

PERIOD_MS = 30 * 86_400_000
PERIODS = 6
# The figures charted per period (the table lists them all).
CHARTED = (
    ("accounts_past_threshold", "Accounts past the match threshold"),
    ("reports_delivered", "Reports delivered to the authority"),
    ("appeals_upheld", "Appeals upheld"),
)
CHART_WIDTH = 560
CHART_HEIGHT = 180
CHART_LEFT = 48
CHART_BOTTOM = 28


@dataclass(frozen=True)
class Bar:
    """One bar of a chart, in SVG user units."""

    x: float
    y: float
    width: float
    height: float
    value: int
    label: str


@dataclass(frozen=True)
class Chart:
    """A bar chart of one figure over the periods, ready for the SVG template."""

    title: str
    bars: tuple[Bar, ...]
    y_max: int
    y_ticks: tuple[tuple[float, int], ...]


def bar_chart(title: str, series: list[tuple[str, int]]) -> Chart:
    """Bars for ``series`` (label, count); the axis starts at 0, so a zero draws no bar."""
    top = max([v for _, v in series] + [1])
    y_max = top if top <= 5 else -(-top // 5) * 5
    plot_h = CHART_HEIGHT - CHART_BOTTOM - 10
    step = (CHART_WIDTH - CHART_LEFT - 10) / max(len(series), 1)
    bars = tuple(
        Bar(
            CHART_LEFT + i * step + step * 0.15,
            10 + plot_h * (1 - value / y_max),
            step * 0.7,
            plot_h * value / y_max,
            value,
            label,
        )
        for i, (label, value) in enumerate(series)
    )
    ticks = tuple((10 + plot_h * (1 - t / y_max), t) for t in sorted({0, y_max // 2, y_max}))
    return Chart(title, bars, y_max, ticks)


def page_context(console: Console) -> dict[str, Any]:
    """Everything the page shows: the current period's figures, the per-period charts."""
    ctx = console.ctx
    now = ctx.clock() + 1
    periods = []
    for k in reversed(range(PERIODS)):
        to_ms = now - k * PERIOD_MS
        periods.append(transparency_figures(ctx, to_ms - PERIOD_MS, to_ms))
    current = periods[-1]

    def label(report: dict[str, object]) -> str:
        period = report["period"]
        assert isinstance(period, dict)
        return datetime.fromtimestamp(period["to_ms"] / 1000, tz=UTC).strftime("%d %b")

    charts = []
    for name, title in CHARTED:
        series = []
        for report in periods:
            figures = report["figures"]
            assert isinstance(figures, dict)
            series.append((label(report), int(figures.get(name, 0))))
        charts.append(bar_chart(title, series))
    return {
        "current": current,
        "labels": {name: text for name, _, text in FIGURES},
        "charts": charts,
        "period_days": PERIOD_MS // 86_400_000,
        "periods": PERIODS,
        "chart": {"width": CHART_WIDTH, "height": CHART_HEIGHT, "left": CHART_LEFT},
    }


def routes(console: Console) -> list[Route]:
    async def transparency(request: Request) -> Response:
        context = await run_in_threadpool(page_context, console)
        return console.render("transparency.html", 200, staff=None, **context)

    return [Route("/transparency", transparency, methods=["GET"])]
