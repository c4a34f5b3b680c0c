"""``vouchsafe bench report``: the readable benchmark report (Markdown table and PNG plot) from
the JSON that ``make bench`` (pytest-benchmark) writes."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "bench"
HELP = "turn make bench's JSON into a Markdown table and a PNG plot with ratios"

DEFAULT_JSON = Path("out/bench/benchmarks.json")


def configure(parser: argparse.ArgumentParser) -> None:
    """``report`` is the one action; input defaults to make bench's output."""
    parser.add_argument("action", choices=("report",), help="report: write BENCHMARKS.md and .png")
    parser.add_argument(
        "--json", type=Path, default=DEFAULT_JSON, help=f"pytest-benchmark JSON ({DEFAULT_JSON})"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: the JSON's folder)"
    )


def run(args: argparse.Namespace) -> int:
    """Writes ``benchmarks.md`` and ``benchmarks.png`` and prints where."""
    from vouchsafe.benchrender import render_markdown, render_plot
    from vouchsafe.benchreport import ReportError, load_report
    from vouchsafe.cli import UsageError

    json_path: Path = args.json
    if not json_path.is_file():
        raise UsageError(f"{json_path} not found: run `make bench` first (or pass --json)")
    out: Path = args.out or json_path.parent
    out.mkdir(parents=True, exist_ok=True)
    try:
        report = load_report(json_path)
    except ReportError as exc:
        raise UsageError(str(exc)) from exc
    md, png = out / "benchmarks.md", out / "benchmarks.png"
    md.write_text(render_markdown(report), encoding="utf-8")
    render_plot(report, png)
    print(
        f"wrote {md} and {png} ({len(report.figures)} figures, {len(report.ratios)} ratios, "
        f"{len(report.not_run)} rows not run)"
    )
    return 0
