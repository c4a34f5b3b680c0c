"""Peak memory of a piece of work, measured in a fresh Python process (ru_maxrss), so that one
benchmark's allocations never inflate another's figure."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from vouchsafe.corpus import REPO_ROOT

# VmHWM, not ru_maxrss: on Linux ru_maxrss survives fork + exec, so a child started by a large
# pytest process would report the parent's resident size as its own peak.
_EPILOGUE = """
import json as _json, resource as _resource
with open("/proc/self/status") as _status:
    _self = int(next(_l for _l in _status if _l.startswith("VmHWM")).split()[1])
_kids = _resource.getrusage(_resource.RUSAGE_CHILDREN).ru_maxrss
print("\\n" + _json.dumps({**result, "peak_rss_kib": _self, "children_peak_rss_kib": _kids}))
"""


def run_measured(code: str, *, timeout: float = 600.0) -> dict[str, Any]:
    """Runs ``code`` (which must bind a JSON-able dict ``result``) in a new interpreter in the
    repository root; returns ``result`` plus ``peak_rss_kib`` (the process's peak resident set,
    VmHWM) and ``children_peak_rss_kib`` (largest child process it waited for, if any)."""
    done = subprocess.run(
        [sys.executable, "-c", code + "\n" + _EPILOGUE],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"measured child failed ({done.returncode}): {done.stderr[-2000:]}")
    parsed: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return parsed


def baseline_rss_kib(imports: str) -> int:
    """Peak RSS of an interpreter that only ran ``imports`` (subtract it to get the work's own)."""
    return int(run_measured(imports + "\nresult = {}")["peak_rss_kib"])
