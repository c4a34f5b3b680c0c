"""Preparing a photo file for sending, as messengers do: read it, and shrink it if it is too big.

The relay accepts ciphertexts up to 256 KiB (``protocol/api.proto``, SendMessageRequest), so a
photo larger than :data:`MAX_MEDIA_BYTES` is downscaled and re-encoded as JPEG before sending,
the way mainstream messengers compress photos. The detection hook then vouchers exactly the bytes
that are sent, so what the recipient gets and what was checked are the same item.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from vouchsafe.messenger.errors import UnreadableFile

# 256 KiB relay limit, minus Padmé padding (<= 12%) and envelope overhead.
MAX_MEDIA_BYTES = 200 * 1024
MAX_FILE_BYTES = 64 * 1024 * 1024
_MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
_SIDES = (1600, 1280, 1024, 800, 640)


@dataclass(frozen=True)
class PreparedMedia:
    """The bytes that will be sent, their media type and file name, and whether they were shrunk."""

    data: bytes
    media_type: str
    file_name: str
    recompressed: bool


def prepare_photo(path: Path) -> PreparedMedia:
    """Reads ``path`` and returns sendable image bytes; raises :class:`UnreadableFile` if it is
    missing, unreadable, too large, or not an image this messenger sends."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableFile(f"{path} is larger than {MAX_FILE_BYTES >> 20} MiB", field="file")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"cannot read {path}: {exc.strerror or exc}", field="file") from exc
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format or ""
            if image_format not in _MEDIA_TYPES:
                raise UnreadableFile(f"{path} is not a JPEG, PNG, WebP or GIF image", field="file")
            if len(data) <= MAX_MEDIA_BYTES:
                return PreparedMedia(data, _MEDIA_TYPES[image_format], path.name, False)
            image.load()
            return _shrink(image, path)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UnreadableFile(
            f"{path} is not an image this messenger can read", field="file"
        ) from exc


def _shrink(image: Image.Image, path: Path) -> PreparedMedia:
    rgb = image.convert("RGB")
    for side in _SIDES:
        for quality in (85, 75, 65):
            copy = rgb.copy()
            copy.thumbnail((side, side), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            copy.save(out, format="JPEG", quality=quality)
            if out.tell() <= MAX_MEDIA_BYTES:
                return PreparedMedia(out.getvalue(), "image/jpeg", f"{path.stem}.jpg", True)
    raise UnreadableFile(f"{path} cannot be compressed below the size limit", field="file")
