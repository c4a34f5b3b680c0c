"""Loading the release bundle (hash-set lifecycle) into a matcher and an entry index.

Filled in when the protocol core and the hash-set bundle land on main.
"""

from __future__ import annotations

from pathlib import Path

from reference_server.errors import InvalidArgument
from reference_server.pipeline.matching import EntryIndex, VoucherMatcher


def load_matcher(release_dir: Path, threshold: int) -> tuple[VoucherMatcher, EntryIndex]:
    """The protocol matcher and entry index for the release folder at ``release_dir``."""
    raise InvalidArgument(
        f"cannot load {release_dir}: release bundles are not supported by this build yet",
        field="release_dir",
    )
