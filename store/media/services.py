"""Media use cases. They run inside the caller's transaction (``store.db.transaction``) and never commit:
the caller's use case (an admin adding a product picture, the demo seed) commits once."""
from __future__ import annotations

from sqlalchemy import delete, exists, literal, select
from sqlalchemy.exc import IntegrityError

from store.extensions import db
from store.media import images, storage
from store.media.images import EncodedPicture, ImageRejected  # noqa: F401  (re-exported for callers)
from store.media.models import MediaBlob, Picture, Rendition


def encode(data: bytes) -> EncodedPicture:
    """Verify and re-encode (CPU work: call it before opening the write transaction)."""
    return images.encode(data)


def find_picture(source_sha256: str) -> Picture | None:
    return db.session.scalars(select(Picture).where(Picture.source_sha256 == source_sha256)).first()


def _ensure_blob(encoded: images.Encoded) -> str:
    sha = encoded.sha256
    if db.session.get(MediaBlob, sha) is None:
        blob = MediaBlob(sha256=sha, content_type=encoded.content_type, size=len(encoded.data),
                         width=encoded.width, height=encoded.height)
        storage.put_bytes(blob, encoded.data)
        try:
            with db.session.begin_nested():   # another instance may store the same bytes at the same moment
                db.session.add(blob)
        except IntegrityError:
            pass                              # it did: the bytes are the same, by definition
    return sha


def save_picture(encoded: EncodedPicture) -> Picture:
    """The picture for these renditions: an existing one when the same file was uploaded before."""
    picture = find_picture(encoded.source_sha256)
    if picture is not None:
        return picture
    picture = Picture(source_sha256=encoded.source_sha256, width=encoded.width, height=encoded.height)
    for item in encoded.renditions:
        picture.renditions.append(Rendition(format=item.format, width=item.width, height=item.height,
                                            blob_sha256=_ensure_blob(item)))
    db.session.add(picture)
    db.session.flush()
    return picture


def delete_picture(picture: Picture) -> None:
    """Delete a picture nothing uses any more, then every blob no rendition refers to."""
    db.session.delete(picture)
    db.session.flush()
    delete_unused_blobs()


def picture_in_use(picture: Picture) -> bool:
    """Whether any row outside media (a product image, a category, ...) still points at ``picture``.

    Read from the schema's foreign keys, so an area that starts using pictures is covered without media having
    to know it (media sits below the areas and imports none of them)."""
    for table in db.metadata.sorted_tables:
        if table.name == Rendition.__tablename__:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == Picture.__tablename__:
                if db.session.execute(select(literal(1)).select_from(table)
                                      .where(fk.parent == picture.id).limit(1)).first() is not None:
                    return True
    return False


def delete_picture_if_unused(picture: Picture) -> bool:
    """Delete ``picture`` (and the blobs only it used) when nothing points at it any more."""
    db.session.flush()
    if picture_in_use(picture):
        return False
    delete_picture(picture)
    return True


def delete_unused_blobs() -> int:
    result = db.session.execute(delete(MediaBlob).where(
        ~exists().where(Rendition.blob_sha256 == MediaBlob.sha256)).execution_options(synchronize_session=False))
    return result.rowcount or 0
