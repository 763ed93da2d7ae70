"""Pillow work, no database: verify an upload and re-encode it once into renditions.

Nothing the browser sent is kept: the bytes must decode as a JPEG/PNG/WebP (``verify`` then a full re-open and
load), and are re-encoded (which drops any payload hidden after the image data, and EXIF) into each width of
``WIDTHS`` (never upscaled: a picture narrower than a width gets one rendition at its own width instead), as WebP and
as a JPEG fallback (alpha flattened onto white)."""
from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000          # refuse decompression bombs well before Pillow's own limit
WIDTHS = (320, 640, 1280)
FORMATS = {"webp": ("WEBP", "image/webp", {"quality": 82, "method": 4}),
           "jpeg": ("JPEG", "image/jpeg", {"quality": 84, "optimize": True, "progressive": True})}


class ImageRejected(ValueError):
    pass


@dataclass(frozen=True)
class Encoded:
    format: str        # "webp" / "jpeg"
    content_type: str
    width: int
    height: int
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class EncodedPicture:
    source_sha256: str
    width: int
    height: int
    renditions: list[Encoded]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def open_verified(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ALLOWED_FORMATS:
                raise ImageRejected("Only JPEG, PNG and WebP images are accepted.")
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageRejected("That image has too many pixels; keep it under 40 megapixels.")
            probe.verify()                      # structural check; the object is unusable afterwards
            image = Image.open(io.BytesIO(data))  # reopen to actually decode it
            image.load()
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning,
            Image.DecompressionBombError) as exc:
        raise ImageRejected("That file is not a readable image. Upload a real JPEG, PNG or WebP.") from exc
    return image


def target_widths(width: int) -> list[int]:
    """320/640/1280, never upscaled: a 500 px picture gets 320 and 500, a 200 px one only 200."""
    top = min(width, WIDTHS[-1])
    return [w for w in WIDTHS if w < top] + [top]


def encode(data: bytes) -> EncodedPicture:
    """Verify and re-encode: every rendition, every format. Raises ImageRejected."""
    image = open_verified(data)
    image = ImageOps.exif_transpose(image)
    has_alpha = "A" in image.getbands() or image.mode == "P"
    image = image.convert("RGBA" if has_alpha else "RGB")
    flat = image
    if has_alpha:
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
    renditions = []
    for width in target_widths(image.width):
        height = max(1, round(image.height * width / image.width))
        for fmt, (pil_format, content_type, options) in FORMATS.items():
            source = image if fmt == "webp" else flat
            resized = source if width == source.width else source.resize((width, height), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            resized.save(out, pil_format, **options)
            renditions.append(Encoded(fmt, content_type, width, height, out.getvalue()))
    return EncodedPicture(sha256(data), image.width, image.height, renditions)
