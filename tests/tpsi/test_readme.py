"""The README's "Protocol API" snippet runs exactly as written."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def _protocol_api_snippet() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Protocol API", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "README has no python block under 'Protocol API'"
    return match.group(1)


def test_readme_protocol_api_snippet_runs_as_written() -> None:
    namespace: dict[str, object] = {}
    exec(compile(_protocol_api_snippet(), str(README), "exec"), namespace)
    result = namespace["result"]
    assert getattr(result, "threshold_reached", False)
    assert len(getattr(result, "items", ())) >= 10
