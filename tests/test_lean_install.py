"""The wheel a vendor installs: one top-level package, and a core that needs no server or lab."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SKIPPED = (
    ".git",
    ".venv",
    "out",
    "build",
    "dist",
    "*.egg-info",
    "*_cache",
    ".hypothesis",
    "__pycache__",
)
NOT_IN_THE_CORE = {"starlette", "uvicorn", "matplotlib", "onnxruntime", "tqdm", "pyyaml", "pynacl"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """Builds the wheel from a copy of this checkout (setuptools writes build/ into the source
    tree) without the network (no build isolation)."""
    source = tmp_path_factory.mktemp("source") / "vouchsafe"
    shutil.copytree(REPO_ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(*SKIPPED))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("vouchsafe-*.whl")
    return zipfile.ZipFile(path)


def test_the_wheel_installs_exactly_one_top_level_package(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"vouchsafe"}
    for package in ("sdk", "protocol", "server", "messenger", "threat_model"):
        assert f"vouchsafe/{package}/__init__.py" in names, package
    assert not any(name.startswith("vouchsafe/tests/") for name in names)


def test_the_core_requirements_hold_no_server_lab_or_pynacl(wheel: zipfile.ZipFile) -> None:
    (metadata_name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    metadata = Parser().parsestr(wheel.read(metadata_name).decode("utf-8"))
    requirements = metadata.get_all("Requires-Dist") or []
    core = {
        req.split(";")[0].split("<")[0].split(">")[0].split("=")[0].split("[")[0].strip().lower()
        for req in requirements
        if "extra ==" not in req
    }
    assert core == {"pysodium", "cryptography", "numpy", "protobuf", "pillow", "httpx"}
    assert not core & NOT_IN_THE_CORE
    everything = " ".join(requirements).lower()
    assert "pynacl" not in everything
