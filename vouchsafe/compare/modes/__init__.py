"""The detection modes, simplest first, and how to build one by name.

A mode whose dependency is missing here (an optional library, or a part of the project that has
not landed) is returned as :class:`~vouchsafe.compare.modes.base.NotAvailable` with the reason;
the report shows that row as not run, never as a result.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from vouchsafe.compare.modes.base import DetectionMode, NotAvailable
from vouchsafe.compare.signals import Signals

MODE_NAMES: tuple[str, ...] = (
    "none",
    "server_plaintext",
    "local_match",
    "hash_upload",
    "partial_hash",
    "tpsi",
    "psi_per_item",
    "third_party",
    "multi_party",
    "enclave_sim",
    "he_match",
)

# Options the expert process assessed that are deliberately not built, and why.
NOT_IMPLEMENTED: dict[str, str] = {
    "classifiers": (
        "Machine-learning classifiers for unknown material: out of scope. They need training "
        "data of the very material this project must never hold, and their error rates cannot "
        "be measured honestly on a benign corpus; a stub would pretend otherwise."
    ),
}

_FACTORIES: dict[str, tuple[str, str, bool]] = {
    # name: (module, class, takes the signals adapter)
    "none": ("vouchsafe.compare.modes.plain", "NoDetection", False),
    "server_plaintext": ("vouchsafe.compare.modes.plain", "ServerPlaintext", True),
    "local_match": ("vouchsafe.compare.modes.plain", "LocalMatch", False),
    "hash_upload": ("vouchsafe.compare.modes.plain", "HashUpload", False),
    "partial_hash": ("vouchsafe.compare.modes.partial", "PartialHash", False),
    "tpsi": ("vouchsafe.compare.modes.tpsi_mode", "TpsiMode", False),
    "psi_per_item": ("vouchsafe.compare.modes.psi_per_item", "PsiPerItem", False),
    "third_party": ("vouchsafe.compare.modes.services", "ThirdParty", False),
    "multi_party": ("vouchsafe.compare.modes.multi_party", "MultiParty", False),
    "enclave_sim": ("vouchsafe.compare.modes.services", "EnclaveSim", False),
    "he_match": ("vouchsafe.compare.modes.he_match", "HeMatch", False),
}


def make_mode(name: str, signals: Signals) -> DetectionMode | NotAvailable:
    """A fresh mode called ``name``, or why it cannot run here. KeyError for unknown names."""
    module_name, class_name, takes_signals = _FACTORIES[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        return NotAvailable(name, f"not available here: cannot import {exc.name or exc}")
    unavailable = getattr(module, "UNAVAILABLE_REASON", None)
    if unavailable:
        return NotAvailable(name, str(unavailable))
    factory: Callable[..., DetectionMode] = getattr(module, class_name)
    return factory(signals.hash_media) if takes_signals else factory()
