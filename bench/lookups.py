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
   answer other than 200 as an error. Hello world first, then lookups through the page,
   then the same lookups through the JSON API (``POST /api/v1/lookup``, what kiosks and the
   mobile app use), then page lookups again with the same connections paced at half the
   saturated rate (the latency of 50 clients when the server is not their queue: closed-loop
   connections at saturation wait ``connections / rate`` on average, by Little's law), then
   hello again. Before that, the tables a lookup reads are vacuumed
   (``settle``) and the autovacuum workers running during the runs are counted.

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
local json = %(json)s
if post then
  wrk.method = "POST"
  wrk.headers["Content-Type"] = json and "application/json" or "application/x-www-form-urlencoded"
end
math.randomseed(%(seed)d)
request = function()
  if not post then return wrk.format(nil) end
  local pick = codes[math.random(#codes)]
  local body
  if json then
    body = '{"code": "' .. pick[1] .. '", "phone_digits": "' .. pick[2] .. '"}'
  else
    body = "csrfmiddlewaretoken=" .. token .. "&code=" .. pick[1] .. "&phone_digits=" .. pick[2]
  end
  return wrk.format(nil, nil, nil, body)
end
local pace = %(pace_ms)s
if pace > 0 then
  -- each connection is a client that waits a random (exponential) time between its requests
  delay = function() return math.floor(-pace * math.log(1 - math.random())) end
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
        PROVINCE_API_ANONYMOUS_RATE_PER_MINUTE="1000000000",
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


def settle(database_url: str) -> None:
    """VACUUM ANALYZE the tables a lookup reads. Right after a bulk load, the first reads of
    each page set its hint bits (writes) and autovacuum starts on the new rows: both take
    CPU from the server for minutes and made an earlier run measure them, not the lookups.
    Quick when the tables are already vacuumed."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        for table in ("dossiers_dossier", "dossiers_dossierevent", "catalogue_procedure", "catalogue_agency"):
            conn.execute(f"VACUUM (ANALYZE) {table}")


def autovacuum_workers(database_url: str) -> int:
    """How many autovacuum workers run now (background work competing with the benchmark)."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'").fetchone()
    return int(row[0]) if row else 0


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
    wrk: str,
    url: str,
    *,
    seconds: float,
    connections: int,
    codes: list[tuple[str, str]] | None,
    token: str,
    tmp: Path,
    as_json: bool = False,
    rate: float = 0,
) -> dict[str, Any]:
    """Closed loop (each connection sends its next request when the answer arrives), or,
    with ``rate``, paced: each connection waits a random time with mean ``connections /
    rate`` between requests, so the server gets about ``rate`` requests per second and the
    latency is not its queue at saturation."""
    script = tmp / f"wrk-{secrets.token_hex(4)}.lua"
    listed = ",".join(f'{{"{c}","{d}"}}' for c, d in (codes or [("", "")]))
    script.write_text(
        LUA
        % {
            "codes": listed,
            "token": token,
            "post": "true" if codes else "false",
            "json": "true" if as_json else "false",
            "seed": secrets.randbelow(10**6),
            "pace_ms": round(connections / rate * 1000) if rate else 0,
        }
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
    settle(args.database_url)
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
                # wrk opens its keep-alive connections at once and keeps them: left alone, one
                # worker may accept most of them and serve the whole run on one core (rates
                # of ~300/s against ~540/s for the same code, at random); capped, each
                # worker takes its share and the others wait for the next one
                "--worker-connections",
                str(-(-args.connections // args.workers)),
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
            background = [autovacuum_workers(args.database_url)]
            hello = run_wrk(wrk, f"{base}/bench/hello/", codes=None, **options)
            lookups = run_wrk(wrk, f"{base}/tra-cuu-ho-so/", codes=codes, **options)
            background.append(autovacuum_workers(args.database_url))
            api = run_wrk(wrk, f"{base}/api/v1/lookup", codes=codes, as_json=True, **options)
            paced_rate = round(lookups["rate"] / 2)
            paced = run_wrk(wrk, f"{base}/tra-cuu-ho-so/", codes=codes, rate=paced_rate, **options)
            hello_after = run_wrk(wrk, f"{base}/bench/hello/", codes=None, **options)
            background.append(autovacuum_workers(args.database_url))
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
        "api_lookup": api,
        "lookup_paced_at_half_the_saturated_rate": {"offered_per_second": paced_rate, **paced},
        "hello_again": hello_after,
        "lookup_to_hello": round(lookups["rate"] / hello_rate, 3),
        "api_lookup_to_hello": round(api["rate"] / hello_rate, 3),
        "autovacuum_workers_before_between_after": background,
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
