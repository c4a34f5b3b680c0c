"""Building a release folder from source lists: provenance rule, PSI keys, blinding, signing.

``build_release`` streams the source lists in, applies the provenance rule column-wise, derives
each admitted entry's PSI keys, blinds them with the server key (the protocol core's
``blind_hash_set``), signs the release and writes the public release and the private server
bundle (layout in :mod:`vouchsafe.server.hashset.bundle`). Every release gets a **fresh server
key**: with a key shared by two releases, ``alpha * H(y)`` would sit in both tables and anyone
holding both could test membership offline (SPEC.md R.7, attack ``cross-release``). A follow-up
release (``previous``) keeps only the release signing key and chains to the previous release's
digest; vouchers made under older releases still count toward the same account threshold,
because account keys do not depend on the server key (SPEC.md section 6.3).
A ``confirmation_key`` (or, without one, the previous release's) goes into the private bundle
only: the keyed confirmation check (``vouchsafe.server.confirmation``) needs it, devices never.
"""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import multiprocessing.process
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from vouchsafe.sdk.crypto import ed25519
from vouchsafe.sdk.crypto.keyed_stream import SEED_SIZE
from vouchsafe.sdk.media.candidates import CANDIDATE_SCHEME
from vouchsafe.sdk.tpsi.params import DEFAULT_EPSILON
from vouchsafe.server.confirmation.key import (
    ConfirmationKey,
    read_confirmation_key,
    write_confirmation_key,
)
from vouchsafe.server.hashset import bundle as layout
from vouchsafe.server.hashset.blinding import (
    HashSetBlinder,
    ProgressBlinder,
    SchemeKeys,
    TpsiBlinder,
    default_blinder,
    hash_set_keys,
    worker_pool,
)
from vouchsafe.server.hashset.errors import BuildFailed, BundleInvalid
from vouchsafe.server.hashset.provenance import (
    HashSetEntry,
    InclusionRule,
    Selection,
    select_entries,
)
from vouchsafe.server.hashset.release_file import ReleaseDraft, SignedRelease, sign_release
from vouchsafe.server.hashset.sources import read_registry, read_source_list

DEFAULT_VALIDITY_DAYS = 30
KeyFunction = Callable[[str, bytes], list[bytes]]


@dataclass(frozen=True)
class SelectionSummary:
    """What a build keeps of the provenance rule's outcome once the entries are written."""

    rule: InclusionRule
    entry_count: int
    exclusions: Counter[str]
    signal_types: tuple[str, ...]
    entries_path: Path

    def entries(self) -> Iterator[HashSetEntry]:
        """The admitted entries with provenance, read back from the private entries file."""
        with self.entries_path.open(encoding="utf-8") as handle:
            for line in handle:
                yield layout.entry_from_json(json.loads(line))


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    directory: Path
    release: SignedRelease
    selection: SelectionSummary
    psi_key_count: int
    release_bytes: int

    @property
    def bytes_per_entry(self) -> float:
        """Release file size divided by admitted entries (download cost per entry)."""
        return self.release_bytes / max(1, self.selection.entry_count)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# Entries whose PSI keys are derived together (bounds the bit matrices of one batch).
_KEY_BATCH_ENTRIES = 1 << 16


def psi_keys_of(
    selection: Selection, key_function: KeyFunction, progress: bool = False
) -> list[bytes]:
    """The distinct PSI keys of all admitted entries, in first-seen order.

    A :class:`SchemeKeys` key function derives them batch by batch (same keys, same order).
    """
    keys: dict[bytes, None] = {}
    entries = tqdm(
        selection.entry_keys(),
        total=selection.entry_count,
        desc="PSI keys",
        unit="entry",
        disable=not progress,
    )
    if not isinstance(key_function, SchemeKeys):
        for signal_type, value in entries:
            keys.update(dict.fromkeys(key_function(signal_type, value)))
        return list(keys)
    for chunk in _chunks(entries, _KEY_BATCH_ENTRIES):
        by_type: dict[str, list[int]] = {}
        for index, (signal_type, _) in enumerate(chunk):
            by_type.setdefault(signal_type, []).append(index)
        per_entry: list[list[bytes]] = [[] for _ in chunk]
        for signal_type, indices in by_type.items():
            derived = key_function.batch(signal_type, [chunk[i][1] for i in indices])
            for index, entry_keys in zip(indices, derived, strict=True):
                per_entry[index] = entry_keys
        for entry_keys in per_entry:
            keys.update(dict.fromkeys(entry_keys))
    return list(keys)


