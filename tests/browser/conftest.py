"""The browser fixture: one headless Debian Chromium for the whole session (installed by
``scripts/ensure_system_deps.sh`` when missing, never skipped)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .harness import start_browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium driven by selenium through chromium-driver."""
    driver = start_browser()
    try:
        yield driver
    finally:
        driver.quit()
