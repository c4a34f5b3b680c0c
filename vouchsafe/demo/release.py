"""Step 1 of the demo: signed benign source lists, the provenance rule, a signed blinded release.

Uses the hash-set lifecycle tooling exactly as ``vouchsafe hashset demo-sources`` and ``build``
do: three example organisations list PDQ hashes of the "known" corpus photos (one withdraws an
entry), the default rule admits entries listed by at least two organisations, the server key
blinds the PSI keys and the release key signs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from vouchsafe.demo.images import CorpusSplit
from vouchsafe.demo.result import DemoSettings
from vouchsafe.server.hashset.blinding import HashSetBlinder
from vouchsafe.server.hashset.build import BuildResult, build_release
from vouchsafe.server.hashset.demo import corpus_demo_sources, pdq_of_image
from vouchsafe.server.hashset.provenance import InclusionRule


@dataclass(frozen=True)
class DemoRelease:
    """The release folder the server loads, and what the harness needs to know about it."""

    directory: Path
    release_key_hex: str
    build: BuildResult
    admitted: frozenset[bytes]
    known_images: tuple[Path, ...]

    @property
    def entry_count(self) -> int:
        """Entries admitted into the release."""
        return self.build.selection.entry_count

    def usable_split(self, split: CorpusSplit) -> CorpusSplit:
        """``split`` with only the known images whose hash the release admitted."""
        admitted = tuple(p for p in split.known if pdq_of_image(p) in self.admitted)
        return replace(split, known=admitted)

    def describe(self) -> list[str]:
        """Lines for the demo's step output."""
        release = self.build.release
        excluded = ", ".join(f"{k}={v}" for k, v in sorted(self.build.selection.exclusions.items()))
        return [
            f"{len(self.known_images)} benign corpus photos play 'known' items, listed by three "
            "example organisations in signed source lists",
            f"provenance rule admitted {self.entry_count} entries (excluded: {excluded or 'none'})",
            f"release: {release.slot_count} blinded slots, {self.build.release_bytes} bytes, "
            f"signed; root {release.root.hex()[:16]}...",
        ]


def build_demo_release(
    folder: Path,
    known: tuple[Path, ...],
    settings: DemoSettings,
    blinder: HashSetBlinder | None = None,
) -> DemoRelease:
    """Writes source lists and the release into ``folder`` (``blinder``: the lifecycle's
    default blinding unless given)."""
    from vouchsafe.server.confirmation.key import read_confirmation_key
    from vouchsafe.server.hashset.blinding import default_blinder, hash_set_keys

    now = int(time.time())
    sources = corpus_demo_sources(folder / "sources", list(known), now)
    result = build_release(
        registry_path=sources.registry_path,
        source_paths=list(sources.source_paths),
        out_dir=folder / "release",
        rule=InclusionRule(),
        now=now,
        blinder=blinder or default_blinder(),
        key_function=hash_set_keys,
        confirmation_key=read_confirmation_key(sources.confirmation_key_path)
        if sources.confirmation_key_path is not None
        else None,
    )
    from vouchsafe.server.hashset.bundle import load_release_bundle

    bundle = load_release_bundle(result.directory)
    admitted = frozenset(bytes(bundle.entry(i).perceptual_hash) for i in range(bundle.entry_count))
    key_hex = (result.directory / "release_key.pub").read_text(encoding="ascii").strip()
    return DemoRelease(result.directory, key_hex, result, admitted, known)
