"""The attack registry, config overrides and the ``vouchsafe attack`` command."""

from __future__ import annotations

import json

import pytest

from vouchsafe.cli import main
from vouchsafe.threat_model.attacks import base


def test_every_registered_attack_exposes_number_name_title_config_and_run() -> None:
    numbers = []
    for name in base.names():
        module = base.load(name)
        assert name == module.NAME
        assert module.TITLE
        assert callable(module.run)
        module.Config()  # defaults construct
        numbers.append(module.NUMBER)
    assert len(set(numbers)) == len(numbers)


def test_config_overrides_are_typed_and_unknown_keys_rejected() -> None:
    module = base.load("below-threshold")
    config = base.config_with(module.Config, ["threshold=5", "activities=100,200", "bound=0.05"])
    assert config.threshold == 5
    assert config.activities == (100, 200)
    assert config.bound == 0.05
    with pytest.raises(ValueError, match="unknown setting"):
        base.config_with(module.Config, ["no_such=1"])
    with pytest.raises(ValueError, match="threshold"):
        base.config_with(module.Config, ["threshold=ten"])


def test_attack_list_names_every_attack(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attack", "--list"]) == 0
    out = capsys.readouterr().out
    for name in base.names():
        assert name in out


def test_unknown_attack_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attack", "no-such-attack"]) == 2
    assert "unknown attack" in capsys.readouterr().err


def test_bad_setting_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attack", "below-threshold", "--set", "threshold=x"]) == 2
    assert "threshold" in capsys.readouterr().err


def test_attack_json_output_carries_claim_held_and_evidence(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["attack", "replay", "--json", "--set", "threshold=2", "--set", "copies=1"]
    assert main(args) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) >= {"claim", "held", "evidence"}
