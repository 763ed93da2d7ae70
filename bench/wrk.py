"""Debian's `wrk` as bench/pages.py's load generator, when it is installed (`apt-get install wrk`).

wrk is written in C and costs far less CPU per request than the Python generator (bench/loadgen.py), which
matters on a 2-core machine where the load generator, the server and the floor share the cores. A small Lua
script cycles through the page's paths; its `done` hook prints the request count, errors, duration and latency
percentiles as one line the runner parses. Keep-alive as wrk does by default; gunicorn's sync workers close each
connection after the response, so every request is in practice a new connection, for the store and the floor
alike.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["User-Agent"] = "kneadwell-bench"})
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
                 + summary.errors.status
  io.write(string.format('WRKRESULT {"requests": %%d, "errors": %%d, "seconds": %%f, "p50": %%f, "p99": %%f}\\n',
    summary.requests, errors, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
"""


@dataclass
class Result:
    requests: int
    errors: int
    seconds: float
    p50: float
    p99: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        return self.p50 if q <= 0.5 else self.p99


def available() -> bool:
    return shutil.which("wrk") is not None


def load(host: str, port: int, paths: list[str], *, connections: int = 16, duration: float = 10.0,
         threads: int = 2) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(SCRIPT % ", ".join(json.dumps(p) for p in paths))
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s",
                          "-s", script.name, f"http://{host}:{port}/"],
                         capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("WRKRESULT "))
    data = json.loads(line.removeprefix("WRKRESULT "))
    return Result(data["requests"], data["errors"], data["seconds"], data["p50"], data["p99"])
