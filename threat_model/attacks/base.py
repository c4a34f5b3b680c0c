"""The attack framework: what every attack returns, and the registry of attacks.

Each attack module in this package exposes

- ``NUMBER`` (its number in THREAT_MODEL.md), ``NAME`` (the CLI name), ``TITLE``;
- ``Config``: a frozen dataclass whose defaults run in under a minute on a laptop;
- ``run(config: Config) -> AttackOutcome``.

An :class:`AttackOutcome` states the claim the threat model makes, whether the claim held
against this run of the attack, and the measurements that decide it. An attack never decides
``held`` from anything but what it measured; tests assert the value THREAT_MODEL.md states.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Protocol, cast

# The provider account id the attacks' vouchers are made for and processed under.
ATTACK_ACCOUNT_ID = b"attack-account"

# Evidence values are JSON-representable so the CLI can print them and --json can dump them.
Evidence = Mapping[str, Any]


@dataclass(frozen=True)
class AttackOutcome:
    """The result of one attack run.

    ``claim`` is the sentence THREAT_MODEL.md states for this threat; ``held`` is True when the
    run is consistent with the claim (for a documented limit, the claim is the limit, so
    ``held`` means the limit showed exactly as documented); ``evidence`` holds the measurements
    (rates, distortions, advantages, counts) from which ``held`` was computed.
    """

    claim: str
    held: bool
    evidence: Evidence
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> str:
        """The outcome as a JSON document (keys sorted, floats as Python prints them)."""
        return json.dumps(
            {
                "claim": self.claim,
                "held": self.held,
                "evidence": self.evidence,
                "notes": list(self.notes),
            },
            indent=2,
            sort_keys=True,
            default=str,
        )


class AttackUnavailable(Exception):
    """The attack needs a part of the project that is not installed or not built yet."""


class AttackModule(Protocol):
    """What :func:`load` returns: an attack module's public surface."""

    NUMBER: int
    NAME: str
    TITLE: str
    Config: type[Any]
    run: Callable[[Any], AttackOutcome]


# Attack modules in the order of THREAT_MODEL.md. One line each so parallel additions merge.
REGISTRY: tuple[tuple[str, str], ...] = (
    ("framing", "framing"),
    ("evasion", "evasion"),
    ("below-threshold", "below_threshold"),
    ("malicious-server", "malicious_server"),
    ("hashset-extraction", "hashset_extraction"),
    ("replay", "replay"),
    ("malformed", "malformed"),
    ("pre-encryption", "pre_encryption"),
    ("cross-release", "cross_release"),
    ("recovery-flood", "recovery_flood"),
)


def names() -> list[str]:
    """Every registered attack's CLI name, in the document's order."""
    return [name for name, _ in REGISTRY]


def load(name: str) -> AttackModule:
    """The attack module registered under ``name``; KeyError for an unknown name."""
    modules = dict(REGISTRY)
    if name not in modules:
        raise KeyError(name)
    module: ModuleType = importlib.import_module(f"vouchsafe.threat_model.attacks.{modules[name]}")
    return cast(AttackModule, module)


def config_with(config_type: type[Any], overrides: Sequence[str]) -> Any:
    """A ``config_type`` instance from its defaults and ``KEY=VALUE`` overrides.

    Values are converted with the type of the field's default (int, float, bool, str, or a
    tuple of those, written comma-separated). Raises ValueError naming the bad key or value.
    """
    defaults = config_type()
    fields = {f.name: f for f in dataclasses.fields(config_type)}
    changes: dict[str, Any] = {}
    for item in overrides:
        key, sep, text = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in fields:
            known = ", ".join(sorted(fields))
            raise ValueError(f"unknown setting {item!r}; settings: {known}")
        changes[key] = _convert(getattr(defaults, key), text.strip(), key)
    return dataclasses.replace(defaults, **changes)


def _convert(default: Any, text: str, key: str) -> Any:
    try:
        if isinstance(default, bool):
            if text.lower() not in {"true", "false", "1", "0", "yes", "no"}:
                raise ValueError(text)
            return text.lower() in {"true", "1", "yes"}
        if isinstance(default, tuple):
            element = default[0] if default else text
            return tuple(_convert(element, part.strip(), key) for part in text.split(",") if part)
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
        return text
    except ValueError:
        kind = type(default).__name__
        raise ValueError(f"setting {key}: cannot read {text!r} as {kind}") from None
