"""Loading a release folder (hash-set lifecycle) into the protocol matcher and entry index."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reference_server.hashset.bundle import ReleaseBundle, load_release_bundle
from reference_server.pipeline.matching import entry_id_for
from reference_server.pipeline.tpsi_matcher import TpsiMatcher


@dataclass(frozen=True)
class BundleEntryIndex:
    """The confirmation step's view of the private bundle's entries (full hashes)."""

    bundle: ReleaseBundle = field(repr=False)

    def nearest(
        self, signal_type: str, perceptual_hash: bytes, max_distance: int
    ) -> tuple[str, int] | None:
        matches = self.bundle.find_entries(signal_type, perceptual_hash, max_distance)
        if not matches:
            return None
        best = matches[0]
        return entry_id_for(best.entry.signal_type, best.entry.perceptual_hash), best.distance


def release_id_of(bundle: ReleaseBundle) -> str:
    """A short name for a release: its version and digest prefix."""
    return f"v{bundle.release.version}-{bundle.release.digest.hex()[:16]}"


def load_matcher(release_dir: Path, threshold: int) -> tuple[TpsiMatcher, BundleEntryIndex]:
    """The matcher and entry index for the verified release folder at ``release_dir``."""
    bundle = load_release_bundle(release_dir)
    matcher = TpsiMatcher(
        server_key=bundle.server_key,
        blinded=bundle.blinded_hash_set(),
        threshold=threshold,
        release_id=release_id_of(bundle),
    )
    return matcher, BundleEntryIndex(bundle)
