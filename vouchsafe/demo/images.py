"""The demo's benign pictures: which corpus photos play "known" items, and the copies users send.

Every image is from the openly licensed corpus (``../shared/corpus``); "known" items are ordinary
photos that play that role. A user who sends a known item sends a *modified copy* (resized and
re-encoded as JPEG at a random quality), as happens when images are forwarded between apps, so the
demo exercises perceptual rather than byte-exact matching. Such copies do not always survive the
PSI candidates (about 80% did on 60 corpus photos, measured with ``vouchsafe.sdk.media``), which is
why the
flagged user sends 2t of them.
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
# Corpus files that never play known items (see split_corpus).
FRAGILE_PREFIX = "stellarium-dso_"


@dataclass(frozen=True)
class CorpusSplit:
    """Corpus photos split into the known set and the ordinary photos users send."""

    known: tuple[Path, ...]
    ordinary: tuple[Path, ...]


def split_corpus(corpus_dir: Path, known_count: int, ordinary_count: int, seed: int) -> CorpusSplit:
    """Picks ``known_count`` + ``ordinary_count`` distinct photos, deterministically from ``seed``.

    Only photos (not graphics) and only images not listed in PHASH_COLLISIONS.tsv (the corpus's
    known look-alike pairs) are used, so the demo's ordinary photos are not near-duplicates of each
    other by construction. Known items are everyday photos, not the deep-sky astronomy frames
    (``stellarium-dso_*``): those are mostly black, and their PDQ codes flip under a resize far
    more often (measured: 3 of 4 such known items lost some forwarded copies, other photos none).
    Raises ValueError if the corpus is too small.
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
    everyday = sorted(p for p in photos if not p.name.startswith(FRAGILE_PREFIX))
    if len(everyday) < known_count or len(photos) < known_count + ordinary_count:
        raise ValueError(
            f"the corpus at {corpus_dir} has {len(photos)} usable photos "
            f"({len(everyday)} everyday ones), need {known_count + ordinary_count}"
        )
    rng = random.Random(seed)
    known = rng.sample(everyday, known_count)
    rest = sorted(set(photos) - set(known))
    ordinary = rng.sample(rest, ordinary_count)
    return CorpusSplit(known=tuple(known), ordinary=tuple(ordinary))


def sendable_copy(path: Path, rng: random.Random, *, modify: bool) -> bytes:
    """JPEG bytes a user sends for the photo at ``path``.

    With ``modify``, the copy is resized to 60-95% of the sent size and re-encoded at quality
    65-92 (a forwarded copy); otherwise the photo is only fitted to :data:`MAX_SENT_SIDE` at
    quality 85 (an ordinary upload).
    """
    with Image.open(path) as original:
        image = original.convert("RGB")
    image.thumbnail((MAX_SENT_SIDE, MAX_SENT_SIDE), Image.Resampling.LANCZOS)
    quality = 85
    if modify:
        scale = rng.uniform(0.6, 0.95)
        size = (max(64, round(image.width * scale)), max(64, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.BICUBIC)
        quality = rng.randint(65, 92)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()
