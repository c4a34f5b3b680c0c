"""`vouchsafe hashset` runs each action on generated benign data with at most an output folder.

The protocol core's blinding, the PSI keys and PDQ are replaced by the stand-ins of
``tests/hashset/stand_in.py`` here, so these tests exercise the CLI plumbing on their own.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from tests.hashset.stand_in import StandInBlinder, stand_in_keys
from vouchsafe.cli import main
from vouchsafe.server.hashset import blinding, demo


@pytest.fixture(autouse=True)
def _stand_ins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blinding, "default_blinder", lambda workers=None: StandInBlinder())
    monkeypatch.setattr(blinding, "hash_set_keys", stand_in_keys)
    monkeypatch.setattr(
        demo, "pdq_of_image", lambda path: hashlib.sha256(Path(path).read_bytes()).digest()
    )


def test_build_then_verify_a_demo_release(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["hashset", "build", "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert "bytes per entry" in out and "root (publish out of band)" in out
    assert main(["hashset", "verify", str(tmp_path / "r")]) == 0
    assert "accepted: version 1" in capsys.readouterr().out


def test_verify_refuses_a_wrong_root_with_exit_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["hashset", "build", "--synthetic", "50", "--out", str(tmp_path / "r")]) == 0
    status = main(["hashset", "verify", str(tmp_path / "r"), "--root", "00" * 32])
    assert status == 2
    assert "root" in capsys.readouterr().err


def test_verify_refuses_rollback_to_an_older_release(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["hashset", "diff", "--out", str(tmp_path)]) == 0
    r1, r2 = tmp_path / "release-1", tmp_path / "release-2"
    assert main(["hashset", "verify", str(r2), "--held", str(r1)]) == 0
    assert main(["hashset", "verify", str(r1), "--held", str(r2)]) == 2
    assert "older than the release in use" in capsys.readouterr().err


def test_audit_on_defaults_runs_public_and_keyed_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["hashset", "audit", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "release 2 follows release 1" in out and "admitted entries" in out
    assert "audit passed" in out


def test_diff_on_defaults_reports_every_slot_changed_and_writes_the_delta(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["hashset", "diff", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "release 1 -> 2" in out and "entries: +0 -1" in out
    slots = re.search(r"slots: \d+ -> (\d+), changed: (\d+)", out)
    assert slots is not None and slots.group(1) == slots.group(2)  # fresh server key per release
    delta = tmp_path / "release-2" / "delta-from-1.pb"
    assert delta.stat().st_size >= (tmp_path / "release-2" / "release.pb").stat().st_size


def test_signed_tsv_lists_build_under_the_jurisdiction_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = "aa" * 32, "bb" * 32
    registry_orgs = []
    for name, jurisdiction, lines in (("org-x", "DE", [a, b]), ("org-y", "FR", [a])):
        tsv = tmp_path / f"{name}.tsv"
        tsv.write_text("".join(f"pdq\t{h}\tbenign\n" for h in lines))
        assert (
            main(
                [
                    "hashset",
                    "source-sign",
                    "--input",
                    str(tsv),
                    "--organisation",
                    name,
                    "--jurisdiction",
                    jurisdiction,
                    "--out",
                    str(tmp_path / name),
                ]
            )
            == 0
        )
        registry_orgs.append(tmp_path / name / "organisations.json")
    import json

    merged = json.loads(registry_orgs[0].read_text())
    merged["organisations"] += json.loads(registry_orgs[1].read_text())["organisations"]
    registry = tmp_path / "organisations.json"
    registry.write_text(json.dumps(merged))
    argv = [
        "hashset",
        "build",
        "--registry",
        str(registry),
        "--min-sources",
        "2",
        "--independence",
        "jurisdiction",
        "--out",
        str(tmp_path / "r"),
    ]
    for name in ("org-x", "org-y"):
        argv += ["--source", str(tmp_path / name / "source-list.jsonl")]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "1 entries (>= 2 distinct jurisdictions" in out and "too_few_organisations=1" in out


def test_demo_sources_writes_three_signed_lists(tmp_path: Path) -> None:
    assert main(["hashset", "demo-sources", "--out", str(tmp_path)]) == 0
    assert len(list(tmp_path.glob("*.jsonl"))) == 3
    assert (tmp_path / "organisations.json").is_file()
    assert all(p.stat().st_mode & 0o077 == 0 for p in (tmp_path / "keys").iterdir())


def test_real_build_and_verify_without_stand_ins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.undo()  # the protocol core's blinding and the real PSI keys
    out = tmp_path / "r"
    assert main(["hashset", "build", "--synthetic", "40", "--out", str(out)]) == 0
    assert "40 entries" in capsys.readouterr().out
    assert main(["hashset", "verify", str(out)]) == 0
    assert "accepted: version 1, 40 entries" in capsys.readouterr().out


def test_source_sign_on_defaults_writes_a_list_its_registry_verifies(tmp_path: Path) -> None:
    from vouchsafe.server.hashset.sources import read_registry, read_source_list

    assert main(["hashset", "source-sign", "--out", str(tmp_path)]) == 0
    listed = read_source_list(
        tmp_path / "source-list.jsonl", read_registry(tmp_path / "organisations.json")
    )
    assert len(listed) == 8 and listed.organisation == "example-hotline-a"
    assert (tmp_path / "organisation.key").stat().st_mode & 0o077 == 0
