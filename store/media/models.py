"""Media models: blobs (bytes by content hash), pictures and their renditions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.extensions import db
from store.util import utcnow


class MediaBlob(db.Model):
    """Immutable bytes, named by their sha256 (hex). Two identical renditions are one row."""
    __tablename__ = "media_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column()
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Picture(db.Model):
    """One uploaded picture: the hash of the bytes the browser sent (never kept: they are re-encoded), the
    decoded size, and its renditions. A re-upload of the same file reuses the picture."""
    __tablename__ = "media_pictures"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    renditions: Mapped[list["Rendition"]] = relationship(
        back_populates="picture", cascade="all, delete-orphan", lazy="selectin",
        order_by="(Rendition.format, Rendition.width)")

    def rendition(self, fmt: str, width: int | None = None) -> "Rendition | None":
        """The rendition of ``fmt`` closest to ``width`` from above (the largest when width is None)."""
        mine = sorted((r for r in self.renditions if r.format == fmt), key=lambda r: r.width)
        if not mine:
            return None
        if width is None:
            return mine[-1]
        return next((r for r in mine if r.width >= width), mine[-1])

    def srcset(self, fmt: str) -> list["Rendition"]:
        return sorted((r for r in self.renditions if r.format == fmt), key=lambda r: r.width)


class Rendition(db.Model):
    __tablename__ = "media_renditions"
    __table_args__ = (UniqueConstraint("picture_id", "format", "width", name="uq_media_renditions_picture_format_width"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    picture_id: Mapped[int] = mapped_column(ForeignKey("media_pictures.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(String(10))   # "webp" or "jpeg"
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("media_blobs.sha256"), index=True)

    picture: Mapped[Picture] = relationship(back_populates="renditions")

    @property
    def extension(self) -> str:
        return "jpg" if self.format == "jpeg" else self.format
