"""Transactions and locks: the one place a use case's write transaction is opened, committed or rolled back.

Every service that writes runs its body inside ``transaction()``::

    with transaction():
        ...  # reads and writes
    # committed here; on any exception everything was rolled back and the exception goes on

Domain errors are translated *outside* the block (``except StaleDataError as exc: raise StaleEdit() from exc``):
by then the session has already been rolled back. ``begin_write`` takes SQLite's write lock up front;
``lock_row`` loads one row for update (a row lock on PostgreSQL).
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import select

from store.extensions import db

T = TypeVar("T")


@contextmanager
def transaction(*, write: bool = False, commit: bool = True) -> Iterator[None]:
    """Run a use case as one transaction: commit when the block ends (unless ``commit=False``, for a caller
    that commits an outer use case itself), roll back on any exception and re-raise it. With ``write=True``
    the write lock is taken first (see ``begin_write``)."""
    try:
        if write:
            begin_write()
        yield
        if commit:
            db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def begin_write() -> None:
    """Start the current use case's write transaction.

    On SQLite the write lock is taken up front (``BEGIN IMMEDIATE``): a deferred transaction that read first
    and writes later fails with "database is locked" when two connections try to upgrade at once, while an
    immediate one waits its turn on busy_timeout. PostgreSQL needs nothing here: it keeps its normal
    isolation and the services use row locks and conditional UPDATEs.
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.driver_connection
    if not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_row(model: type[T], row_id: int) -> T | None:
    """Load one row for update, refreshed from the database: a row lock on PostgreSQL (SQLite is serialised by
    ``begin_write``). None when the row does not exist."""
    return db.session.scalars(
        select(model).where(model.id == row_id).with_for_update()
        .execution_options(populate_existing=True)).first()


def prepared(build: Callable[..., T]) -> Callable[..., T]:
    """A statement built once per process, on first use, and reused: building a SQLAlchemy statement (the
    column coercions, the operator lookups, an alias's adaptation) costs more Python than running a small one,
    and a shop-front page runs a dozen. ``build(*shape)`` returns the statement for one shape (e.g. a sort),
    with ``bindparam`` for every value; call the result as ``stmt(*shape)`` and pass the values at execution::

        @prepared
        def _by_slug():
            return select(Product).where(Product.slug == bindparam("slug"))

        db.session.scalar(_by_slug(), {"slug": slug})

    Statements are immutable, so one shared by every request of the process is safe; nothing in it depends on
    the request, the instance or the data (that is what the parameters are for).
    """
    built: dict[tuple, T] = {}

    @functools.wraps(build)
    def statement(*shape):
        stmt = built.get(shape)
        if stmt is None:
            stmt = built[shape] = build(*shape)
        return stmt
    return statement
