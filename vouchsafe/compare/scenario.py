"""Scenario files: who sends what, for how long, against which hash set.

A scenario (YAML, see ``scenarios/*.yaml``) names a population as groups of users; each group
sends ``images_per_day`` items a day for ``duration_days`` days, of which a share are re-shared
*known* items (benign corpus images playing the role of hash-set entries) passed through the
listed transforms, a share are copies of one viral benign image, and optionally a number are
images crafted to collide with known items (a framing attempt). Everything else is ordinary
photos. Unknown keys and out-of-range values are rejected with :class:`ScenarioError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from vouchsafe.corpus import REPO_ROOT
from vouchsafe.sdk.errors import ErrorCode, VouchsafeError

SCENARIO_DIR = REPO_ROOT / "scenarios"
DEFAULT_SCENARIO = SCENARIO_DIR / "baseline.yaml"
TRANSFORMS = (
    "none",
    "jpeg75",
    "jpeg50",
    "resize50",
    "resize75",
    "crop5",
    "brightness20",
    "grayscale",
    "flip",
    "rotate2",
    "noise",
    "watermark",
)


class ScenarioError(VouchsafeError):
    """A scenario file is missing, malformed or out of range."""

    code = ErrorCode.INVALID_SCENARIO


@dataclass(frozen=True)
class Group:
    """Users that behave alike."""

    name: str
    count: int
    images_per_day: float
    known_share: float = 0.0
    known_items_sent: int | None = None
    transforms: tuple[str, ...] = ("none",)
    viral_share: float = 0.0
    colliding_items: int = 0


@dataclass(frozen=True)
class PopulationSettings:
    """The population model's stated population (``model:`` in a scenario; per year)."""

    accounts: int = 1_000_000
    prevalence: float = 1e-4
    items_per_account: float | None = None
    known_items_per_sharer: float | None = None
    known_items_fixed: bool = False


@dataclass(frozen=True)
class Scenario:
    """One scenario, validated."""

    name: str
    description: str
    seed: int
    duration_days: float
    known_items: int
    filler_hashes: int
    threshold: int
    synthetic_rate: float
    groups: tuple[Group, ...]
    max_side: int = 512
    jpeg_quality: int = 85
    intended_outcome: str = ""
    model: PopulationSettings = PopulationSettings()

    @property
    def population(self) -> int:
        """Number of users."""
        return sum(g.count for g in self.groups)

    @property
    def hash_set_size(self) -> int:
        """Entries in the hash set: the known items plus random filler hashes."""
        return self.known_items + self.filler_hashes


_TOP = {
    "name", "description", "seed", "duration_days", "hash_set", "threshold", "synthetic_rate",
    "groups", "images_per_user_per_day", "media", "intended_outcome", "model",
}  # fmt: skip
_MODEL = {
    "accounts", "prevalence", "items_per_account_per_year", "known_items_per_sharer_per_year",
    "known_items_fixed",
}  # fmt: skip
_GROUP = {
    "name", "count", "images_per_day", "known_share", "known_items_sent", "transforms",
    "viral_share", "colliding_items",
}  # fmt: skip


def _get(data: dict[str, Any], key: str, kind: type, field: str, default: Any = None) -> Any:
    value = data.get(key, default)
    if value is None:
        raise ScenarioError(f"'{key}' is required", field=field)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ScenarioError(f"'{key}' must be a {kind.__name__}", field=field)
    return value


