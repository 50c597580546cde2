"""Run every benchmark and save their JSON results in bench/results/ (`make bench`).

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
]


def main() -> None:
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    for bench in BENCHES:
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
