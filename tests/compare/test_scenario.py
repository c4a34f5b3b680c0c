"""Scenario files: the shipped ones load; mistakes get a clear typed error."""

from __future__ import annotations

from pathlib import Path

import pytest

from vouchsafe.compare.scenario import (
    ScenarioError,
    load_scenario,
    parse_scenario,
    shipped_scenarios,
)

REQUIRED = {"baseline", "heavy_sharer", "below_threshold", "viral_benign", "framing"}


def test_every_required_scenario_ships_and_loads() -> None:
    names = {load_scenario(p).name for p in shipped_scenarios()}
    assert names >= REQUIRED


def test_below_threshold_scenario_really_stays_below_threshold() -> None:
    path = next(p for p in shipped_scenarios() if p.stem == "below_threshold")
    scenario = load_scenario(path)
    sent = [g.known_items_sent for g in scenario.groups if g.known_items_sent]
    assert sent and max(sent) == scenario.threshold - 1


def _minimal() -> dict[str, object]:
    return {
        "name": "x",
        "duration_days": 1,
        "threshold": 2,
        "hash_set": {"known_items": 2},
        "groups": [{"name": "g", "count": 1, "images_per_day": 1}],
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"threshold": 0}, "threshold"),
        ({"colour": "blue"}, "scenario"),
        (
            {"groups": [{"name": "g", "count": 1, "images_per_day": 1, "transforms": ["x"]}]},
            "groups[0].transforms",
        ),
        ({"synthetic_rate": 2.0}, "synthetic_rate"),
        ({"hash_set": {"known_items": "many"}}, "hash_set.known_items"),
    ],
)
def test_bad_scenarios_name_the_offending_field(change: dict[str, object], field: str) -> None:
    data = _minimal() | change
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    assert caught.value.field == field


def test_missing_file_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError):
        load_scenario(tmp_path / "nope.yaml")
