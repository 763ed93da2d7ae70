"""The Huey instance for an app, built from JOB_QUEUE_URL, and the consumer that `flask worker` runs.

* ``sqlite:///path/jobs.db``: Huey's SQLite storage, the embedded default (`make run` needs no Redis; the web
  server and the worker share the file).
* ``redis://host:6379/0`` (or ``rediss://``): Huey's Redis storage, for production with workers on several
  machines.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone
from pathlib import Path

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.consumer import Consumer, Scheduler

log = logging.getLogger(__name__)


def make_huey(config) -> Huey:
    url = (config.get("JOB_QUEUE_URL") or "").strip()
    name = config.get("JOB_QUEUE_NAME") or "kneadwell"
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(path), results=False, timeout=30)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    if url in ("", "memory://"):
        # One process only (the web server and a worker thread in it): for tests of the app itself.
        return MemoryHuey(name, results=False)
    raise RuntimeError(f"JOB_QUEUE_URL must be sqlite:///path or redis://host:port/db, got {url!r}")


class Every:
    """A periodic task's ``validate_datetime``: true once in each ``seconds``-long window of UTC time (the
    first time the scheduler looks in that window). Works with any scheduler tick that divides the interval."""

    def __init__(self, seconds: int):
        self.seconds = max(int(seconds), 1)
        self._last: int | None = None
        self._lock = threading.Lock()

    def __call__(self, timestamp: datetime) -> bool:
        if timestamp.tzinfo is None:
            timestamp = timestamp.replace(tzinfo=timezone.utc)
        window = int(timestamp.timestamp()) // self.seconds
        with self._lock:
            if window == self._last:
                return False
            self._last = window
            return True

    def __repr__(self) -> str:
        return f"Every({self.seconds}s)"


def make_consumer(huey: Huey, *, workers: int = 1, tick_seconds: int = 60, periodic: bool = True,
                  in_thread: bool = False) -> Consumer:
    """Huey's consumer: worker threads plus the scheduler (retries and periodic jobs). ``tick_seconds`` is
    how often the scheduler looks for periodic jobs (Huey's default is 60; tests use 1). ``in_thread`` lets a
    test run the consumer inside its own process (no signal handlers: those only work in the main thread)."""

    class StoreScheduler(Scheduler):
        periodic_task_seconds = max(int(tick_seconds), 1)

    class StoreConsumer(Consumer):
        scheduler_class = StoreScheduler

        def _set_signal_handlers(self):
            if not in_thread:
                super()._set_signal_handlers()

    return StoreConsumer(huey, workers=workers, periodic=periodic, worker_type="thread", scheduler_interval=1,
                         initial_delay=0.05, backoff=1.5, max_delay=1.0, check_worker_health=True,
                         health_check_interval=5)
