"""Pages are templates: no Python module of the project assembles HTML by string formatting."""

from __future__ import annotations

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("vouchsafe", "reference_server", "reference_client", "threat_model", "sdk")
TAG = re.compile(r"<(html|body|table|tr|td|th|img|h[1-6]|p|div|figure|ul|li)[\s>]")


def test_no_module_writes_html_tags_itself() -> None:
    offenders = []
    for folder in FOLDERS:
        for path in (REPO_ROOT / folder).rglob("*.py"):
            if path.is_symlink() or "_pb2" in path.name:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if TAG.search(line):
                    offenders.append(f"{path.relative_to(REPO_ROOT)}:{number}")
    assert offenders == []
