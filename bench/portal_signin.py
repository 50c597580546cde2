"""The provincial portal's own cost per completed sign-in, apart from the provider's.

    .venv/bin/python bench/portal_signin.py [--seconds 20] [--clients 20] [--people 500]
        [--workers 1 --threads 8] [--no-pin] [--always-userinfo]

By default the portal runs under gunicorn (1 worker x 8 threads) pinned to CPU 0 and a
minimal fake OIDC provider (bench/fake_oidc.py) pinned to CPU 1, so that the CPU figure is
one core's; ``--workers 2 --no-pin`` runs the portal as production does on this machine (both
cores, no pinning). The provider signs real RS256 ID tokens carrying the person's claims,
as the national SSO and the sandbox do; ``--always-userinfo`` makes the portal read the
userinfo endpoint as well (NATIONAL_SSO_ALWAYS_USERINFO), as it does for a provider whose ID
tokens carry only protocol claims. Each sign-in is what a browser and the portal do: GET
/sso/login/ (state, nonce, PKCE, redirect) then GET /sso/callback/ (state check, code
exchange, ID-token verification, claim mapping, Person update, session rotation, login log,
audit). The portal's CPU seconds come from /proc, so the per-sign-in figure does not depend
on the load generator sharing the machine; the wall-clock figures do, hence the load
average printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sso_logins import children, proc_cpu_seconds
from bin.stack import PY, REPO, Stack, free_port, wait_for


def sign_in(base: str, index: int) -> float:
    s = requests.Session()
    r = s.get(f"{base}/sso/login/?next=/tai-khoan/", allow_redirects=False)
    query = parse_qs(urlparse(r.headers["Location"]).query)
    started = time.perf_counter()
    code = f"{index}.{query['nonce'][0]}"
    cb = s.get(f"{base}/sso/callback/", params={"code": code, "state": query["state"][0]}, allow_redirects=False)
    elapsed = time.perf_counter() - started
    assert cb.status_code == 302 and cb.headers["Location"] == "/tai-khoan/", (cb.status_code, cb.text[:300])
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--no-pin", action="store_true", help="let the portal and the provider use any CPU")
    parser.add_argument("--always-userinfo", action="store_true", help="read userinfo at every sign-in too")
    args = parser.parse_args()
    pin = not args.no_pin
    idp_port = free_port()
    issuer = f"http://127.0.0.1:{idp_port}/oauth2"
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(
            var_dir=Path(tmp),
            province_port=free_port(),
            sandbox_port=idp_port,
            workers=args.workers,
            threads=args.threads,
            quiet=True,
            extra_env={
                "NATIONAL_SSO_ISSUER": issuer,
                "NATIONAL_SSO_ALWAYS_USERINFO": "true" if args.always_userinfo else "false",
            },
        )
        stack.manage("province", "migrate", "--no-input", "-v0")
        idp = subprocess.Popen(
            [
                *(["taskset", "-c", "1"] if pin else []),
                PY,
                "-m",
                "gunicorn",
                f"bench.fake_oidc:make_app({issuer!r})",
                "--bind",
                f"127.0.0.1:{idp_port}",
                "--workers",
                "1",
                "--threads",
                "8",
            ],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(f"{issuer}/.well-known/openid-configuration")
            portal = stack._serve("province", stack.province_port, cpu="0" if pin else None)
            wait_for(f"{stack.province_url}/")
            base = stack.province_url
            for i in range(args.people):  # first sign-ins create the people; measured runs are returning users
                sign_in(base, i)
            pids = children(portal.pid)
            latencies: list[float] = []
            errors = 0
            counter = iter(range(10**9))
            lock = threading.Lock()
            deadline = time.monotonic() + args.seconds

            def worker() -> None:
                nonlocal errors
                while time.monotonic() < deadline:
                    with lock:
                        n = next(counter)
                    try:
                        latencies.append(sign_in(base, n % args.people))
                    except Exception:
                        errors += 1

            load_before = os.getloadavg()[0]
            cpu0 = proc_cpu_seconds(pids)
            wall = time.monotonic()
            threads = [threading.Thread(target=worker) for _ in range(args.clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.monotonic() - wall
            cpu = proc_cpu_seconds(pids) - cpu0
            load_after = os.getloadavg()[0]
        finally:
            stack.stop()
            idp.terminate()
            idp.wait(10)
    done = len(latencies)
    latencies.sort()
    cpu_ms = cpu / done * 1000
    print(
        json.dumps(
            {
                "benchmark": "portal side of a sign-in: /sso/login/ + /sso/callback/ (returning users)",
                "server": f"gunicorn, {args.workers} worker(s) x {args.threads} threads, "
                + ("pinned to CPU 0; fake provider pinned to CPU 1" if pin else "not pinned (both CPUs)"),
                "userinfo": "read at every sign-in" if args.always_userinfo else "skipped (ID token names the person)",
                "load_average_1min_before_after": [round(load_before, 2), round(load_after, 2)],
                "clients": args.clients,
                "seconds": round(wall, 1),
                "sign_ins": done,
                "errors": errors,
                "sign_ins_per_second": round(done / wall, 1),
                "portal_cpu_ms_per_sign_in": round(cpu_ms, 2),
                "sign_ins_per_cpu_second": round(1000 / cpu_ms, 1),
                "callback_p50_ms": round(latencies[done // 2] * 1000, 1),
                "callback_p95_ms": round(latencies[int(done * 0.95)] * 1000, 1),
                "callback_p99_ms": round(latencies[int(done * 0.99)] * 1000, 1),
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
