"""Safe decoding of a media item into RGB pixels (Pillow).

Guarantees: the result is an RGB :class:`PIL.Image.Image` of at least 1x1 pixels with its EXIF
orientation applied (the pixels as a viewer shows them), or a
:class:`~vouchsafe.sdk.errors.InvalidMedia`
error. Files over ``max_file_bytes``, images over ``max_pixels`` (decompression bombs, checked from
the header before any pixel is decoded), truncated or corrupt files, zero-size images and
unsupported formats never crash and never yield an empty hash. Animated formats (GIF, WebP) give
their first frame. HEIC/HEIF is decoded when the optional ``pillow-heif`` package is installed
(``pip install vouchsafe[heic]``).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from vouchsafe.sdk.errors import InvalidMedia

# Formats Pillow may open (its JPEG opener also reads MPO, how many phone cameras store JPEG).
SUPPORTED_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")
HEIF_FORMATS: tuple[str, ...] = ("HEIF", "AVIF")

# A 48 MP phone photo is 8064x6048 = 48.8 MP; 64 MP leaves head-room for panoramas while bounding
# the decoded RGB buffer at 192 MiB.
DEFAULT_MAX_PIXELS = 64_000_000
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class DecodeLimits:
    """Bounds a decoder enforces before decoding pixels."""

    max_pixels: int = DEFAULT_MAX_PIXELS
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES


def _heif_formats() -> tuple[str, ...]:
    try:
        import pillow_heif
    except ImportError:
        return ()
    pillow_heif.register_heif_opener()
    return HEIF_FORMATS


def _read_bytes(source: bytes | str | Path, limits: DecodeLimits) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise InvalidMedia(f"cannot read {path}: {exc.strerror or exc}") from None
        if size > limits.max_file_bytes:
            raise InvalidMedia(
                f"file is {size} bytes, over the limit of {limits.max_file_bytes} bytes"
            )
        data = path.read_bytes()
    if len(data) == 0:
        raise InvalidMedia("empty file")
    if len(data) > limits.max_file_bytes:
        raise InvalidMedia(
            f"media item is {len(data)} bytes, over the limit of {limits.max_file_bytes} bytes"
        )
    return data


def decode_image(
    source: bytes | str | Path,
    limits: DecodeLimits | None = None,
    *,
    apply_orientation: bool = True,
) -> Image.Image:
    """Decodes ``source`` (encoded bytes or a file path) into an RGB image, upright.

    ``apply_orientation=False`` keeps the stored pixel order (EXIF Orientation ignored), as the
    C++ PDQ reference tool hashes; the default shows the image as a viewer would.

    Raises :class:`~vouchsafe.sdk.errors.InvalidMedia` for anything that cannot be decoded safely.
    """
    limits = limits or DecodeLimits()
    data = _read_bytes(source, limits)
    Image.init()
    formats = tuple(f for f in SUPPORTED_FORMATS + _heif_formats() if f in Image.OPEN)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=formats)
            width, height = image.size
            if width <= 0 or height <= 0:
                raise InvalidMedia(f"image has zero size ({width}x{height})")
            if width * height > limits.max_pixels:
                raise InvalidMedia(
                    f"image is {width}x{height} = {width * height} pixels, over the limit of "
                    f"{limits.max_pixels}"
                )
            image.seek(0)
            image.load()
            upright = ImageOps.exif_transpose(image) if apply_orientation else image
            rgb = upright.convert("RGB")
    except InvalidMedia:
        raise
    except UnidentifiedImageError:
        raise InvalidMedia(
            "unsupported or unrecognised image format (supported: " + ", ".join(formats) + ")"
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidMedia(f"decompression bomb refused: {exc}") from None
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as exc:
        raise InvalidMedia(f"corrupt or truncated image: {exc}") from None
    if rgb.width <= 0 or rgb.height <= 0:
        raise InvalidMedia(f"image has zero size ({rgb.width}x{rgb.height})")
    return rgb
