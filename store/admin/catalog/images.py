"""Product picture uploads: the back office's checks in front of ``store.media``.

Nothing the browser sent is trusted or kept: the file must carry an allowed extension and MIME type and fit
the size limit (here), then ``store.media`` verifies it with Pillow and re-encodes it once into renditions
(320/640/1280 px wide, WebP and JPEG), stored as content-addressed blobs in the database, so every instance
behind the load balancer serves them. No file is written to an instance's disk.
"""
from __future__ import annotations

from store.media import services as media
from store.media.images import EncodedPicture, ImageRejected

ALLOWED_EXTENSIONS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
ALLOWED_MIME = {"image/jpeg", "image/png", "image/webp", "image/pjpeg"}

__all__ = ["ImageRejected", "encode_upload", "media_path"]


def _check_name_and_type(filename: str, mimetype: str) -> None:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if ext not in ALLOWED_EXTENSIONS:
        raise ImageRejected("Upload a JPEG, PNG or WebP image (.jpg, .jpeg, .png or .webp).")
    if (mimetype or "").split(";")[0].strip().lower() not in ALLOWED_MIME:
        raise ImageRejected("That file is not sent as an image (JPEG, PNG or WebP).")


def encode_upload(filename: str, mimetype: str, data: bytes, max_bytes: int | None = None) -> EncodedPicture:
    """Check, verify and re-encode an upload (CPU work, done before the write transaction)."""
    _check_name_and_type(filename, mimetype)
    if not data:
        raise ImageRejected("The file is empty.")
    if max_bytes and len(data) > max_bytes:
        raise ImageRejected(f"That image is larger than {max_bytes // (1024 * 1024) or 1} MB.")
    return media.encode(data)


def media_path(sha256: str, ext: str = "webp") -> str:
    """The stored path of a blob (``ProductImage.path``): ``media/<sha256>.<ext>``, served at ``/media/...``."""
    return f"media/{sha256}.{ext}"
