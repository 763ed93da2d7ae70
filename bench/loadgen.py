"""A small HTTP/1.1 load generator for bench/pages.py (no wrk, hey, ab or oha on the machine).

asyncio with raw sockets: C connections, each sending one GET after another (a new TCP connection per request,
"Connection: close", as gunicorn's sync workers close after each response anyway), cycling through a list of
paths. Latency is measured from connect to the last byte; the result is requests per second, p50, p99 and the
count of non-2xx/3xx answers. One process, one core: at a few thousand requests per second it is itself a
noticeable load, the same for the store and for the floor.
"""
from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass


@dataclass
class Result:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    bytes_per_response: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def _one(host: str, port: int, request: bytes) -> tuple[int, int]:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
    status = int(data[9:12]) if data[:5] == b"HTTP/" else 0
    head_end = data.find(b"\r\n\r\n")
    return status, len(data) - head_end - 4 if head_end >= 0 else 0


async def _run(host: str, port: int, paths: list[str], connections: int, duration: float,
               headers: dict[str, str]) -> Result:
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    requests = [f"GET {p} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: kneadwell-bench\r\n{extra}"
                f"Connection: close\r\n\r\n".encode() for p in paths]
    cycle = itertools.cycle(requests)
    latencies: list[float] = []
    errors = 0
    total_bytes = 0
    stop_at = time.perf_counter() + duration

    async def worker():
        nonlocal errors, total_bytes
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            try:
                status, size = await _one(host, port, next(cycle))
            except OSError:
                errors += 1
                await asyncio.sleep(0.01)
                continue
            latencies.append((time.perf_counter() - start) * 1000)
            total_bytes += size
            if not 200 <= status < 400:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    return Result(len(latencies), errors, elapsed, latencies, total_bytes / len(latencies) if latencies else 0)


def load(host: str, port: int, paths: list[str], *, connections: int = 16, duration: float = 10.0,
         headers: dict[str, str] | None = None) -> Result:
    return asyncio.run(_run(host, port, paths, connections, duration, headers or {}))
