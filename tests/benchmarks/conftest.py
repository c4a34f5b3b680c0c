"""Benchmark-suite hooks: rows that skipped (optional anchor absent, module not landed) and the
machine's load go into the JSON under ``vouchsafe`` so the report can state them."""

from __future__ import annotations

import os
import platform
from typing import Any

import pytest

from tests.benchmarks.rows import DESCRIBED

_SKIPPED: dict[str, str] = {}
_MACHINE: dict[str, Any] = {}


def _loadavg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def pytest_sessionstart(session: pytest.Session) -> None:
    _MACHINE.update(nproc=os.cpu_count(), cpu_model=_cpu_model(), loadavg_start=_loadavg())


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and isinstance(report.longrepr, tuple):
        _SKIPPED[report.nodeid] = str(report.longrepr[2]).removeprefix("Skipped: ")


def pytest_benchmark_update_json(
    config: pytest.Config, benchmarks: list[Any], output_json: dict[str, Any]
) -> None:
    _MACHINE["loadavg_end"] = _loadavg()
    not_run = [
        {**DESCRIBED[nodeid], "status": reason}
        for nodeid, reason in _SKIPPED.items()
        if nodeid in DESCRIBED
    ]
    output_json["vouchsafe"] = {"machine": dict(_MACHINE), "not_run": not_run}
