"""Turns pytest-benchmark's JSON into the readable benchmark report: a Markdown table with each
figure's median and spread, and every comparison as a ratio of figures measured in the same run.

Benchmarks describe themselves through ``benchmark.extra_info`` (set by
``tests/benchmarks/rows.py``):

- ``key``: a short stable id other rows refer to (default: the test name);
- ``section`` and ``label``: where and how the row is shown;
- ``unit`` and ``per_call``: one call processes ``per_call`` items of ``unit`` (per-item time =
  time per call / per_call);
- ``compare``: a list of ``{"name", "to"}``; ``to`` is a key, or a mapping key -> count whose
  weighted sum of per-item medians is the comparison figure (a *floor*: the sum of the primitive
  operations a step needs). With ``"metric"`` the ratio is between two metrics instead of times
  (``"to_metric"`` names the other side's metric, default the same name);
- a ``compare`` entry may instead carry ``"ratio": {"median", "q1", "q3"}``, computed by the
  benchmark itself from paired rounds (target and reference timed alternately in one test, so
  that load on a shared machine hits both alike); its range is then the interquartile range of
  the per-round ratios;
- ``timing``: false when the row's own time says nothing (a fixed-length load test): the row
  then shows only its metrics and ratios;
- ``metrics``: figures that are not times (peak memory, bytes per entry, requests/s), each
  ``{"value", "unit"}`` with optional ``"q1"``/``"q3"`` for the spread.

Rows that could not run (an optional anchor not installed, a module not landed yet) arrive under
the top-level ``vouchsafe.not_run`` list and are shown with their reason instead of a number. The
report never drops a row silently: a ratio whose other side is missing says so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

UNSECTIONED = "Other"


@dataclass(frozen=True)
class Figure:
    """One timed row: per-item median and quartiles in seconds, from pytest-benchmark stats."""

    key: str
    section: str
    label: str
    unit: str
    median: float
    q1: float
    q3: float
    rounds: int
    note: str = ""
    shown: bool = True

    @property
    def rate(self) -> float:
        """Items per second at the median."""
        return 1.0 / self.median if self.median > 0 else float("inf")


@dataclass(frozen=True)
class Metric:
    """A measured figure that is not a time (memory, size, throughput); q1/q3 when known."""

    key: str
    section: str
    label: str
    name: str
    value: float
    unit: str
    q1: float | None = None
    q3: float | None = None


@dataclass(frozen=True)
class Ratio:
    """``subject / against`` at the medians, with the widest range the quartiles allow.

    ``median`` is None when the other side was not measured; ``missing`` then says which.
    """

    section: str
    subject: str
    against: str
    median: float | None
    low: float | None = None
    high: float | None = None
    missing: str = ""
    paired: bool = False


@dataclass(frozen=True)
class NotRun:
    """A row that has no figure in this run, and why (e.g. ``not installed: pdqhash``)."""

    section: str
    label: str
    status: str


@dataclass(frozen=True)
class Report:
    """Everything the Markdown table and the plot show, in section order."""

    figures: tuple[Figure, ...]
    metrics: tuple[Metric, ...]
    ratios: tuple[Ratio, ...]
    not_run: tuple[NotRun, ...]
    machine: Mapping[str, str] = field(default_factory=dict)

    def sections(self) -> list[str]:
        """Section names in first-appearance order across all row kinds, sorted by their text."""
        names = [f.section for f in self.figures] + [m.section for m in self.metrics]
        names += [r.section for r in self.ratios] + [n.section for n in self.not_run]
        return sorted(dict.fromkeys(names))


class ReportError(ValueError):
    """The benchmark JSON is not what pytest-benchmark writes, or a row describes itself wrongly."""


def _info(bench: Mapping[str, Any]) -> dict[str, Any]:
    info = bench.get("extra_info") or {}
    if not isinstance(info, dict):
        raise ReportError(f"benchmark {bench.get('name')!r}: extra_info is not an object")
    return info


def _figure(bench: Mapping[str, Any]) -> Figure:
    info = _info(bench)
    stats = bench.get("stats")
    if not isinstance(stats, dict):
        raise ReportError(f"benchmark {bench.get('name')!r} has no stats")
    per_call = float(info.get("per_call", 1))
    if per_call <= 0:
        raise ReportError(f"benchmark {bench.get('name')!r}: per_call must be positive")
    return Figure(
        key=str(info.get("key", bench["name"])),
        section=str(info.get("section", UNSECTIONED)),
        label=str(info.get("label", bench["name"])),
        unit=str(info.get("unit", "op")),
        median=float(stats["median"]) / per_call,
        q1=float(stats["q1"]) / per_call,
        q3=float(stats["q3"]) / per_call,
        rounds=int(stats["rounds"]),
        note=str(info.get("note", "")),
        shown=bool(info.get("timing", True)),
    )


def _metrics(bench: Mapping[str, Any], fig: Figure) -> list[Metric]:
    out = []
    for name, spec in (_info(bench).get("metrics") or {}).items():
        if not isinstance(spec, dict) or "value" not in spec:
            raise ReportError(f"benchmark {fig.key!r}: metric {name!r} needs a value")
        q1, q3 = spec.get("q1"), spec.get("q3")
        out.append(
            Metric(
                key=fig.key,
                section=fig.section,
                label=fig.label,
                name=str(name),
                value=float(spec["value"]),
                unit=str(spec.get("unit", "")),
                q1=None if q1 is None else float(q1),
                q3=None if q3 is None else float(q3),
            )
        )
    return out


def _time_ratio(fig: Figure, name: str, to: Any, figures: Mapping[str, Figure]) -> Ratio:
    weights = {to: 1.0} if isinstance(to, str) else {str(k): float(v) for k, v in to.items()}
    absent = [k for k in weights if k not in figures]
    if absent:
        return Ratio(fig.section, fig.label, name, None, missing=", ".join(absent))
    med = sum(w * figures[k].median for k, w in weights.items())
    lo = sum(w * figures[k].q1 for k, w in weights.items())
    hi = sum(w * figures[k].q3 for k, w in weights.items())
    return Ratio(fig.section, fig.label, name, fig.median / med, fig.q1 / hi, fig.q3 / lo)


def _metric_ratio(
    fig: Figure, spec: Mapping[str, Any], metrics: Mapping[tuple[str, str], Metric]
) -> Ratio:
    name = str(spec["name"])
    mine = metrics.get((fig.key, str(spec["metric"])))
    other_key = (str(spec["to"]), str(spec.get("to_metric", spec["metric"])))
    other = metrics.get(other_key)
    if mine is None or other is None or other.value == 0:
        absent = other_key if mine is not None else (fig.key, str(spec["metric"]))
        return Ratio(fig.section, fig.label, name, None, missing=".".join(absent))
    low = high = None
    if None not in (mine.q1, mine.q3, other.q1, other.q3) and other.q1 and other.q3:
        low = mine.q1 / other.q3  # type: ignore[operator]
        high = mine.q3 / other.q1  # type: ignore[operator]
    return Ratio(fig.section, fig.label, name, mine.value / other.value, low, high)


def _paired_ratio(fig: Figure, spec: Mapping[str, Any]) -> Ratio:
    r = spec["ratio"]
    if not isinstance(r, dict) or "median" not in r:
        raise ReportError(f"benchmark {fig.key!r}: a paired ratio needs a median")
    q1, q3 = r.get("q1"), r.get("q3")
    return Ratio(
        fig.section,
        fig.label,
        str(spec["name"]),
        float(r["median"]),
        None if q1 is None else float(q1),
        None if q3 is None else float(q3),
        paired=True,
    )


def _machine(data: Mapping[str, Any]) -> dict[str, str]:
    mi = data.get("machine_info") or {}
    cpu = mi.get("cpu") or {}
    ours = (data.get("vouchsafe") or {}).get("machine") or {}
    out = {
        "cpu": str(ours.get("cpu_model") or cpu.get("brand_raw") or "unknown"),
        "nproc": str(ours.get("nproc") or cpu.get("count") or "unknown"),
        "python": str(mi.get("python_version", "unknown")),
        "date": str(data.get("datetime", "unknown")),
    }
    for k in ("loadavg_start", "loadavg_end", "libsodium", "commit"):
        if k in ours:
            out[k] = str(ours[k])
    commit = (data.get("commit_info") or {}).get("id")
    if commit and "commit" not in out:
        out["commit"] = str(commit)[:12]
    return out


def build_report(data: Mapping[str, Any]) -> Report:
    """Builds the report from pytest-benchmark's parsed JSON (plus our ``vouchsafe`` key)."""
    benches = data.get("benchmarks")
    if not isinstance(benches, list):
        raise ReportError("not a pytest-benchmark JSON: no 'benchmarks' list")
    pairs = [(b, _figure(b)) for b in benches]
    figures = {fig.key: fig for _, fig in pairs}
    if len(figures) != len(pairs):
        raise ReportError("two benchmarks share one key")
    metrics = [m for b, fig in pairs for m in _metrics(b, fig)]
    by_name = {(m.key, m.name): m for m in metrics}
    ratios = []
    for bench, fig in pairs:
        for spec in _info(bench).get("compare") or []:
            if "ratio" in spec:
                ratios.append(_paired_ratio(fig, spec))
            elif "metric" in spec:
                ratios.append(_metric_ratio(fig, spec, by_name))
            else:
                ratios.append(_time_ratio(fig, str(spec["name"]), spec["to"], figures))
    not_run = [
        NotRun(str(n.get("section", UNSECTIONED)), str(n["label"]), str(n["status"]))
        for n in (data.get("vouchsafe") or {}).get("not_run") or []
    ]
    return Report(
        tuple(fig for _, fig in pairs),
        tuple(metrics),
        tuple(ratios),
        tuple(not_run),
        _machine(data),
    )


def load_report(path: Path) -> Report:
    """Reads and builds the report from a benchmark JSON file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ReportError(f"cannot read benchmark JSON {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ReportError(f"{path}: not a JSON object")
    return build_report(data)
