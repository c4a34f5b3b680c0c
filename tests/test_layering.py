"""The module boundaries the architecture promises, checked rather than trusted."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _imported_modules(package: str) -> set[str]:
    names: set[str] = set()
    for path in (REPO_ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
    return names


def test_importing_sdk_pulls_in_no_server_or_web_framework() -> None:
    probe = (
        "import sys, sdk\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "{'reference_server', 'reference_client', 'starlette', 'fastapi', 'uvicorn'}]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    assert result.stdout.strip() == ""


def test_reference_client_uses_only_the_sdk_facade() -> None:
    forbidden = {
        name
        for name in _imported_modules("reference_client")
        if name.startswith("sdk.") or name.startswith(("reference_server", "vouchsafe"))
    }
    assert forbidden == set()


def test_sdk_never_imports_the_server_or_client() -> None:
    leaked = {
        name
        for name in _imported_modules("sdk")
        if name.split(".")[0] in {"reference_server", "reference_client", "vouchsafe"}
    }
    assert leaked == set()
