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
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Integer, bindparam, event, select

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


def keep_prepared_statements(engine) -> None:
    """On PostgreSQL with psycopg: end a transaction that only read with COMMIT instead of ROLLBACK, so that the
    driver keeps its prepared statements.

    psycopg prepares a statement on the server once a connection has run it ``prepare_threshold`` (5) times, and
    from then on skips parsing and, once PostgreSQL settles on a generic plan, planning (the related-products
    query plans in 1.5 ms and runs in 0.4). But it forgets every prepared statement and every count on
    ``rollback()``, and a request that only read ends its transaction with a rollback (the session's close):
    so no shop-front statement was ever prepared. For a transaction that ran nothing but SELECTs, COMMIT and
    ROLLBACK leave the database the same (locks and transaction-scoped settings end either way), so this
    commits those and really rolls back any transaction that ran anything else (INSERT, UPDATE, DELETE, a
    SAVEPOINT, a SET, a WITH) or failed. With PgBouncer in transaction mode (prepared statements unsupported),
    set ``prepare_threshold`` to None in the engine's connect_args; this then changes nothing.
    """
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return
    from psycopg.pq import TransactionStatus

    dialect = engine.dialect
    wrote: weakref.WeakSet = weakref.WeakSet()  # DBAPI connections whose open transaction ran a non-SELECT
    rollback, commit = dialect.do_rollback, dialect.do_commit

    @event.listens_for(engine, "before_cursor_execute")
    def _note_writes(conn, _cursor, statement, _parameters, _context, _executemany):
        if statement[:6].upper() != "SELECT":
            wrote.add(conn.connection.dbapi_connection)

    def do_rollback(connection):
        raw = getattr(connection, "dbapi_connection", connection)  # the pool's reset passes its proxy
        if raw in wrote or raw.pgconn.transaction_status != TransactionStatus.INTRANS:
            wrote.discard(raw)
            return rollback(connection)  # a write to undo, a failed transaction, or nothing open
        return commit(connection)

    def do_commit(connection):
        wrote.discard(getattr(connection, "dbapi_connection", connection))
        return commit(connection)

    dialect.do_rollback = do_rollback
    dialect.do_commit = do_commit


def limit_param(name: str = "limit"):
    """A LIMIT bound at execution but written into the statement's text (``literal_execute``), for a kept
    statement whose limit is one of a few fixed numbers (related products, featured products).

    With ``LIMIT $n`` PostgreSQL's generic plan for a prepared statement looks costlier than one planned for the
    given values, so it plans the statement again on every run and never settles: the related-products query
    spent 1.3 ms planning to run in 0.2 (100,000 products). With the number in the text it plans five times, then
    keeps one plan (0.27 ms a run). Only for limits the code chooses, never a visitor's number."""
    return bindparam(name, type_=Integer(), literal_execute=True)
