"""Mixed load against the staging run (`make staging`): N virtual users for S seconds.

    PROVINCE_DOSSIER_LOOKUP_RATE=1000000 PROVINCE_API_ANONYMOUS_RATE_PER_MINUTE=1000000 make staging
    .venv/bin/python bench/load/run.py [--users 200] [--seconds 600] [--think 1.0]

Each virtual user (a thread with its own keep-alive HTTPS session through nginx) first signs
in as a citizen through the national SSO (the sandbox's VNeID password + SMS code flow, then
the province's callback), then loops with a random think time (exponential, mean --think s)
over: the home page, the catalogue (list, search, a procedure's page), public lookups of
dossiers submitted during the run (JSON API), "my dossiers" (its own list page), dossier
submissions through the integration API (OAuth2 client credentials, two small PDFs,
Idempotency-Key) and status reads of them. Every submission answered 201 is written to
``--acks`` (code, key) for bench/faults to check.

Not in the mix: officers' actions (the back office's dossier work is being built) and the
submission wizard's seven steps (the API's submit is the same service, bench/submissions.py).

Reports per action and overall: requests/s, p50/p95/p99 latency, errors by status, and the
resident memory of every staging process (peak and end), as JSON (bench/results/load.json).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bin.stack import PY, REPO
from bin.staging import Settings, Staging

PASSWORD = "Bench@2024"
CREATE_ACCOUNTS = """
from datetime import date
from sandbox.population.models import Resident
from sandbox.idp.models import Account
from django.contrib.auth.hashers import make_password
hashed = make_password({password!r})
for i in range({count}):
    number = "0010992%05d" % i
    r, _ = Resident.objects.get_or_create(id_number=number, defaults=dict(
        full_name="NGƯỜI TẢI %d" % i, birth_date=date(1999, 1, 1), gender="Nam"))
    Account.objects.get_or_create(username=number, defaults=dict(
        kind="vneid", resident=r, level=2, phone="0397%06d" % i, password=hashed))
