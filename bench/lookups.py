"""Public lookups ("Tra cứu hồ sơ") per second with a million dossiers, next to Django's
"hello world" on the same server in the same run.

    .venv/bin/python bench/lookups.py --database-url postgresql://postgres@127.0.0.1:5432/bench_lookups \\
        [--dossiers 1000000] [--seconds 20] [--connections 50] [--workers 2] [--threads 4]

1. ``bench/dataset.py`` brings the database to ``--dossiers`` dossiers (idempotent: a
   second run only checks), with a fixed benchmark SECRET_KEY so that the lookup digests
   of the generated dossiers match the server's.
2. The portal runs under gunicorn with the production settings (PostgreSQL, Redis, DEBUG
   off, secure cookies, CSP), plus ``PROVINCE_BENCH_HELLO=true`` (mounts /bench/hello/, a
   view returning "Hello, world!" through the same middleware) and
   ``PROVINCE_DOSSIER_LOOKUP_RATE=1000000000``: the lookup's per-address limiter still runs
   (two Redis round trips per lookup, as in production) but never refuses the benchmark,
   whose 50 clients share one address.
3. ``wrk`` (C, from Debian; installed with apt-get when missing) drives each URL for
   ``--seconds`` with ``--connections`` keep-alive connections from one thread: a Python
   client would need about as much CPU per request as the server and, on two cores, would
   measure itself. Each lookup is a real form POST (CSRF cookie + token) of a random
   generated dossier's code and its applicant's last four phone digits; wrk counts any
   answer other than 200 as an error. Hello world first, then lookups, then hello again.

Prints JSON: requests/s and latency p50/p95/p99 (ms) for each, and the lookup/hello ratio.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bin.stack import PY, REPO, free_port, wait_for

# Only ever used for benchmark databases: the digests of generated dossiers depend on it.
BENCH_SECRET_KEY = "benchmark-only-key-0f3c9a7e5b2d4c6e8a1b3d5f7092c4e6a8b0d2f4"
BENCH_REDIS_URL = "redis://127.0.0.1:6379/12"

LUA = r"""
local codes = {%(codes)s}
local token = "%(token)s"
wrk.headers["Cookie"] = "tthc_csrftoken=" .. token
local post = %(post)s
if post then
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
math.randomseed(%(seed)d)
request = function()
  if not post then return wrk.format(nil) end
  local pick = codes[math.random(#codes)]
  local body = "csrfmiddlewaretoken=" .. token .. "&code=" .. pick[1] .. "&phone_digits=" .. pick[2]
  return wrk.format(nil, nil, nil, body)
end
done = function(summary, latency, requests)
  local out = {
    requests = summary.requests,
    seconds = summary.duration / 1e6,
    rate = summary.requests / (summary.duration / 1e6),
    errors_status = summary.errors.status,
    errors_connect = summary.errors.connect,
    errors_read = summary.errors.read,
    errors_timeout = summary.errors.timeout,
    p50_ms = latency:percentile(50) / 1000,
    p95_ms = latency:percentile(95) / 1000,
    p99_ms = latency:percentile(99) / 1000,
    max_ms = latency.max / 1000,
  }
  local parts = {}
  for k, v in pairs(out) do parts[#parts + 1] = string.format('"%%s": %%s', k, v) end
  io.write("RESULT {" .. table.concat(parts, ", ") .. "}\n")
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    subprocess.run([*sudo, "apt-get", "update", "-q"], check=True, stdout=subprocess.DEVNULL)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "wrk"], check=True, env=env, stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed and apt-get could not install it")
    return found


def server_env(database_url: str, var_dir: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="province.settings.production",
        APP_ENV="production",
        PYTHONUNBUFFERED="1",
        DATABASE_URL=database_url,
        REDIS_URL=BENCH_REDIS_URL,
        PROVINCE_SECRET_KEY=BENCH_SECRET_KEY,
        PROVINCE_VAR_DIR=str(var_dir),
        PROVINCE_PUBLIC_URL="https://dichvucong.example.vn",
        PROVINCE_ALLOWED_HOSTS="127.0.0.1",
        PROVINCE_SSL_REDIRECT="false",
        PROVINCE_ALLOW_HTTP_SSO="true",
        NATIONAL_SSO_ISSUER=f"http://127.0.0.1:{port}/not-used",
        NATIONAL_SSO_CLIENT_SECRET="not-used-in-this-benchmark",
        PROVINCE_POPULATION_API_TOKEN="not-used-in-this-benchmark",
        PROVINCE_SMS_GATEWAY_URL=f"http://127.0.0.1:{port}/not-used",
        PROVINCE_SMS_GATEWAY_TOKEN="not-used-in-this-benchmark",
        PROVINCE_FIELD_ENCRYPTION_KEY=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        PROVINCE_BENCH_HELLO="true",
        PROVINCE_DOSSIER_LOOKUP_RATE="1000000000",
    )
    return env


def sample_codes(database_url: str, count: int) -> list[tuple[str, str]]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT code, right(applicant_info->>'phone', 4) FROM dossiers_dossier TABLESAMPLE SYSTEM (2) "
            "WHERE idempotency_key LIKE 'dataset-%%' LIMIT %s",
            [count],
        ).fetchall()
    return [(str(code), str(digits)) for code, digits in rows]


def check_lookup(base: str, token: str, code: str, digits: str) -> None:
    """One lookup by hand before the run: a 200 naming the code, and a 404 with wrong digits."""
    import requests

    cookies = {"tthc_csrftoken": token}
    good = requests.post(
        f"{base}/tra-cuu-ho-so/",
        data={"csrfmiddlewaretoken": token, "code": code, "phone_digits": digits},
        cookies=cookies,
        timeout=10,
    )
    assert good.status_code == 200 and code in good.text, (good.status_code, good.text[:500])
    wrong = "0000" if digits != "0000" else "1111"
    bad = requests.post(
        f"{base}/tra-cuu-ho-so/",
        data={"csrfmiddlewaretoken": token, "code": code, "phone_digits": wrong},
        cookies=cookies,
        timeout=10,
    )
    assert bad.status_code == 404, bad.status_code


def run_wrk(
    wrk: str, url: str, *, seconds: float, connections: int, codes: list[tuple[str, str]] | None, token: str, tmp: Path
) -> dict[str, Any]:
    script = tmp / f"wrk-{secrets.token_hex(4)}.lua"
    listed = ",".join(f'{{"{c}","{d}"}}' for c, d in (codes or [("", "")]))
    script.write_text(
        LUA % {"codes": listed, "token": token, "post": "true" if codes else "false", "seed": secrets.randbelow(10**6)}
    )
    out = subprocess.run(
        [wrk, "-t1", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "5s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(raw for raw in out.splitlines() if raw.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    for key in ("rate", "p50_ms", "p95_ms", "p99_ms", "max_ms", "seconds"):
        result[key] = round(float(result[key]), 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/bench_lookups")
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--skip-load", action="store_true", help="the database is already loaded")
    args = parser.parse_args()
    wrk = ensure_wrk()
    if not args.skip_load:
        subprocess.run(
            [
                PY,
                "-m",
                "bench.dataset",
                "--database-url",
                args.database_url,
                "--dossiers",
                str(args.dossiers),
                "--quiet",
            ],
            cwd=REPO,
            env=dict(os.environ, PROVINCE_SECRET_KEY=BENCH_SECRET_KEY),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    codes = sample_codes(args.database_url, 5000)
    if not codes:
        raise SystemExit("no generated dossiers in the database")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    token = secrets.token_hex(16)  # a CSRF secret of 32 characters, sent as cookie and field
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = server_env(args.database_url, tmp, port)
        subprocess.run([PY, "-m", "province", "collectstatic", "--no-input", "-v0"], cwd=REPO, env=env, check=True)
        server = subprocess.Popen(
            [
                PY,
                "-m",
                "gunicorn",
                "province.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--worker-class",
                "gthread",
                "--keep-alive",
                "30",
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(f"{base}/bench/hello/")
            check_lookup(base, token, *codes[0])
            # warm every worker and the database's cache of the index pages
            run_wrk(
                wrk,
                f"{base}/tra-cuu-ho-so/",
                seconds=5,
                connections=args.connections,
                codes=codes,
                token=token,
                tmp=tmp,
            )
            options: dict[str, Any] = {
                "seconds": args.seconds,
                "connections": args.connections,
                "token": token,
                "tmp": tmp,
            }
            hello = run_wrk(wrk, f"{base}/bench/hello/", codes=None, **options)
            lookups = run_wrk(wrk, f"{base}/tra-cuu-ho-so/", codes=codes, **options)
            hello_after = run_wrk(wrk, f"{base}/bench/hello/", codes=None, **options)
        finally:
            server.terminate()
            server.wait(timeout=20)
    import psycopg

    with psycopg.connect(args.database_url) as conn:
        row = conn.execute("SELECT count(*) FROM dossiers_dossier").fetchone()
    hello_rate = (hello["rate"] + hello_after["rate"]) / 2
    result = {
        "dossiers_in_database": row[0] if row else 0,
        "server": f"gunicorn gthread {args.workers} workers x {args.threads} threads, production settings",
        "load": f"wrk 1 thread, {args.connections} connections, {args.seconds:.0f} s each",
        "hello": hello,
        "lookup": lookups,
        "hello_again": hello_after,
        "lookup_to_hello": round(lookups["rate"] / hello_rate, 3),
        "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
