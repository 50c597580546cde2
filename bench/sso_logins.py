"""Completed VNeID password + OTP logins per second through the sandbox SSO.

    .venv/bin/python bench/sso_logins.py [--seconds 20] [--clients 8]

Each login is the whole flow a browser and a relying party make: authorize → login page →
password (Argon2id) → OTP page → OTP (answered with the redirect to the client and its
code) → token exchange with PKCE (6 requests). Redirects are followed as a browser would,
so the script also works if a step gains or loses one.
The sandbox runs under gunicorn with one worker process pinned to CPU 0 (`taskset`), the load
generator on the other CPU, so the figure is per core. The OTP is read from the sandbox's
SQLite outbox directly, so that reading it costs the server nothing. Reported: throughput,
server CPU seconds per login (from /proc), the Argon2 cost, and the server's own work per
login besides the hash.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlparse

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.argon2_cost import measure as argon2_measure
from bin.stack import CLIENT_ID, CLIENT_SECRET, Stack, free_port

ACCOUNTS = 400
PASSWORD = "Bench@2024"
CREATE_ACCOUNTS = f"""
from datetime import date
from sandbox.population.models import Resident
from sandbox.idp.models import Account
from django.contrib.auth.hashers import make_password
hashed = make_password({PASSWORD!r})
for i in range({ACCOUNTS}):
    number = "0010990%05d" % i
    r, _ = Resident.objects.get_or_create(id_number=number, defaults=dict(
        full_name="NGƯỜI THỬ %d" % i, birth_date=date(1999, 1, 1), gender="Nam"))
    Account.objects.get_or_create(username=number, defaults=dict(
        kind="vneid", resident=r, level=2, phone="0399%06d" % i, password=hashed))
"""


def proc_cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (FileNotFoundError, IndexError):
            pass
    return total


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [pid, *map(int, out)]


def one_login(base: str, redirect_uri: str, number: str, db: Path) -> float:
    start = time.perf_counter()
    s = requests.Session()
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": "openid profile dinhdanh phone",
        "state": secrets.token_urlsafe(8),
        "nonce": secrets.token_urlsafe(8),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    r = s.get(f"{base}/oauth2/authorize/?{urlencode(params)}", allow_redirects=False)
    while r.status_code in (301, 302, 303):
        r = s.get(urljoin(r.url, r.headers["Location"]), allow_redirects=False)
    r = s.post(
        f"{base}/dang-nhap/vneid/",
        data={"csrfmiddlewaretoken": s.cookies["nsso_csrftoken"], "so_dinh_danh": number, "mat_khau": PASSWORD},
        headers={"Referer": base + "/"},
        allow_redirects=False,
    )
    assert r.status_code == 302, r.status_code
    s.get(urljoin(r.url, r.headers["Location"]))
    phone = "0399" + number[-6:]
    with sqlite3.connect(db, timeout=10) as conn:
        body = conn.execute('SELECT body FROM sms_message WHERE "to"=? ORDER BY id DESC LIMIT 1', (phone,)).fetchone()[
            0
        ]
    code = re.search(r"\b(\d{6})\b", body).group(1)  # type: ignore[union-attr]
    r = s.post(
        f"{base}/dang-nhap/otp/",
        data={"csrfmiddlewaretoken": s.cookies["nsso_csrftoken"], "ma_otp": code, "action": "confirm"},
        headers={"Referer": base + "/"},
        allow_redirects=False,
    )
    while not r.headers["Location"].startswith(redirect_uri):
        r = s.get(urljoin(r.url, r.headers["Location"]), allow_redirects=False)
    code_value = parse_qs(urlparse(r.headers["Location"]).query)["code"][0]
    t = requests.post(
        f"{base}/oauth2/token/",
        data={
            "grant_type": "authorization_code",
            "code": code_value,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    assert t.status_code == 200 and "id_token" in t.json()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(
            var_dir=Path(tmp), province_port=free_port(), sandbox_port=free_port(), workers=1, threads=8, quiet=True
        )
        stack.prepare(seed=False, province=False)
        subprocess.run(
            [sys.executable, "-m", "sandbox", "shell", "-c", CREATE_ACCOUNTS],
            env=stack.env("sandbox.settings.local"),
            check=True,
        )
        stack.start(sandbox_only=True, sandbox_cpu="0")
        db = Path(tmp) / "sandbox" / "sandbox.sqlite3"
        redirect_uri = f"{stack.province_url}/sso/callback/"
        base = stack.sandbox_url
        one_login(base, redirect_uri, "001099000399", db)  # warm up
        pids = children(stack.processes[0].pid)
        counter = iter(range(ACCOUNTS * 4))
        lock = threading.Lock()
        latencies: list[float] = []
        errors = 0
        deadline = time.monotonic() + args.seconds

        def worker() -> None:
            nonlocal errors
            while time.monotonic() < deadline:
                with lock:
                    n = next(counter)
                number = "0010990%05d" % (n % (ACCOUNTS - 1))
                try:
                    latencies.append(one_login(base, redirect_uri, number, db))
                except Exception:
                    errors += 1

        cpu_before = proc_cpu_seconds(pids)
        wall = time.monotonic()
        threads = [threading.Thread(target=worker) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - wall
        cpu = proc_cpu_seconds(pids) - cpu_before
        stack.stop()
    done = len(latencies)
    argon = argon2_measure()
    cpu_per_login_ms = cpu / done * 1000 if done else float("nan")
    latencies.sort()
    result = {
        "benchmark": "sandbox SSO: VNeID password + OTP, full code flow",
        "server": "gunicorn, 1 worker x 8 threads, pinned to 1 CPU",
        "clients": args.clients,
        "seconds": round(wall, 1),
        "logins": done,
        "errors": errors,
        "logins_per_second": round(done / wall, 1),
        "server_cpu_ms_per_login": round(cpu_per_login_ms, 2),
        "logins_per_cpu_second": round(1000 / cpu_per_login_ms, 1),
        "argon2_verify_ms": argon["median_ms"],
        "argon2_verify_cpu_ms": argon["cpu_median_ms"],
        # Server CPU per login besides one hash, both in CPU time (wall time of the hash
        # grows with the machine's load, CPU time much less).
        "own_work_ms_besides_hash": round(cpu_per_login_ms - argon["cpu_median_ms"], 2),
        "own_work_share_of_hash": round((cpu_per_login_ms - argon["cpu_median_ms"]) / argon["cpu_median_ms"], 2),
        "latency_p50_ms": round(latencies[done // 2] * 1000, 1) if done else None,
        "latency_p95_ms": round(latencies[int(done * 0.95)] * 1000, 1) if done else None,
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
