"""Drive a running server with wrk and read back throughput and latency.

wrk (C, epoll) is the load generator: on a 2-core machine it leaves most of a
core to the server under test, where a Python load generator would need one
of its own to keep 50 connections busy. Its Lua hook lets every request carry
a bearer token and rotate over many paths, and its `done` hook reports exact
latency percentiles. Each measurement also says how much of the machine's CPU time the
hypervisor took meanwhile ("steal"), which on a shared virtual machine comes in bursts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_SCRIPT = """
local requests = {%(requests)s}
local headers = {%(headers)s}
local i = 0
request = function()
  i = i %% #requests + 1
  local r = requests[i]
  if r[4] == nil then
    return wrk.format(r[1], r[2], headers, r[3])
  end
  local merged = {}
  for k, v in pairs(headers) do merged[k] = v end
  for k, v in pairs(r[4]) do merged[k] = v end
  return wrk.format(r[1], r[2], merged, r[3])
end
done = function(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "socket_errors": %%d, "non_2xx": %%d, '
    .. '"p50_us": %%d, "p99_us": %%d, "max_us": %%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: str | None = None
    # Headers of this request alone (a signature over its body), beside the common ones.
    headers: tuple[tuple[str, str], ...] | None = None


@dataclass(frozen=True)
class Measurement:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    failures: int
    # The share of the machine's CPU time the hypervisor took during the measurement
    # (None where the system does not say).
    stolen: float | None = None

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "rps": round(self.rps, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "requests": self.requests,
            "failures": self.failures,
            "stolen_pct": None if self.stolen is None else round(100 * self.stolen, 1),
        }


def cpu_ticks() -> tuple[int, int] | None:
    """The machine's CPU time since boot and the part of it stolen by the hypervisor, in
    clock ticks, from /proc/stat (Linux); None elsewhere."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    if len(fields) < 8:
        return None
    # user, nice, system, idle, iowait, irq, softirq, steal (guest time is in user)
    return sum(fields), fields[7]


def stolen_between(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """The share of CPU time stolen between two `cpu_ticks` readings."""
    if before is None or after is None or after[0] <= before[0]:
        return None
    return (after[1] - before[1]) / (after[0] - before[0])


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


def _lua_table(pairs: tuple[tuple[str, str], ...]) -> str:
    return "{" + ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in pairs) + "}"


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(
            "bench: wrk is not installed; on Debian or Ubuntu: sudo apt-get install wrk"
        )
    return found


def measure(
    base_url: str,
    requests: list[Request],
    headers: dict[str, str],
    *,
    connections: int = 50,
    seconds: int = 10,
) -> Measurement:
    lua_requests = ", ".join(
        "{"
        + ", ".join(
            [
                _lua_string(r.method),
                _lua_string(r.path),
                _lua_string(r.body) if r.body is not None else "nil",
                _lua_table(r.headers) if r.headers is not None else "nil",
            ]
        )
        + "}"
        for r in requests
    )
    lua_headers = _lua_table(tuple(headers.items()))[1:-1]
    with tempfile.TemporaryDirectory() as directory:
        script = Path(directory) / "load.lua"
        script.write_text(_SCRIPT % {"requests": lua_requests, "headers": lua_headers})
        ticks = cpu_ticks()
        completed = subprocess.run(
            [
                wrk_path(),
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                base_url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        stolen = stolen_between(ticks, cpu_ticks())
    line = next(x for x in completed.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    elapsed = result["duration_us"] / 1e6
    return Measurement(
        requests=result["requests"],
        seconds=elapsed,
        rps=result["requests"] / elapsed,
        p50_ms=result["p50_us"] / 1000,
        p99_ms=result["p99_us"] / 1000,
        failures=result["socket_errors"] + result["non_2xx"],
        stolen=stolen,
    )
