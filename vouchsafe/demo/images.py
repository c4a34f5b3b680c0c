"""The demo's benign pictures: which corpus photos play "known" items, and the copies users send.

Every image is from the openly licensed corpus (``../shared/corpus``); "known" items are ordinary
photos that play that role. A user who sends a known item sends a *modified copy* (resized and
re-encoded as JPEG at a random quality), as happens when images are forwarded between apps, so the
demo exercises perceptual rather than byte-exact matching.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from vouchsafe.corpus import read_manifest

# Sent photos are kept small, as messengers compress them, and under the relay's size limit.
MAX_SENT_SIDE = 640


@dataclass(frozen=True)
class CorpusSplit:
    """Corpus photos split into the known set and the ordinary photos users send."""

    known: tuple[Path, ...]
    ordinary: tuple[Path, ...]


def split_corpus(corpus_dir: Path, known_count: int, ordinary_count: int, seed: int) -> CorpusSplit:
    """Picks ``known_count`` + ``ordinary_count`` distinct photos, deterministically from ``seed``.

    Only photos (not graphics) and only images not listed in PHASH_COLLISIONS.tsv (the corpus's
    known look-alike pairs) are used, so the demo's ordinary photos are not near-duplicates of each
    other by construction. Raises ValueError if the corpus is too small.
    """
    excluded: set[str] = set()
    collisions = corpus_dir / "PHASH_COLLISIONS.tsv"
    if collisions.is_file():
        for line in collisions.read_text(encoding="utf-8").splitlines()[1:]:
            excluded.update(line.split("\t")[:2])
    photos = [
        entry.path
        for entry in read_manifest(corpus_dir)
        if entry.kind == "photo" and entry.path.name not in excluded and entry.path.is_file()
    ]
    need = known_count + ordinary_count
    if len(photos) < need:
        raise ValueError(f"the corpus at {corpus_dir} has {len(photos)} usable photos, need {need}")
    chosen = random.Random(seed).sample(sorted(photos), need)
    return CorpusSplit(known=tuple(chosen[:known_count]), ordinary=tuple(chosen[known_count:]))


def sendable_copy(path: Path, rng: random.Random, *, modify: bool) -> bytes:
    """JPEG bytes a user sends for the photo at ``path``.

    With ``modify``, the copy is resized to 55-90% of the sent size and re-encoded at quality
    60-90 (a forwarded copy); otherwise the photo is only fitted to :data:`MAX_SENT_SIDE` at
    quality 85 (an ordinary upload).
    """
    with Image.open(path) as original:
        image = original.convert("RGB")
    image.thumbnail((MAX_SENT_SIDE, MAX_SENT_SIDE), Image.Resampling.LANCZOS)
    quality = 85
    if modify:
        scale = rng.uniform(0.55, 0.9)
        size = (max(64, round(image.width * scale)), max(64, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.BICUBIC)
        quality = rng.randint(60, 90)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()
