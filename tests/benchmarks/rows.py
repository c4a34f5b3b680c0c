"""How a benchmark names its row in the report (see vouchsafe/benchreport.py for the fields).

Call :func:`describe` first in a benchmark, before anything that may skip, so that a skipped
row still appears in the report with its reason (e.g. ``not installed: pdqhash``).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import pytest

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
