"""Product image uploads: whitelist, real verification with Pillow, re-encoded resized copies.

Nothing the browser sent is trusted or kept: the file must carry an allowed extension and MIME type, must
decode as a JPEG/PNG/WebP (``verify`` then a full re-open and load), and is re-encoded (which drops any
payload hidden after the image data, and EXIF) into a detail copy (at most 1200 px wide) and a list
thumbnail (400x300, centre-cropped), both WebP, under ``UPLOAD_FOLDER/products/``.
"""
from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_EXTENSIONS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
ALLOWED_MIME = {"image/jpeg", "image/png", "image/webp", "image/pjpeg"}
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000          # refuse decompression bombs well before Pillow's own limit
DETAIL_WIDTH = 1200
THUMB_SIZE = (400, 300)
URL_PREFIX = "uploads/products"  # path under static/ that UPLOAD_FOLDER/products is served from


class ImageRejected(ValueError):
    pass


@dataclass
class StoredImage:
    path: str          # under static/
    thumb_path: str
    width: int
    height: int
    files: list[Path]  # written files, for cleanup if the database write fails


def _check_name_and_type(filename: str, mimetype: str) -> None:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if ext not in ALLOWED_EXTENSIONS:
        raise ImageRejected("Upload a JPEG, PNG or WebP image (.jpg, .jpeg, .png or .webp).")
    if (mimetype or "").split(";")[0].strip().lower() not in ALLOWED_MIME:
        raise ImageRejected("That file is not sent as an image (JPEG, PNG or WebP).")


def _open_verified(data: bytes) -> Image.Image:
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


def store_upload(filename: str, mimetype: str, data: bytes, upload_folder: str | Path,
                 max_bytes: int | None = None) -> StoredImage:
    _check_name_and_type(filename, mimetype)
    if not data:
        raise ImageRejected("The file is empty.")
    if max_bytes and len(data) > max_bytes:
        raise ImageRejected(f"That image is larger than {max_bytes // (1024 * 1024) or 1} MB.")
    image = _open_verified(data)
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")

    detail = image.copy()
    if detail.width > DETAIL_WIDTH:
        detail = detail.resize((DETAIL_WIDTH, max(1, round(detail.height * DETAIL_WIDTH / detail.width))),
                               Image.Resampling.LANCZOS)
    thumb = ImageOps.fit(image, THUMB_SIZE, Image.Resampling.LANCZOS)

    folder = Path(upload_folder) / "products"
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(8)
    detail_file, thumb_file = folder / f"{token}.webp", folder / f"{token}-thumb.webp"
    detail.save(detail_file, "WEBP", quality=85, method=4)
    thumb.save(thumb_file, "WEBP", quality=80, method=4)
    return StoredImage(path=f"{URL_PREFIX}/{detail_file.name}", thumb_path=f"{URL_PREFIX}/{thumb_file.name}",
                       width=detail.width, height=detail.height, files=[detail_file, thumb_file])


def delete_files(paths: list[str | None], upload_folder: str | Path) -> None:
    """Remove uploaded copies (only ours: paths under uploads/products/)."""
    for path in paths:
        if path and path.startswith(URL_PREFIX + "/"):
            target = Path(upload_folder) / "products" / Path(path).name
            target.unlink(missing_ok=True)
