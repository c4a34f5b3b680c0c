"""Loading a release folder (hash-set lifecycle) into the protocol matcher and entry index."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vouchsafe.sdk.client import release_id_of
from vouchsafe.server.confirmation.keyed_hash import ConfirmationHasher
from vouchsafe.server.hashset.bundle import (
    ReleaseBundle,
    load_public_release,
    load_release_bundle,
)
from vouchsafe.server.hashset.release_file import make_delta
from vouchsafe.server.hashset.updates import VOUCHER_GRACE_SECONDS
from vouchsafe.server.pipeline.matching import EntryCandidate, Listing, Provenance, entry_id_for
from vouchsafe.server.pipeline.tpsi_matcher import MatcherRelease, TpsiMatcher


@dataclass(frozen=True)
class BundleEntryIndex:
    """The confirmation step's view of the private bundle: the entries' full hashes, the
    confirmation hashes listed under the bundle's confirmation key, and that key."""

    bundle: ReleaseBundle = field(repr=False)
    hasher: ConfirmationHasher | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = self.bundle.confirmation_key
        object.__setattr__(self, "hasher", None if key is None else ConfirmationHasher(key))

    @property
    def confirmation_hasher(self) -> ConfirmationHasher | None:
        return self.hasher

    def within(
        self, signal_type: str, perceptual_hash: bytes, max_distance: int
    ) -> list[EntryCandidate]:
        key_id = self.hasher.key_id if self.hasher is not None else None
        return [
            EntryCandidate(
                entry_id_for(m.entry.signal_type, m.entry.perceptual_hash),
                m.distance,
                m.entry.confirmation_hashes(key_id) if key_id is not None else (),
            )
            for m in self.bundle.find_entries(signal_type, perceptual_hash, max_distance)
        ]

    def provenance(self, signal_type: str, perceptual_hash: bytes, entry_id: str) -> Provenance:
        for match in self.bundle.find_entries(signal_type, perceptual_hash):
            if entry_id_for(match.entry.signal_type, match.entry.perceptual_hash) == entry_id:
                return tuple(
                    Listing(li.organisation, li.jurisdiction, li.list_id, li.listed_at, li.labels)
                    for li in match.entry.listings
                )
        return ()


def bundle_release_id(bundle: ReleaseBundle) -> str:
    """The release id of a bundle's release (``vouchsafe.sdk.client.release_id_of``)."""
    return release_id_of(bundle.release)


def load_matcher(
    release_dir: Path,
    threshold: int,
    previous_dirs: Sequence[Path] = (),
    *,
    grace_ms: int = VOUCHER_GRACE_SECONDS * 1000,
    clock: Callable[[], int] | None = None,
) -> tuple[TpsiMatcher, BundleEntryIndex]:
    """The matcher and entry index for the verified release folder at ``release_dir``.

    Each folder in ``previous_dirs`` (earlier releases of the chain, SPEC.md R.7) is loaded too:
    vouchers made under it are processed until its expiry plus ``grace_ms`` and its opened
    vouchers count toward the same account threshold. Earlier releases must be
    account-compatible with the current one (else ``params_mismatch`` at start-up). The entry
    index (second check) is the current release's only.
    """
    bundle = load_release_bundle(release_dir)
    previous = []
    for directory in previous_dirs:
        earlier = load_release_bundle(directory)
        if earlier.params_digest == bundle.params_digest:
            continue
        previous.append(
            MatcherRelease(
                server_key=earlier.server_key,
                blinded=earlier.blinded_hash_set(),
                release_id=bundle_release_id(earlier),
                accept_until_ms=earlier.release.expires_at * 1000 + grace_ms,
            )
        )
    matcher = TpsiMatcher(
        server_key=bundle.server_key,
        blinded=bundle.blinded_hash_set(),
        threshold=threshold,
        release_id=bundle_release_id(bundle),
        previous=tuple(previous),
        **({"clock": clock} if clock is not None else {}),
    )
    return matcher, BundleEntryIndex(bundle)


def release_deltas(release_dir: Path, previous_dirs: Sequence[Path]) -> dict[str, bytes]:
    """Deltas from each verified earlier release to the one in ``release_dir``, by base digest."""
    current = load_public_release(release_dir).to_bytes()
    deltas: dict[str, bytes] = {}
    for previous in previous_dirs:
        old = load_public_release(previous)
        deltas[old.digest.hex()] = make_delta(old.to_bytes(), current)
    return deltas
