"""Run every benchmark and save their JSON results in bench/results/ (`make bench`).

`--full` adds the public-lookup benchmark, which first loads a million dossiers into the
PostgreSQL database `bench_lookups` (a few minutes of CPU the first time; later runs only
check the count).

docs/benchmarks.md records the latest figures by hand, with the command that gave them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    ["argon2_cost.py"],
    ["sso_logins.py", "--seconds", "20", "--clients", "6"],
    ["portal_signin.py", "--seconds", "20", "--clients", "20"],
    ["submissions.py", "--seconds", "20", "--processes", "4"],
]
FULL = [
    ["lookups.py", "--dossiers", "1000000", "--seconds", "20", "--connections", "50"],
]


def main() -> None:
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    benches = BENCHES + (FULL if "--full" in sys.argv[1:] else [])
    for bench in benches:
        print(f"== {' '.join(bench)}", flush=True)
        result = subprocess.run([sys.executable, str(HERE / bench[0]), *bench[1:]], capture_output=True, text=True)
        if result.returncode != 0:
            print(result.stderr[-2000:])
            raise SystemExit(f"{bench[0]} failed")
        start = result.stdout.index("{")
        data = json.loads(result.stdout[start:])
        (out / f"{Path(bench[0]).stem}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))
        print(json.dumps(data, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
