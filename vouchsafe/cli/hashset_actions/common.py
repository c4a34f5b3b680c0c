"""Shared pieces of the ``vouchsafe hashset`` actions: demo inputs and the protocol seam."""

from __future__ import annotations

import time
from pathlib import Path

from vouchsafe.server.hashset import blinding
from vouchsafe.server.hashset.build import BuildResult, build_release
from vouchsafe.server.hashset.demo import DemoSources, corpus_demo_sources, synthetic_sources
from vouchsafe.server.hashset.provenance import InclusionRule

DEMO_IMAGES = 18  # listed by two organisations each (one withdrawn)
DEMO_SINGLES = 4  # listed by one organisation only


def default_out(out: Path | None, name: str) -> Path:
    """``out`` or ``out/<name>`` beside the working directory (``out/hashset/<name>``)."""
    return out if out is not None else Path("out") / "hashset" / name


def make_demo_sources(folder: Path, corpus: Path | None, synthetic: int) -> DemoSources:
    """Signed demo lists: ``synthetic`` random entries, or PDQ hashes of corpus images."""
    now = int(time.time())
    if synthetic:
        return synthetic_sources(folder, synthetic, now)
    from vouchsafe.cli import UsageError
    from vouchsafe.corpus import IMAGE_SUFFIXES, default_corpus_dir

    corpus = corpus or default_corpus_dir()
    images = sorted(p for p in corpus.glob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if len(images) < 8:
        raise UsageError(f"need at least 8 images in {corpus} (or pass --synthetic N)")
    known, rest = images[:DEMO_IMAGES], images[DEMO_IMAGES:]
    return corpus_demo_sources(folder, known, now, singles=rest[:DEMO_SINGLES])


def build(
    sources: DemoSources | tuple[Path, list[Path]],
    out: Path,
    rule: InclusionRule | None = None,
    previous: Path | None = None,
    validity_days: int = 30,
    progress: bool = True,
    workers: int | None = None,
    max_candidates: int | None = None,
    confirmation_key: Path | None = None,
) -> BuildResult:
    """Builds a release with the protocol core's blinding and PSI keys (``workers`` processes
    blind; default one per available core), for the candidate scheme of budget
    ``max_candidates`` (the default scheme unless given).

    The confirmation key file is ``confirmation_key``, else the demo sources' own, else none.
    """
    from vouchsafe.sdk.media.candidates import DEFAULT_SCHEME, scheme_for_budget
    from vouchsafe.server.confirmation.key import read_confirmation_key

    scheme = DEFAULT_SCHEME if max_candidates is None else scheme_for_budget(max_candidates)
    if isinstance(sources, DemoSources):
        registry, paths = sources.registry_path, list(sources.source_paths)
        confirmation_key = confirmation_key or sources.confirmation_key_path
    else:
        registry, paths = sources
    return build_release(
        registry_path=registry,
        source_paths=paths,
        out_dir=out,
        rule=rule or InclusionRule(),
        previous=previous,
        validity_days=validity_days,
        blinder=(
            blinding.default_blinder(workers)
            if scheme == DEFAULT_SCHEME
            else blinding.default_blinder(workers, scheme)
        ),
        key_function=(
            blinding.hash_set_keys
            if scheme == DEFAULT_SCHEME
            else blinding.keys_for_scheme(scheme)
        ),
        progress=progress,
        confirmation_key=read_confirmation_key(confirmation_key) if confirmation_key else None,
    )


def demo_release_pair(out: Path, synthetic: int = 0) -> tuple[BuildResult, BuildResult, Path]:
    """Two chained demo releases: the second after one organisation withdraws an entry.

    Returns (first, second, sources folder of the second).
    """
    sources = make_demo_sources(out / "sources-1", None, synthetic)
    first = build(sources, out / "release-1", progress=False)
    second_sources = add_tombstone(sources, out / "sources-2")
    second = build(second_sources, out / "release-2", previous=first.directory, progress=False)
    return first, second, second_sources.folder


def add_tombstone(sources: DemoSources, folder: Path) -> DemoSources:
    """A copy of ``sources`` in which the first organisation withdraws its first entry."""
    import shutil

    from vouchsafe.server.hashset.sources import (
        SourceRecord,
        read_registry,
        read_source_list,
        write_source_list,
    )

    shutil.copytree(sources.folder, folder, dirs_exist_ok=True)
    registry = read_registry(folder / sources.registry_path.name)
    path = folder / sources.source_paths[0].name
    listed = read_source_list(path, registry)
    key = bytes.fromhex((folder / "keys" / f"{listed.organisation}.key").read_text().strip())
    rows = [r.tobytes() for r in listed.hashes]
    when = int(time.time())
    records = [SourceRecord("pdq", rows[0], when, op="withdraw")] + [
        SourceRecord("pdq", value, when) for value in rows[1:]
    ]
    write_source_list(
        path,
        organisation=listed.organisation,
        private_key=key,
        list_id=f"{listed.list_id}-2",
        issued_at=when,
        records=records,
    )
    return DemoSources(
        folder,
        folder / sources.registry_path.name,
        tuple(folder / p.name for p in sources.source_paths),
        tuple(folder / "keys" / p.name for p in sources.key_paths),
        None
        if sources.confirmation_key_path is None
        else folder / "keys" / sources.confirmation_key_path.name,
    )
