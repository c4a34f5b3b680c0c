"""The module boundaries the architecture promises, checked rather than trusted."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# Import name -> the repository folder that holds it (vouchsafe/<name> is a symlink to it).
NAMESPACE_FOLDERS = {
    "vouchsafe.sdk": "sdk",
    "vouchsafe.protocol": "protocol",
    "vouchsafe.server": "reference_server",
    "vouchsafe.messenger": "reference_client",
    "vouchsafe.threat_model": "threat_model",
}
OLD_TOP_LEVEL_NAMES = {"sdk", "protocol", "reference_server", "reference_client", "threat_model"}


def _imported_modules(folder: str) -> set[str]:
    names: set[str] = set()
    for path in (REPO_ROOT / folder).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
    return names


def _is_under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_every_namespace_folder_is_linked_under_vouchsafe() -> None:
    for import_name, folder in NAMESPACE_FOLDERS.items():
        link = REPO_ROOT / "vouchsafe" / import_name.split(".")[1]
        assert link.is_symlink(), link
        assert link.resolve() == (REPO_ROOT / folder).resolve()


def test_no_module_imports_a_pre_namespace_top_level_name() -> None:
    offenders = {
        (folder, name)
        for folder in [*NAMESPACE_FOLDERS.values(), "vouchsafe", "tests"]
        for name in _imported_modules(folder)
        if name.split(".")[0] in OLD_TOP_LEVEL_NAMES
    }
    assert offenders == set()


def test_importing_sdk_pulls_in_no_server_lab_or_web_framework() -> None:
    probe = (
        "import sys, vouchsafe.sdk\n"
        "bad = [m for m in sys.modules if m.startswith(('vouchsafe.server', 'vouchsafe.messenger',"
        " 'vouchsafe.compare', 'vouchsafe.demo', 'vouchsafe.cli', 'vouchsafe.threat_model'))"
        " or m.split('.')[0] in {'starlette', 'uvicorn', 'matplotlib', 'onnxruntime', 'yaml',"
        " 'flint', 'tqdm', 'nacl', 'sdk', 'protocol', 'reference_server', 'reference_client'}]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    assert result.stdout.strip() == ""


def test_messenger_uses_only_the_sdk_facade() -> None:
    forbidden = {
        name
        for name in _imported_modules("reference_client")
        if _is_under(name, "vouchsafe")
        and not _is_under(name, "vouchsafe.messenger")
        and not _is_under(name, "vouchsafe.protocol")
        and name
        not in {
            "vouchsafe.sdk",
            "vouchsafe.sdk.api",
            "vouchsafe.sdk.errors",
            "vouchsafe.sdk.crypto.labels",
        }
    }
    assert forbidden == set()


def test_sdk_never_imports_the_server_messenger_or_lab() -> None:
    leaked = {
        name
        for name in _imported_modules("sdk")
        if _is_under(name, "vouchsafe")
        and not _is_under(name, "vouchsafe.sdk")
        and not _is_under(name, "vouchsafe.protocol")
    }
    assert leaked == set()


def test_protocol_never_imports_the_server_messenger_or_lab() -> None:
    leaked = {
        name
        for name in _imported_modules("protocol")
        if _is_under(name, "vouchsafe")
        and not _is_under(name, "vouchsafe.protocol")
        and not _is_under(name, "vouchsafe.sdk")
    }
    assert leaked == set()


def test_protocol_holds_no_code_that_depends_on_the_sdk() -> None:
    """protocol/ is protos, generated code, the spec and the vectors: only the vectors'
    generator (which computes them with the SDK) may import it, so the SDK <-> protocol cycle
    cannot return."""
    dependent: set[str] = set()
    for path in (REPO_ROOT / "protocol").rglob("*.py"):
        if "vectors" in path.relative_to(REPO_ROOT / "protocol").parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            dependent.update(f"{path.name}: {n}" for n in names if _is_under(n, "vouchsafe.sdk"))
    assert dependent == set()
