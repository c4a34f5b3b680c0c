"""``vouchsafe compare``: run one scenario through the detection modes over several seeds, model
it at population scale, optionally sweep a parameter, and write a report.

Writes ``out/compare/<scenario>/report.html`` (self-contained, charts embedded) and
``report.json`` next to it. Runs on the embedded defaults: ``scenarios/baseline.yaml`` and the
shared benign corpus. Progress bars go to stderr only when it is a terminal (``--no-progress``
turns them off anyway).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

NAME = "compare"
HELP = "compare detection modes (the expert-process options) on one scenario; HTML + JSON report"


def configure(parser: argparse.ArgumentParser) -> None:
    """--scenario, --modes, --seeds, --sweep, --corpus, --out, --no-progress."""
    parser.add_argument(
        "--scenario",
        type=Path,
        default=None,
        help="scenario YAML (default: scenarios/baseline.yaml; others in scenarios/)",
    )
    parser.add_argument(
        "--modes",
        nargs="+",
        default=None,
        metavar="MODE",
        help="modes to run, in order (default: all)",
    )
    parser.add_argument(
        "--seeds",
        type=int,
        default=None,
        metavar="N",
        help="independent runs of the scenario (seeds scenario.seed .. +N-1; default 5)",
    )
    parser.add_argument(
        "--sweep",
        default=None,
        metavar="NAME=V1,V2,...",
        help="also run at each value of threshold, synthetic_rate or candidates "
        "(e.g. threshold=10,20,30) and draw the trade-off curves",
    )
    parser.add_argument(
        "--corpus", type=Path, default=None, help="benign image folder (default: ../shared/corpus)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("out/compare"), help="output folder (default: out/compare)"
    )
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bars (they are off anyway when stderr is not a terminal)",
    )


class _Bars:
    """One tqdm bar per stage, or nothing when progress is off."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bars: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = tqdm(total=total, desc=stage, unit="run", file=sys.stderr)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()


def run(args: argparse.Namespace) -> int:
    """Builds the populations, runs every mode on each, writes the report; returns 0."""
    from vouchsafe.cli import UsageError
    from vouchsafe.compare.conclusions import pct
    from vouchsafe.compare.modes import MODE_NAMES
    from vouchsafe.compare.report import write_report
    from vouchsafe.compare.scenario import DEFAULT_SCENARIO, load_scenario
    from vouchsafe.compare.signals import PdqSignals
    from vouchsafe.compare.study import DEFAULT_SEEDS, parse_sweep, run_study
    from vouchsafe.corpus import default_corpus_dir

    names = list(args.modes or MODE_NAMES)
    unknown = [n for n in names if n not in MODE_NAMES]
    if unknown:
        raise UsageError(f"unknown mode(s) {', '.join(unknown)}; known: {', '.join(MODE_NAMES)}")
    seeds = DEFAULT_SEEDS if args.seeds is None else args.seeds
    if seeds < 1:
        raise UsageError("--seeds must be at least 1")
    sweep = parse_sweep(args.sweep) if args.sweep else None
    scenario = load_scenario(args.scenario or DEFAULT_SCENARIO)
    signals = PdqSignals()
    crafter = None
    if any(g.colliding_items for g in scenario.groups):
        from vouchsafe.compare.collide import make_crafter

        crafter = make_crafter(signals, scenario)
    print(
        f"scenario {scenario.name}: {scenario.population} users, hash set "
        f"{scenario.hash_set_size}, {seeds} seeds"
        + (
            f", sweep {sweep.parameter} = {', '.join(f'{v:g}' for v in sweep.values)}"
            if sweep
            else ""
        )
    )
    progress = _Bars(enabled=not args.no_progress and sys.stderr.isatty())
    study = run_study(
        scenario,
        args.corpus or default_corpus_dir(),
        signals,
        names,
        seeds=seeds,
        sweep=sweep,
        crafter=crafter,
        progress=progress,
    )
    path = write_report(study, args.out / scenario.name)
    for name, s in study.replicates.modes.items():
        if not s.available:
            print(f"  {name:17s} not run: {s.reason}")
            continue
        model = study.models.get(name)
        flags = "n/a" if model is None else f"{model.false_flags_per_million.value:,.1f}"
        print(
            f"  {name:17s} known photos matched {pct(s.detection_estimate):32s} "
            f"false flags/M/yr (model) {flags}"
        )
    print(f"{len(study.replicates.seeds)} seeds in {study.seconds:.0f} s; report: {path}")
    return 0