def _chunks(items: Iterable[tuple[str, bytes]], size: int) -> Iterator[list[tuple[str, bytes]]]:
    chunk: list[tuple[str, bytes]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _keys_for(previous: Path | None, blinder: HashSetBlinder) -> tuple[bytes, bytes, int, bytes]:
    """(server key, release private key, version, previous digest) for the next release.

    The server key is always fresh (never carried over from ``previous``); the release key is.
    """
    server_key = blinder.generate_server_key()
    if previous is None:
        return server_key, ed25519.generate_private_key(), 1, b""
    prior = layout.load_public_release(previous)
    private = previous / layout.PRIVATE_DIR
    try:
        release_key = (private / layout.RELEASE_PRIVATE_KEY_FILE).read_bytes()
    except OSError:
        raise BundleInvalid(f"{private} lacks the release key of the previous release") from None
    return server_key, release_key, prior.version + 1, prior.digest


def build_release(
    *,
    registry_path: Path,
    source_paths: Sequence[Path],
    out_dir: Path,
    rule: InclusionRule,
    previous: Path | None = None,
    validity_days: int = DEFAULT_VALIDITY_DAYS,
    now: int | None = None,
    blinder: HashSetBlinder | None = None,
    key_function: KeyFunction = hash_set_keys,
    progress: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    confirmation_key: ConfirmationKey | None = None,
) -> BuildResult:
    """Builds one release folder (see module docstring); returns what it wrote.

    ``progress`` shows bars on the terminal; ``on_progress(done, total)`` is called as the
    blinding advances (cuckoo insertion, then the slots, batch by batch from the worker
    processes), for callers that report progress themselves.

    Memory: the source lists are held column-wise; provenance is written out and the source
    columns are dropped before blinding, the step that needs the most.
    """
    blinder = blinder or default_blinder()
    created_at = int(time.time()) if now is None else now
    registry = read_registry(registry_path)
    workers = blinder.workers if isinstance(blinder, TpsiBlinder) else 1
    with worker_pool(min(workers, len(source_paths))) as pool:
        reading = (
            pool.map(read_source_list, source_paths, [registry] * len(source_paths))
            if pool is not None
            else (read_source_list(path, registry) for path in source_paths)
        )
        sources = list(
            tqdm(
                reading,
                total=len(source_paths),
                desc="source lists",
                unit="list",
                disable=not progress,
            )
        )
    selection = select_entries(sources, registry, rule)
    del sources
    server_key, release_key, version, previous_digest = _keys_for(previous, blinder)
    if confirmation_key is None and previous is not None:
        earlier = previous / layout.PRIVATE_DIR / layout.CONFIRMATION_KEY_FILE
        confirmation_key = read_confirmation_key(earlier) if earlier.exists() else None
    _write_keys(out_dir, server_key, release_key, confirmation_key)
    # the provenance file is written by a second process while this one derives the PSI keys
    provenance = _start(
        workers > 1,
        _write_provenance,
        out_dir,
        selection,
        source_paths,
        progress,
        confirmation_key,
    )
    psi_keys = psi_keys_of(selection, key_function, progress)
    summary = SelectionSummary(
        rule=selection.rule,
        entry_count=selection.entry_count,
        exclusions=selection.exclusions,
        signal_types=tuple(selection.signal_types()),
        entries_path=out_dir / layout.PRIVATE_DIR / layout.ENTRIES_FILE,
    )
    del selection
    build_seed = secrets.token_bytes(SEED_SIZE)
    # insertion reports one step per key, blinding one per slot
    expected_slots = len(psi_keys) + math.ceil((1 + DEFAULT_EPSILON) * len(psi_keys))
    done = [0]  # a disabled tqdm bar does not count
    with tqdm(total=expected_slots, desc="blinding", unit="step", disable=not progress) as bar:

        def blinded_slots(count: int) -> None:
            bar.update(count)
            done[0] = min(done[0] + count, expected_slots)
            if on_progress is not None:
                on_progress(done[0], expected_slots)

        if isinstance(blinder, ProgressBlinder):
            blinded = blinder.blind_with_progress(server_key, psi_keys, build_seed, blinded_slots)
        else:
            blinded = blinder.blind(server_key, psi_keys, build_seed)
        bar.update(max(0, expected_slots - bar.n))
        if on_progress is not None and done[0] < expected_slots:
            on_progress(expected_slots, expected_slots)
    psi_key_count = len(psi_keys)
    del psi_keys
    _join(provenance, "writing the provenance of the admitted entries")
    layout.write_private(out_dir / layout.PRIVATE_DIR / layout.BUILD_SEED_FILE, build_seed)
    draft = ReleaseDraft(
        ciphersuite=blinder.ciphersuite,
        version=version,
        previous_release_digest=previous_digest,
        created_at=created_at,
        expires_at=created_at + validity_days * 86_400,
        server_params=blinded.server_params,
        entry_count=summary.entry_count,
        signal_types=summary.signal_types,
        candidate_scheme=getattr(blinder, "candidate_scheme", CANDIDATE_SCHEME),
    )
    with tqdm(
        total=len(blinded.table) // 32, desc="root", unit="slot", disable=not progress
    ) as bar:

        def advance(done: int) -> None:
            bar.update(done - bar.n)

        with worker_pool(workers) as pool:
            signed = sign_release(draft, blinded.table, release_key, advance, pool)
    _write_public_part(out_dir, signed, release_key)
    result = BuildResult(out_dir, signed, summary, psi_key_count, len(signed.data))
    _write_summary(out_dir, result, draft)
    return result


def _start(
    in_background: bool, task: Callable[..., None], *args: Any
) -> multiprocessing.process.BaseProcess | None:
    """Runs ``task(*args)`` in a forked process if ``in_background`` (returned), else here."""
    if not in_background:
        task(*args)
        return None
    process = multiprocessing.get_context("fork").Process(target=task, args=args, daemon=True)
    process.start()
    return process


def _join(process: multiprocessing.process.BaseProcess | None, what: str) -> None:
    """Waits for a process from :func:`_start`; raises BuildFailed if it did not succeed."""
    if process is None:
        return
    process.join()
    if process.exitcode != 0:
        raise BuildFailed(f"{what} failed in a worker process (exit code {process.exitcode})")


def _write_keys(
    out_dir: Path,
    server_key: bytes,
    release_key: bytes,
    confirmation_key: ConfirmationKey | None,
) -> None:
    private = out_dir / layout.PRIVATE_DIR
    layout.make_private_dir(private)
    layout.write_private(private / layout.SERVER_KEY_FILE, server_key)
    layout.write_private(private / layout.RELEASE_PRIVATE_KEY_FILE, release_key)
    if confirmation_key is not None:
        write_confirmation_key(private / layout.CONFIRMATION_KEY_FILE, confirmation_key)


def _write_provenance(
    out_dir: Path,
    selection: Selection,
    source_paths: Sequence[Path],
    progress: bool,
    confirmation_key: ConfirmationKey | None,
) -> None:
    private = out_dir / layout.PRIVATE_DIR
    key_id = confirmation_key.key_id if confirmation_key is not None else None
    confirmable = 0
    with (private / layout.ENTRIES_FILE).open("w", encoding="utf-8") as out:
        for entry in tqdm(
            selection.entries(),
            total=selection.entry_count,
            desc="provenance",
            unit="entry",
            disable=not progress,
        ):
            confirmable += key_id is not None and bool(entry.confirmation_hashes(key_id))
            out.write(json.dumps(layout.entry_to_json(entry), separators=(",", ":")) + "\n")
    build: dict[str, Any] = {
        "rule": {
            "min_sources": selection.rule.min_sources,
            "independence": selection.rule.independence,
        },
        "source_lists": [{"file": p.name, "sha256": _file_sha256(p)} for p in source_paths],
        "exclusions": dict(sorted(selection.exclusions.items())),
        "confirmation_key_id": key_id,
        "entries_with_confirmation_hash": confirmable,
    }
    (private / layout.BUILD_FILE).write_text(json.dumps(build, indent=2) + "\n", encoding="utf-8")


def _write_public_part(out_dir: Path, signed: SignedRelease, release_key: bytes) -> None:
    (out_dir / layout.RELEASE_FILE).write_bytes(signed.data)
    (out_dir / layout.ROOT_FILE).write_text(signed.root.hex() + "\n", encoding="utf-8")
    public = ed25519.public_key(release_key).hex() + "\n"
    (out_dir / layout.RELEASE_PUBLIC_KEY_FILE).write_text(public, encoding="utf-8")


def _write_summary(out_dir: Path, result: BuildResult, draft: ReleaseDraft) -> None:
    summary = {
        "version": draft.version,
        "digest": result.release.digest.hex(),
        "previous_release_digest": draft.previous_release_digest.hex(),
        "root": result.release.root.hex(),
        "ciphersuite": draft.ciphersuite,
        "candidate_scheme": draft.candidate_scheme,
        "created_at": draft.created_at,
        "expires_at": draft.expires_at,
        "entry_count": result.selection.entry_count,
        "slot_count": result.release.slot_count,
        "release_bytes": result.release_bytes,
        "bytes_per_entry": round(result.bytes_per_entry, 2),
        "rule": result.selection.rule.describe(),
        "exclusions": dict(sorted(result.selection.exclusions.items())),
    }
    text = json.dumps(summary, indent=2) + "\n"
    (out_dir / layout.SUMMARY_FILE).write_text(text, encoding="utf-8")