"""
PAYLOAD = """
import json
from bench.submissions import choose_procedure
from province.catalogue.models import Procedure
chosen = choose_procedure()
procedure = Procedure.objects.get(pk=chosen["procedure_id"])
documents = list(procedure.documents.filter(pk__in=chosen["documents"]).values("id", "name"))
print("PAYLOAD" + json.dumps({"procedure": chosen["code"], "form": chosen["form"], "documents": documents}))
"""


def pdf(size: int) -> str:
    head, tail = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", b"\n%%EOF\n"
    return base64.b64encode(head + secrets.token_bytes(size - len(head) - len(tail)) + tail).decode()


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.samples: list[str] = []

    def add(self, action: str, seconds: float, ok: bool, status: str, detail: str = "") -> None:
        with self.lock:
            self.times[action].append(seconds)
            if not ok:
                self.errors[action][status] += 1
                if len(self.samples) < 20:
                    self.samples.append(f"{action}: {detail or status}")


class User(threading.Thread):
    def __init__(self, index: int, run: Run) -> None:
        super().__init__(daemon=True)
        self.index, self.run_ = index, run
        self.rng = random.Random(index)
        self.s = requests.Session()
        self.s.trust_env = False
        self.s.verify = str(run.ca)
        self.signed_in = False

    def timed(self, action: str, method: str, url: str, expect: tuple[int, ...] = (200,), **kw: Any) -> Any:
        started = time.perf_counter()
        try:
            response = self.s.request(method, url, timeout=30, allow_redirects=False, **kw)
            ok = response.status_code in expect
            status = str(response.status_code) if ok else f"{response.status_code} {response.text[:160]!r}"
        except requests.RequestException as exc:
            response, ok, status = None, False, type(exc).__name__
        self.run_.rec.add(action, time.perf_counter() - started, ok, status.split(" ", 1)[0], status)
        return response if ok else None

    def sign_in(self) -> None:
        run, number = self.run_, "0010992%05d" % self.index
        phone = "0397%06d" % self.index
        started = time.perf_counter()
        try:
            r = self.s.get(f"{run.base}/sso/login/", allow_redirects=False, timeout=30)
            r = self.s.get(r.headers["Location"], allow_redirects=False, timeout=30)  # sandbox authorize
            while r.status_code in (301, 302):
                r = self.s.get(urljoin(r.url, r.headers["Location"]), allow_redirects=False, timeout=30)
            csrf = self.s.cookies.get("nsso_csrftoken")
            r = self.s.post(
                f"{run.sandbox}/dang-nhap/vneid/",
                data={"csrfmiddlewaretoken": csrf, "so_dinh_danh": number, "mat_khau": PASSWORD},
                headers={"Referer": run.sandbox + "/"},
                allow_redirects=False,
                timeout=30,
            )
            if r.status_code != 302:
                raise RuntimeError(f"password step {r.status_code}")
            code = ""
            for _ in range(20):
                outbox = self.s.get(f"{run.sandbox}/dev/sms/outbox.json", params={"to": phone}, timeout=30).json()
                match = re.search(r"\b(\d{6})\b", outbox[0]["body"]) if outbox else None
                if match:
                    code = match.group(1)
                    break
                time.sleep(0.2)
            r = self.s.post(
                f"{run.sandbox}/dang-nhap/otp/",
                data={"csrfmiddlewaretoken": csrf, "ma_otp": code, "action": "confirm"},
                headers={"Referer": run.sandbox + "/"},
                allow_redirects=False,
                timeout=30,
            )
            while r.status_code in (301, 302) and not r.headers["Location"].startswith(run.base + "/sso/callback/"):
                r = self.s.get(urljoin(r.url, r.headers["Location"]), allow_redirects=False, timeout=30)
            r = self.s.get(r.headers["Location"], allow_redirects=False, timeout=30)  # the province's callback
            self.signed_in = r.status_code == 302 and bool(self.s.cookies.get("tthc_sessionid"))
            status = str(r.status_code) if self.signed_in else f"callback {r.status_code}"
        except Exception as exc:  # a failed sign-in is an error of the run, not of the script
            status = f"{type(exc).__name__}: {str(exc)[:60]}"
        run.rec.add("sign_in", time.perf_counter() - started, self.signed_in, status)

    def act(self) -> None:
        run = self.run_
        choice = self.rng.choices(
            ["home", "catalogue", "search", "procedure", "lookup", "my_dossiers", "submit", "status"],
            weights=[10, 15, 10, 15, 20, 10, 10, 10],
        )[0]
        if choice == "home":
            self.timed("home", "GET", f"{run.base}/")
        elif choice == "catalogue":
            self.timed("catalogue", "GET", f"{run.base}/thu-tuc/")
        elif choice == "search":
            self.timed("search", "GET", f"{run.base}/thu-tuc/", params={"q": self.rng.choice(run.words)})
        elif choice == "procedure":
            self.timed("procedure", "GET", f"{run.base}/thu-tuc/{self.rng.choice(run.procedures)}/")
        elif choice == "lookup":
            known = run.known()
            if known:
                code, digits = self.rng.choice(known)
                self.timed("lookup", "POST", f"{run.base}/api/v1/lookup", json={"code": code, "phone_digits": digits})
        elif choice == "my_dossiers" and self.signed_in:
            self.timed("my_dossiers", "GET", f"{run.base}/tai-khoan/ho-so/")
        elif choice == "submit":
            self.submit()
        elif choice == "status":
            known = run.known()
            if known:
                code, _ = self.rng.choice(known)
                self.timed("status", "GET", f"{run.base}/api/v1/dossiers/{code}", headers=run.auth())

    def submit(self) -> None:
        run = self.run_
        key = f"load-{self.index}-{secrets.token_hex(8)}"
        phone = "0912%06d" % self.rng.randrange(10**6)
        body = {
            "procedure": run.payload["procedure"],
            "applicant": {
                "id_number": "0330%08d" % self.rng.randrange(10**8),
                "full_name": "NGUYỄN VĂN TẢI",
                "phone": phone,
                "address": "Thôn 1, xã Phụng Công",
            },
            "form": run.payload["form"],
            "documents": [
                {"document_id": d["id"], "name": d["name"], "content_base64": run.pdf} for d in run.payload["documents"]
            ],
            "delivery": {"method": "agency"},
        }
        for attempt in range(3):  # a client retries with the same key after a failure
            response = self.timed(
                "submit",
                "POST",
                f"{run.base}/api/v1/dossiers",
                expect=(200, 201),
                json=body,
                headers={**run.auth(), "Idempotency-Key": key},
            )
            if response is not None:
                run.acknowledge(response.json()["code"], phone[-4:], key)
                return
            time.sleep(1 + attempt)

    def run(self) -> None:
        self.sign_in()
        while time.monotonic() < self.run_.deadline:
            self.act()
            time.sleep(min(self.rng.expovariate(1 / self.run_.think), 10 * self.run_.think))


class Run:
    def __init__(self, args: argparse.Namespace) -> None:
        self.staging = Staging(Settings())
        self.base = self.staging.s.public_url
        self.sandbox = f"http://127.0.0.1:{self.staging.s.sandbox_port}"
        self.ca = self.staging.root / "tls" / "ca.pem"
        self.think = args.think
        self.rec = Recorder()
        self.codes: list[tuple[str, str]] = []
        self.codes_lock = threading.Lock()
        self.acks = open(args.acks, "a", encoding="utf-8")  # noqa: SIM115 - closed in main
        self.pdf = pdf(20_000)
        self.token = ""
        self.token_until = 0.0
        self.token_lock = threading.Lock()
        self.deadline = 0.0

    def province(self, code: str) -> str:
        done = subprocess.run(
            [PY, "-c", "import django; django.setup()\n" + code],
            cwd=REPO,
            env=self.staging.province_env(),
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def prepare(self, users: int) -> None:
        env = dict(os.environ) | {"DJANGO_SETTINGS_MODULE": "sandbox.settings.local"}
        env["SANDBOX_VAR_DIR"] = str(self.staging.root / "sandbox")
        subprocess.run(
            [PY, "-c", "import django; django.setup()\n" + CREATE_ACCOUNTS.format(password=PASSWORD, count=users)],
            cwd=REPO,
            env=env,
            check=True,
        )
        out = self.province(PAYLOAD)
        self.payload = json.loads(out[out.index("PAYLOAD") + len("PAYLOAD") :])
        out = self.province(
            "from province.catalogue.models import Procedure\n"
            "print('CODES' + ','.join(Procedure.objects.filter(is_active=True).values_list('code', flat=True)[:40]))"
        )
        self.procedures = out[out.index("CODES") + 5 :].strip().split(",")
        self.words = ["khai sinh", "ket hon", "dat dai", "xay dung", "ho tich", "giay phep", "doanh nghiep"]
        made = subprocess.run(
            [PY, "-m", "province", "api_client", "create", "--name", f"bench-load-{secrets.token_hex(3)}",
             "--scopes", "dossiers:submit dossiers:read", "--rate", "1000000"],
            cwd=REPO, env=self.staging.province_env(), capture_output=True, text=True, check=True,
        )  # fmt: skip
        self.client_id = re.search(r"client[_ ]id\W+(\S+)", made.stdout, re.IGNORECASE).group(1)  # type: ignore[union-attr]
        self.client_secret = re.search(r"secret\W+(\S+)", made.stdout, re.IGNORECASE).group(1)  # type: ignore[union-attr]

    def auth(self) -> dict[str, str]:
        with self.token_lock:
            if time.monotonic() > self.token_until:
                response = requests.post(
                    f"{self.base}/api/oauth/token/",
                    data={"grant_type": "client_credentials"},
                    auth=(self.client_id, self.client_secret),
                    verify=str(self.ca),
                    timeout=30,
                )
                response.raise_for_status()
                self.token = response.json()["access_token"]
                self.token_until = time.monotonic() + 600
            return {"Authorization": f"Bearer {self.token}"}

    def acknowledge(self, code: str, digits: str, key: str) -> None:
        with self.codes_lock:
            self.codes.append((code, digits))
            self.acks.write(f"{code} {key}\n")
            self.acks.flush()

    def known(self) -> list[tuple[str, str]]:
        with self.codes_lock:
            return self.codes[-500:]


def staging_pids() -> dict[int, str]:
    names = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        for marker, name in (
            ("deploy/gunicorn.conf.py province.wsgi", "province-web"),
            ("sandbox.wsgi --bind 127.0.0.1:8001", "sandbox-web"),
            ("celery -A province worker", "celery-worker"),
            ("celery -A province beat", "celery-beat"),
            ("var/staging/nginx", "nginx"),
            ("nginx: worker", "nginx"),
        ):
            if marker in cmd:
                names[int(entry.name)] = name
    return names


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--acks", default=str(REPO / "var" / "staging" / "load-acks.txt"))
    parser.add_argument("--report", default=str(REPO / "bench" / "results" / "load.json"))
    args = parser.parse_args()
    run = Run(args)
    print(f"== preparing {args.users} VNeID accounts, the API client and the submission payload", flush=True)
    run.prepare(args.users)
    run.auth()
    run.deadline = time.monotonic() + args.seconds
    users = [User(i, run) for i in range(args.users)]
    started = time.monotonic()
    for user in users:
        user.start()
        time.sleep(0.02)  # a ramp of a few seconds, not 200 handshakes at once
    peak: dict[str, float] = defaultdict(float)
    while any(user.is_alive() for user in users):
        per_pid = staging_pids()
        for pid, name in per_pid.items():
            key = f"{name}:{pid}"
            peak[key] = max(peak[key], rss_mb(pid))
        time.sleep(5)
    elapsed = time.monotonic() - started
    end = {f"{name}:{pid}": round(rss_mb(pid), 1) for pid, name in staging_pids().items()}
    run.acks.close()
    all_times = [t for times in run.rec.times.values() for t in times]
    report: dict[str, Any] = {
        "users": args.users,
        "seconds": round(elapsed, 1),
        "think_mean_seconds": args.think,
        "requests": len(all_times),
        "requests_per_second": round(len(all_times) / elapsed, 1),
        "p50_ms": round(percentile(all_times, 0.50), 1),
        "p95_ms": round(percentile(all_times, 0.95), 1),
        "p99_ms": round(percentile(all_times, 0.99), 1),
        "errors": sum(sum(v.values()) for v in run.rec.errors.values()),
        "signed_in_users": sum(user.signed_in for user in users),
        "submissions_acknowledged": len(run.codes),
        "actions": {
            action: {
                "n": len(times),
                "per_second": round(len(times) / elapsed, 2),
                "p50_ms": round(percentile(times, 0.50), 1),
                "p95_ms": round(percentile(times, 0.95), 1),
                "p99_ms": round(percentile(times, 0.99), 1),
                "mean_ms": round(statistics.fmean(times) * 1000, 1),
                "errors": dict(run.rec.errors.get(action, {})),
            }
            for action, times in sorted(run.rec.times.items())
        },
        "error_samples": run.rec.samples,
        "memory_mb_peak": {k: round(v, 1) for k, v in sorted(peak.items())},
        "memory_mb_end": dict(sorted(end.items())),
    }
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
