"""How a benchmark names its row in the report (see vouchsafe/benchreport.py for the fields).

Call :func:`describe` first in a benchmark, before anything that may skip, so that a skipped
row still appears in the report with its reason (e.g. ``not installed: pdqhash``).
"""

from __future__ import annotations

import importlib
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any, TypeVar

import pytest

T = TypeVar("T")

# nodeid -> {"section", "label"}: read by conftest.py when a described benchmark skips.
DESCRIBED: dict[str, dict[str, str]] = {}

HASHING = "1. Hashing"
VOUCHER = "2. Voucher generation (client)"
OUTER = "3. Server outer step"
RECOVERY = "4. Threshold recovery (server inner step)"
RELEASE = "5. Release build"
THROUGHPUT = "6. Server throughput over HTTP (loopback)"
FOOTPRINT = "7. Client footprint"
FLOOR = "0. Floor: libsodium ristretto255 and AEAD primitives"
# The provider account id benchmark vouchers are made for and processed under.
BENCH_ACCOUNT_ID = b"bench-account"


def describe(
    benchmark: Any,
    *,
    key: str,
    section: str,
    label: str,
    unit: str = "op",
    per_call: int = 1,
    compare: list[Mapping[str, Any]] | None = None,
    note: str = "",
) -> None:
    """Names the row; ``compare`` entries are ``{"name": ..., "to": key | {key: count}}``."""
    benchmark.extra_info.update(
        key=key, section=section, label=label, unit=unit, per_call=per_call, note=note
    )
    if compare:
        benchmark.extra_info["compare"] = [dict(c) for c in compare]
    DESCRIBED[benchmark.fullname] = {"section": section, "label": label}


def metric(benchmark: Any, name: str, value: float, unit: str, *, q1: float | None = None,
           q3: float | None = None) -> None:
    """Records a figure that is not a time (memory, size, throughput) on the row."""
    spec: dict[str, Any] = {"value": float(value), "unit": unit}
    if q1 is not None and q3 is not None:
        spec.update(q1=float(q1), q3=float(q3))
    benchmark.extra_info.setdefault("metrics", {})[name] = spec


def require(module: str, *, what: str = "not installed") -> ModuleType:
    """Imports an optional module, or skips the row with ``"<what>: <module>"`` as its status."""
    try:
        return importlib.import_module(module)
    except ImportError:
        pytest.skip(f"{what}: {module}")


def _quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    n = len(ordered)

    def at(q: float) -> float:
        return ordered[min(n - 1, max(0, round(q * (n - 1))))]

    return at(0.25), statistics.median(ordered), at(0.75)


def paired(
    benchmark: Any,
    target: Callable[[], T],
    references: Mapping[str, Callable[[], object]],
    *,
    rounds: int,
    warmup_rounds: int = 1,
) -> T:
    """Times ``target`` with pytest-benchmark and, right before each of its rounds, each
    reference (untimed by pytest-benchmark, timed here): the two sides of every ratio run
    alternately, seconds apart at most, so load from other work on a shared machine hits both
    alike. Each reference becomes a ratio row (median and quartiles of the per-round ratios
    target / reference) and a metric row (the reference's own time per call, in µs)."""
    times: dict[str, list[float]] = {name: [] for name in references}

    def setup() -> None:
        for name, fn in references.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)

    result: T = benchmark.pedantic(
        target, setup=setup, rounds=rounds, warmup_rounds=warmup_rounds, iterations=1
    )
    if benchmark.stats is None:  # --benchmark-disable: ran once, nothing to compare
        return result
    mine = list(benchmark.stats.stats.data)
    compare = benchmark.extra_info.setdefault("compare", [])
    for name, samples in times.items():
        ref = samples[warmup_rounds:]
        q1, med, q3 = _quartiles([a / b for a, b in zip(mine, ref, strict=True)])
        compare.append({"name": name, "ratio": {"median": med, "q1": q1, "q3": q3,
                                                "rounds": len(ref)}})
        r1, rm, r3 = _quartiles(ref)
        metric(benchmark, f"{name}: time per call", rm * 1e6, "µs", q1=r1 * 1e6, q3=r3 * 1e6)
    return result
