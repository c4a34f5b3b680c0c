"""The one label module: every domain-separation tag of the project, and nothing built elsewhere."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from vouchsafe.sdk.crypto import labels

REPO_ROOT = Path(__file__).resolve().parents[2]
SOURCE_FOLDERS = (
    "sdk",
    "protocol",
    "reference_server",
    "reference_client",
    "threat_model",
    "vouchsafe",
)
LABEL_MODULE = REPO_ROOT / "sdk" / "crypto" / "labels.py"
# Byte strings that name the project but are seeds or formats, not domain-separation tags.
NOT_LABELS = {
    b"vouchsafe-tpsi-v1-test-vectors",  # protocol/vectors/generate.py: the vectors' seed
    b"vouchsafe/threat/build-seed",  # threat_model: a fixed build seed for an attack scenario
}


def test_labels_are_distinct_and_prefix_free() -> None:
    values = list(labels.LABELS.values())
    assert len(set(values)) == len(values) == len(labels.LABEL_NAMES)
    for a in values:
        for b in values:
            if a != b:
                assert not b.startswith(a), (a, b)


def test_every_label_is_the_versioned_context_then_the_name() -> None:
    assert labels.CIPHERSUITE.endswith("-v2")
    for name, value in labels.LABELS.items():
        context_length = value[0]
        assert value[1 : 1 + context_length] == labels.CONTEXT
        assert value[1 + context_length] == len(name)
        assert value[2 + context_length :] == name.encode("ascii")


def test_label_names_are_bounded_ascii() -> None:
    with pytest.raises(ValueError):
        labels.derive_label("")
    with pytest.raises(ValueError):
        labels.derive_label("x" * (labels.MAX_NAME_LENGTH + 1))
    with pytest.raises(UnicodeEncodeError):
        labels.derive_label("Ünïcode")


def test_framing_keeps_field_boundaries() -> None:
    label = labels.VOUCHER_DIGEST
    assert labels.framed(label, b"ab", b"c") != labels.framed(label, b"a", b"bc")
    assert labels.framed(label, b"ab") != labels.framed(label, b"a", b"b")
    assert labels.framed(label, b"") != labels.framed(label)
    assert labels.framed(label, b"xyz") == label + b"\x00\x00\x00\x03xyz"


def _source_files() -> list[Path]:
    files: list[Path] = []
    for folder in SOURCE_FOLDERS:
        for path in (REPO_ROOT / folder).rglob("*.py"):
            if "_pb2" not in path.name and path.resolve() != LABEL_MODULE.resolve():
                files.append(path)
    return files


def test_no_module_outside_the_label_module_builds_a_tag() -> None:
    offenders: list[str] = []
    for path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, bytes)
                and b"vouchsafe" in node.value.lower()
                and node.value not in NOT_LABELS
            ):
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}: {node.value!r}")
            if (isinstance(node, ast.Attribute) and node.attr == "derive_label") or (
                isinstance(node, ast.Name) and node.id == "derive_label"
            ):
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}: derive_label")
    assert offenders == []
