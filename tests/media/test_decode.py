"""Decoding refuses bad input with InvalidMedia and returns upright RGB pixels otherwise."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pytest
from PIL import Image

from vouchsafe.imagegen import synthetic_image
from vouchsafe.sdk.errors import InvalidMedia, VouchsafeError
from vouchsafe.sdk.media.decode import DecodeLimits, decode_image


def _encoded(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"])
def test_every_supported_format_decodes_to_rgb_of_the_same_size(fmt: str) -> None:
    image = synthetic_image(1, (64, 48))
    decoded = decode_image(_encoded(image, fmt))
    assert decoded.mode == "RGB"
    assert decoded.size == (64, 48)


def test_exif_orientation_is_applied_so_the_image_is_upright() -> None:
    image = synthetic_image(2, (80, 40))
    exif = Image.Exif()
    exif[0x0112] = 6  # stored pixels need a 90-degree clockwise turn to be upright
    data = _encoded(image, "JPEG", exif=exif.tobytes())
    assert decode_image(data).size == (40, 80)
    assert decode_image(data, apply_orientation=False).size == (80, 40)


def test_truncated_file_is_invalid_media() -> None:
    data = _encoded(synthetic_image(3, (128, 128)), "JPEG")
    with pytest.raises(InvalidMedia) as info:
        decode_image(data[: len(data) // 3])
    assert info.value.code == "invalid_media"
    assert isinstance(info.value, VouchsafeError)


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n"])
def test_garbage_and_empty_input_are_invalid_media(data: bytes) -> None:
    with pytest.raises(InvalidMedia):
        decode_image(data)


def test_image_over_the_pixel_limit_is_refused_before_decoding() -> None:
    data = _encoded(Image.new("RGB", (300, 200)), "PNG")
    with pytest.raises(InvalidMedia, match="over the limit"):
        decode_image(data, DecodeLimits(max_pixels=300 * 200 - 1))


def test_decompression_bomb_header_is_refused() -> None:
    # A 1x1 PNG whose IHDR is rewritten to claim 30000 x 30000 pixels (900 MP), CRC fixed up.
    data = bytearray(_encoded(Image.new("L", (1, 1)), "PNG"))
    data[16:24] = (30000).to_bytes(4, "big") * 2
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")
    with pytest.raises(InvalidMedia, match=r"over the limit|bomb"):
        decode_image(bytes(data))


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    path.write_bytes(_encoded(synthetic_image(4, (64, 64)), "PNG"))
    with pytest.raises(InvalidMedia, match="over the limit"):
        decode_image(path, DecodeLimits(max_file_bytes=100))


def test_missing_file_is_invalid_media(tmp_path: Path) -> None:
    with pytest.raises(InvalidMedia):
        decode_image(tmp_path / "absent.jpg")


def test_animated_gif_gives_its_first_frame() -> None:
    frames = [Image.new("RGB", (32, 32), c) for c in ((255, 0, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    decoded = decode_image(buffer.getvalue())
    r, _, b = decoded.getpixel((5, 5))  # type: ignore[misc]
    assert r > 200 and b < 50


def test_rgba_and_palette_images_decode_to_rgb() -> None:
    for mode in ("RGBA", "P", "L", "CMYK"):
        image = synthetic_image(5, (40, 30)).convert(mode)
        fmt = "TIFF" if mode == "CMYK" else "PNG"
        assert decode_image(_encoded(image, fmt)).mode == "RGB"
