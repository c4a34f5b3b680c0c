"""A whole comparison: a scenario over several seeds, the population model, optional sweeps.

Populations are built once per seed (the images and their hashes are the slow part) and reused
for every mode and every sweep value: a threshold or synthetic-rate value changes only the
scenario the modes are given; a candidate budget keeps each item's first ``b`` PSI candidates
(the scheme's best-first order). Seeds are ``scenario.seed, scenario.seed + 1, ...``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from vouchsafe.compare.modes import make_mode
from vouchsafe.compare.population import Crafter, Population, build_population
from vouchsafe.compare.population_model import DAYS_PER_YEAR, ModelResult, ModelSpec, run_model
from vouchsafe.compare.replicates import Replicates, add_seed
from vouchsafe.compare.run import run_all
from vouchsafe.compare.scenario import Scenario, ScenarioError
from vouchsafe.compare.signals import Signals

SWEEPABLE = {
    "threshold": "match threshold t",
    "synthetic_rate": "synthetic voucher rate",
    "candidates": "PSI candidates per item (budget)",
}
DEFAULT_SEEDS = 5
# Modes that run on a sample of the items (``max_items``: multi_party, he_match) take minutes per
# seed; they run on this many seeds, the others on every seed.
SAMPLED_MODE_SEEDS = 1

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Sweep:
    """One parameter and the values it takes."""

    parameter: str
    values: tuple[float, ...]


def parse_sweep(text: str) -> Sweep:
    """``threshold=10,20,30`` into a :class:`Sweep`; ScenarioError when malformed."""
    name, _, raw = text.partition("=")
    name = name.strip().replace("-", "_")
    if name not in SWEEPABLE or not raw:
        raise ScenarioError(
            f"--sweep takes NAME=V1,V2,... with NAME one of {', '.join(SWEEPABLE)}", field="sweep"
        )
    try:
        values = tuple(float(v) for v in raw.split(","))
    except ValueError:
        raise ScenarioError(f"--sweep {name}: values must be numbers", field="sweep") from None
    if name in ("threshold", "candidates") and any(v < 1 or v != int(v) for v in values):
        raise ScenarioError(f"--sweep {name}: values must be whole numbers >= 1", field="sweep")
    if name == "synthetic_rate" and any(not 0 <= v <= 1 for v in values):
        raise ScenarioError("--sweep synthetic_rate: values must be in [0, 1]", field="sweep")
    return Sweep(name, values)


def vary(population: Population, parameter: str, value: float) -> Population:
    """``population`` with one parameter changed (see the module docstring)."""
    scenario = population.scenario
    if parameter == "threshold":
        return replace(population, scenario=replace(scenario, threshold=int(value)))
    if parameter == "synthetic_rate":
        return replace(population, scenario=replace(scenario, synthetic_rate=float(value)))
    if parameter == "candidates":
        budget = int(value)
        items = tuple(replace(i, candidates=i.candidates[:budget]) for i in population.items)
        return replace(population, items=items)
    raise ValueError(f"unknown sweep parameter {parameter}")


def model_spec(scenario: Scenario, threshold: int | None = None) -> ModelSpec:
    """The population model's spec from the scenario's ``model:`` block (defaults: the mean
    volume of the scenario's users over a year; a re-sharer's known items as in the scenario)."""
    m = scenario.model
    volume = m.items_per_account
    if volume is None:
        total = sum(g.count * g.images_per_day for g in scenario.groups)
        volume = DAYS_PER_YEAR * total / scenario.population
    known = m.known_items_per_sharer
    if known is None:
        sharers = [g for g in scenario.groups if g.known_share or g.known_items_sent]
        per = [
            g.known_items_sent
            if g.known_items_sent is not None
            else g.known_share * g.images_per_day * scenario.duration_days
            for g in sharers
        ]
        known = sum(per) / len(per) if per else 0.0
    return ModelSpec(
        accounts=m.accounts,
        prevalence=m.prevalence,
        items_per_account=volume,
        known_items_per_sharer=known,
        known_items_fixed=m.known_items_fixed,
        threshold=threshold or scenario.threshold,
        seed=scenario.seed,
    )


def models_for(replicates: Replicates, spec: ModelSpec) -> dict[str, ModelResult]:
    """The population model for every detecting mode that ran on known photos (``none`` finds
    nothing by construction; a scenario without known photos measured no detection rate, so
    there is nothing to scale)."""
    return {
        name: run_model(spec, name, s.detection_by_transform, s.false_match, s.detection_scale)
        for name, s in replicates.modes.items()
        if s.available and s.runs and name != "none" and s.detection.trials
    }


@dataclass
class SweepPoint:
    """The replicated runs and the model at one sweep value."""

    value: float
    replicates: Replicates
    models: dict[str, ModelResult]


@dataclass
class Study:
    """Everything a comparison report shows."""

    scenario: Scenario
    replicates: Replicates
    spec: ModelSpec
    models: dict[str, ModelResult]
    first_population: Population
    sweep: Sweep | None = None
    sweep_points: list[SweepPoint] = field(default_factory=list)
    seconds: float = 0.0
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)
    cpus: int = 1


def _replicate(
    populations: Sequence[Population],
    signals: Signals,
    names: Sequence[str],
    settings: dict[str, float],
    on_run: Callable[[str], None] | None,
) -> Replicates:
    first = populations[0]
    replicates = Replicates(
        scenario_name=first.scenario.name,
        seeds=[p.scenario.seed for p in populations],
        modes={},
        items_per_seed=[],
        accounts_per_seed=[],
        candidate_scheme=first.candidate_scheme,
        settings=dict(settings),
    )
    sampled = {n for n in names if is_sampled(n, signals)}
    for index, population in enumerate(populations):
        chosen = [n for n in names if index < SAMPLED_MODE_SEEDS or n not in sampled]
        results = run_all(population, signals, chosen, on_mode=on_run)
        add_seed(replicates, population, results)
    return replicates


def is_sampled(name: str, signals: Signals) -> bool:
    """Whether the mode runs on a sample of the items (and so on fewer seeds)."""
    mode = make_mode(name, signals)
    return getattr(mode, "max_items", None) is not None


def study_populations(
    populations: Sequence[Population],
    signals: Signals,
    names: Sequence[str],
    *,
    sweep: Sweep | None = None,
    progress: Progress | None = None,
) -> Study:
    """Runs ``names`` on every population (and at each sweep value) and the population model;
    the populations are one scenario's seeds, the first one's scenario is the study's."""
    tell = progress or (lambda _stage, _done, _total: None)
    scenario = populations[0].scenario
    values = list(sweep.values) if sweep else []
    sampled = sum(is_sampled(n, signals) for n in names)
    runs_per_value = len(populations) * len(names) - sampled * max(
        0, len(populations) - SAMPLED_MODE_SEEDS
    )
    total = runs_per_value * (1 + len(values))
    done = [0]

    def on_run(_name: str) -> None:
        tell("mode runs", done[0], total)
        done[0] += 1

    settings = {"threshold": scenario.threshold, "synthetic_rate": scenario.synthetic_rate}
    replicates = _replicate(populations, signals, names, settings, on_run)
    spec = model_spec(scenario)
    study = Study(scenario, replicates, spec, models_for(replicates, spec), populations[0])
    if sweep is not None:
        study.sweep = sweep
        for value in values:
            varied = [vary(p, sweep.parameter, value) for p in populations]
            point = _replicate(varied, signals, names, settings | {sweep.parameter: value}, on_run)
            threshold = int(value) if sweep.parameter == "threshold" else None
            point_spec = model_spec(scenario, threshold)
            study.sweep_points.append(SweepPoint(value, point, models_for(point, point_spec)))
    tell("mode runs", total, total)
    return study


def run_study(
    scenario: Scenario,
    corpus_dir: Path,
    signals: Signals,
    names: Sequence[str],
    *,
    seeds: int = DEFAULT_SEEDS,
    sweep: Sweep | None = None,
    crafter: Crafter | None = None,
    progress: Progress | None = None,
) -> Study:
    """Builds ``seeds`` populations, runs ``names`` on each (and at each sweep value), and runs
    the population model; ``progress(stage, done, total)`` is told as it goes."""
    if seeds < 1:
        raise ScenarioError("at least one seed is needed", field="seeds")
    start = time.monotonic()
    tell = progress or (lambda _stage, _done, _total: None)
    populations = []
    for index in range(seeds):
        tell("populations", index, seeds)
        seeded = replace(scenario, seed=scenario.seed + index)
        populations.append(build_population(seeded, corpus_dir, signals, crafter))
    tell("populations", seeds, seeds)
    study = study_populations(populations, signals, names, sweep=sweep, progress=tell)
    study.seconds = time.monotonic() - start
    study.load_average = os.getloadavg()
    study.cpus = os.cpu_count() or 1
    return study
