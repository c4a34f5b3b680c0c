"""The "what else would you use" anchor for the server: OpenMined's ECDH PSI (C++, P-256),
``openmined-psi``. Its server cost per element (one scalar multiplication of a client-blinded
point) is the counterpart of our outer step per voucher half; its setup message (the server's
encrypted set the client downloads) is the counterpart of our release, per element.

It is not the same protocol: it has no threshold, no associated data, no synthetic matches, and
the client learns the intersection (size). It marks what plain ECDH PSI costs in optimised C++."""

from __future__ import annotations

from typing import Any

import pytest

from tests.benchmarks.rows import OUTER, RELEASE, describe, metric, require

REQUEST_ELEMENTS = 1000
SETUP_ELEMENTS = 10_000
FPR = 1e-9


def _psi() -> Any:
    return require("private_set_intersection.python", what="not installed (openmined-psi)")


def test_bench_openmined_psi_server_process_request(benchmark: Any) -> None:
    describe(benchmark, key="psi_server_per_element", section=OUTER,
             label=f"openmined-psi server ProcessRequest ({REQUEST_ELEMENTS} elements)",
             unit="element", per_call=REQUEST_ELEMENTS)
    psi = _psi()
    server = psi.server.CreateWithNewKey(True)
    client = psi.client.CreateWithNewKey(True)
    request = client.CreateRequest([f"item-{i}" for i in range(REQUEST_ELEMENTS)])
    benchmark(server.ProcessRequest, request)


@pytest.mark.parametrize("structure", ["RAW", "GCS"])
def test_bench_openmined_psi_server_setup(benchmark: Any, structure: str) -> None:
    describe(benchmark, key=f"psi_setup_{structure.lower()}", section=RELEASE,
             label=f"openmined-psi server setup, {structure} ({SETUP_ELEMENTS:,} elements)",
             unit="element", per_call=SETUP_ELEMENTS)
    psi = _psi()
    server = psi.server.CreateWithNewKey(True)
    items = [f"known-{i}" for i in range(SETUP_ELEMENTS)]
    ds = getattr(psi.DataStructure, structure)
    setup = benchmark.pedantic(
        server.CreateSetupMessage, args=(FPR, REQUEST_ELEMENTS, items, ds), rounds=3
    )
    size = len(setup.SerializeToString())
    metric(benchmark, "setup message bytes per element", size / SETUP_ELEMENTS, "B")