def _unknown(data: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise ScenarioError(f"unknown key(s) {', '.join(extra)}", field=where)


def _share(value: float, field: str) -> float:
    if not 0.0 <= value <= 1.0:
        raise ScenarioError("must be between 0 and 1", field=field)
    return value


def parse_scenario(data: Any) -> Scenario:
    """Validates a decoded YAML document into a :class:`Scenario`."""
    if not isinstance(data, dict):
        raise ScenarioError("a scenario is a YAML mapping")
    _unknown(data, _TOP, "scenario")
    default_rate = data.get("images_per_user_per_day")
    hash_set = data.get("hash_set") or {}
    if not isinstance(hash_set, dict):
        raise ScenarioError("must be a mapping", field="hash_set")
    _unknown(hash_set, {"known_items", "filler_hashes"}, "hash_set")
    media = data.get("media") or {}
    if not isinstance(media, dict):
        raise ScenarioError("must be a mapping", field="media")
    _unknown(media, {"max_side", "jpeg_quality"}, "media")
    model = _model(data.get("model") or {})
    raw_groups = data.get("groups")
    if not isinstance(raw_groups, list) or not raw_groups:
        raise ScenarioError("at least one group is required", field="groups")
    groups = []
    for index, raw in enumerate(raw_groups):
        where = f"groups[{index}]"
        if not isinstance(raw, dict):
            raise ScenarioError("a group is a mapping", field=where)
        _unknown(raw, _GROUP, where)
        transforms = tuple(raw.get("transforms") or ("none",))
        for name in transforms:
            if name not in TRANSFORMS:
                raise ScenarioError(
                    f"unknown transform '{name}' (known: {', '.join(TRANSFORMS)})",
                    field=f"{where}.transforms",
                )
        sent = raw.get("known_items_sent")
        if sent is not None and (not isinstance(sent, int) or sent < 0):
            raise ScenarioError("must be a non-negative integer", field=f"{where}.known_items_sent")
        group = Group(
            name=_get(raw, "name", str, f"{where}.name"),
            count=_get(raw, "count", int, f"{where}.count"),
            images_per_day=_get(
                raw, "images_per_day", float, f"{where}.images_per_day", default_rate
            ),
            known_share=_share(_get(raw, "known_share", float, where, 0.0), f"{where}.known_share"),
            known_items_sent=sent,
            transforms=transforms,
            viral_share=_share(_get(raw, "viral_share", float, where, 0.0), f"{where}.viral_share"),
            colliding_items=_get(raw, "colliding_items", int, f"{where}.colliding_items", 0),
        )
        if group.count < 1 or group.images_per_day <= 0 or group.colliding_items < 0:
            raise ScenarioError("count and images_per_day must be positive", field=where)
        groups.append(group)
    scenario = Scenario(
        name=_get(data, "name", str, "name"),
        description=_get(data, "description", str, "description", ""),
        seed=_get(data, "seed", int, "seed", 1),
        duration_days=_get(data, "duration_days", float, "duration_days"),
        known_items=_get(hash_set, "known_items", int, "hash_set.known_items"),
        filler_hashes=_get(hash_set, "filler_hashes", int, "hash_set.filler_hashes", 0),
        threshold=_get(data, "threshold", int, "threshold"),
        synthetic_rate=_share(
            _get(data, "synthetic_rate", float, "synthetic_rate", 0.0), "synthetic_rate"
        ),
        groups=tuple(groups),
        max_side=_get(media, "max_side", int, "media.max_side", 512),
        jpeg_quality=_get(media, "jpeg_quality", int, "media.jpeg_quality", 85),
        intended_outcome=_get(data, "intended_outcome", str, "intended_outcome", ""),
        model=model,
    )
    if scenario.known_items < 1 or scenario.filler_hashes < 0:
        raise ScenarioError("known_items must be >= 1, filler_hashes >= 0", field="hash_set")
    if scenario.threshold < 1:
        raise ScenarioError("must be at least 1", field="threshold")
    if scenario.duration_days <= 0:
        raise ScenarioError("must be positive", field="duration_days")
    return scenario


def _model(raw: Any) -> PopulationSettings:
    if not isinstance(raw, dict):
        raise ScenarioError("must be a mapping", field="model")
    _unknown(raw, _MODEL, "model")
    volume = raw.get("items_per_account_per_year")
    known = raw.get("known_items_per_sharer_per_year")
    fixed = raw.get("known_items_fixed", False)
    if not isinstance(fixed, bool):
        raise ScenarioError("must be true or false", field="model.known_items_fixed")
    settings = PopulationSettings(
        accounts=_get(raw, "accounts", int, "model.accounts", 1_000_000),
        prevalence=_share(
            _get(raw, "prevalence", float, "model.prevalence", 1e-4), "model.prevalence"
        ),
        items_per_account=None
        if volume is None
        else _get(raw, "items_per_account_per_year", float, "model.items_per_account_per_year"),
        known_items_per_sharer=None
        if known is None
        else _get(
            raw, "known_items_per_sharer_per_year", float, "model.known_items_per_sharer_per_year"
        ),
        known_items_fixed=fixed,
    )
    if settings.accounts < 1:
        raise ScenarioError("must be at least 1", field="model.accounts")
    for name, value in (
        ("items_per_account_per_year", settings.items_per_account),
        ("known_items_per_sharer_per_year", settings.known_items_per_sharer),
    ):
        if value is not None and value < 0:
            raise ScenarioError("must not be negative", field=f"model.{name}")
    return settings


def load_scenario(path: Path) -> Scenario:
    """Reads and validates one scenario file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"cannot read {path}: {exc.strerror}", field="scenario") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path} is not valid YAML: {exc}", field="scenario") from None
    return parse_scenario(data)


def shipped_scenarios() -> list[Path]:
    """The scenario files shipped in ``scenarios/``."""
    return sorted(SCENARIO_DIR.glob("*.yaml"))
