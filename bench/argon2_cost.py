"""Time of one Argon2id hash with the sandbox's chosen parameters (sandbox/idp/hashers.py).

.venv/bin/python bench/argon2_cost.py

Reports the wall-clock median and the CPU-time median (this thread's CPU seconds): on a
shared, loaded machine the CPU figure is the one to compare with the server's CPU per login.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def measure(rounds: int = 40) -> dict[str, float]:
    import argon2

    from sandbox.idp.hashers import VneidArgon2Hasher as H

    hasher = argon2.PasswordHasher(
        time_cost=H.time_cost, memory_cost=H.memory_cost, parallelism=H.parallelism, type=argon2.Type.ID
    )
    encoded = hasher.hash("Vneid@2024")
    timings = []
    cpu_timings = []
    for _ in range(rounds):
        start, cpu_start = time.perf_counter(), time.thread_time()
        hasher.verify(encoded, "Vneid@2024")
        cpu_timings.append(time.thread_time() - cpu_start)
        timings.append(time.perf_counter() - start)
    return {
        "time_cost": H.time_cost,
        "memory_cost_kib": H.memory_cost,
        "parallelism": H.parallelism,
        "median_ms": round(statistics.median(timings) * 1000, 2),
        "p95_ms": round(sorted(timings)[int(len(timings) * 0.95) - 1] * 1000, 2),
        "cpu_median_ms": round(statistics.median(cpu_timings) * 1000, 2),
    }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
