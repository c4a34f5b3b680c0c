"""``vouchsafe compare``: run one scenario through the detection modes, write a report.

Writes ``out/compare/<scenario>/report.html`` (self-contained, plots embedded) and
``report.json`` next to it. Runs on the embedded defaults: ``scenarios/baseline.yaml`` and the
shared benign corpus.
"""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "compare"
HELP = "compare detection modes (the expert-process options) on one scenario; HTML + JSON report"


def configure(parser: argparse.ArgumentParser) -> None:
    """--scenario, --modes, --corpus, --out."""
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
        "--corpus", type=Path, default=None, help="benign image folder (default: ../shared/corpus)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("out/compare"), help="output folder (default: out/compare)"
    )


def run(args: argparse.Namespace) -> int:
    """Builds the population, runs every mode, writes the report; returns 0."""
    from tqdm import tqdm

    from vouchsafe.cli import UsageError
    from vouchsafe.compare.modes import MODE_NAMES
    from vouchsafe.compare.population import build_population
    from vouchsafe.compare.report import write_report
    from vouchsafe.compare.run import run_all
    from vouchsafe.compare.scenario import DEFAULT_SCENARIO, load_scenario
    from vouchsafe.compare.signals import PdqSignals
    from vouchsafe.corpus import default_corpus_dir

    names = list(args.modes or MODE_NAMES)
    unknown = [n for n in names if n not in MODE_NAMES]
    if unknown:
        raise UsageError(f"unknown mode(s) {', '.join(unknown)}; known: {', '.join(MODE_NAMES)}")
    scenario = load_scenario(args.scenario or DEFAULT_SCENARIO)
    signals = PdqSignals()
    crafter = None
    if any(g.colliding_items for g in scenario.groups):
        from vouchsafe.compare.collide import make_crafter

        crafter = make_crafter(signals, scenario)
    print(
        f"scenario {scenario.name}: {scenario.population} users, hash set {scenario.hash_set_size}"
    )
    population = build_population(
        scenario,
        args.corpus or default_corpus_dir(),
        signals,
        crafter,
        progress=lambda it, total: iter(tqdm(it, total=total, desc="media items", unit="item")),
    )
    bar = tqdm(total=len(names), desc="modes", unit="mode")

    def on_mode(name: str) -> None:
        bar.set_postfix_str(f"running {name}")
        bar.refresh()

    def done(_name: str) -> None:
        bar.update(1)

    results = run_all(population, signals, names, on_mode, done)
    bar.close()
    path = write_report(population, results, args.out / scenario.name)
    for r in results:
        if r.available:
            recall = "n/a" if r.item_recall is None else f"{100 * r.item_recall:.0f}%"
            print(
                f"  {r.name:17s} recall {recall:>4s}  false flags {len(r.false_flag_accounts)}  "
                f"up {r.bytes_up_per_item:8.0f} B  device {r.client_cpu_ms_per_item:7.1f} ms  "
                f"servers {r.server_cpu_ms_per_item:7.1f} ms"
            )
        else:
            print(f"  {r.name:17s} not run: {r.reason}")
    print(f"report: {path}")
    return 0
