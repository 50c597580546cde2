"""Faults during the mixed load (bench/load/run.py) against the staging run, then checks.

    .venv/bin/python bench/faults/run.py [--users 200] [--officers 10] [--seconds 600] [--skip-postgres]

If nothing answers at the staging address, the script starts the staging run itself
(``bin/staging.py``, as ``make staging`` does, with the per-address limits raised: every
virtual user comes from 127.0.0.1) and stops it at the end; its log goes to
``var/staging/logs/faults-staging.log``. A staging run already up is used as it is (start
it with ``PROVINCE_DOSSIER_LOOKUP_RATE=1000000 PROVINCE_API_ANONYMOUS_RATE_PER_MINUTE=1000000``).

At 15 %, 35 %, 55 % and 75 % of the run, in that order:

1. ``kill -9`` the gunicorn master of web instance 1 (its workers die with it; the staging
   supervisor starts it again, like systemd's Restart=always; nginx sends traffic to
   instance 2 meanwhile);
2. ``kill -9`` the Celery worker's main process (jobs being run are acknowledged late,
   so the broker gives them again);
3. restart Redis (``redis-cli shutdown nosave``, then ``redis-server`` as the CI starts it);
4. restart PostgreSQL (``pg_ctlcluster … restart``; ``--skip-postgres`` leaves it out: the
   server may be shared with other work, whose connections the restart ends too).

For each fault it records how long ``/readyz`` (through nginx) took to answer 200 again
(the web serves) and to report every check ok (the cache and broker back too: with Redis
down ``/readyz`` stays 200, "degraded"), and what a prober saw meanwhile: a thread that,
apart from the load, asks the home page, the catalogue and the public lookup API every
half second and counts the answers by status until the next fault.
After the load it waits for the notification outbox to drain (beat retries every minute)
and checks: every submission acknowledged with 201 (bench/load's ``--acks`` file) is in the
database with all its documents, each file on disk with its recorded size; every dossier
has the SMS notification row of its submission, and every SMS row is sent (the load's
officers add one for each reception, approval and result returned); for each applicant's
phone, the sandbox's SMS outbox holds exactly as many messages as there are SMS rows to it
(none lost, none twice). The load's own check of the officers' work is in ``load``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bin.stack import PY, REPO
from bin.staging import Settings, Staging

# every virtual user comes from 127.0.0.1: the per-address limits would stop the load
STAGING_LIMITS = {"PROVINCE_DOSSIER_LOOKUP_RATE": "1000000", "PROVINCE_API_ANONYMOUS_RATE_PER_MINUTE": "1000000"}

REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
    "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip

CHECK = """
import json, os, sys
from django.db.models import Count
from province.dossiers.models import Dossier, DossierEvent, Notification
acks = [line.split() for line in open(sys.argv[1]) if line.strip()]
codes = [code for code, _ in acks]
found = {d.code: d for d in Dossier.objects.filter(code__in=codes).prefetch_related("documents")}
missing = [c for c in codes if c not in found]
bad_files = []
for dossier in found.values():
    for document in dossier.documents.all():
        path = document.file.path
        if not os.path.exists(path) or os.path.getsize(path) != document.file.size:
            bad_files.append(f"{dossier.code}:{document.pk}")
notes = Notification.objects.filter(dossier__code__in=codes, channel="sms")
per_dossier = dict(notes.values_list("dossier__code").annotate(n=Count("id")))
states = dict(notes.values_list("state").annotate(n=Count("id")))
# the submission's notice is keyed by its event, the dossier's first (no status before)
submitted = DossierEvent.objects.filter(dossier__code__in=codes, from_status__isnull=True)
keys = {f"event:{pk}": code for pk, code in submitted.values_list("pk", "dossier__code")}
noticed = set(notes.filter(event_key__in=list(keys)).values_list("event_key", flat=True))
phones = {d.code: d.applicant_info.get("phone", "") for d in found.values()}
# every SMS row to these phones, of any dossier (the sandbox's outbox keeps every run's)
rows_per_phone = dict(
    Notification.objects.filter(channel="sms", to__in=set(phones.values())).values_list("to").annotate(n=Count("id"))
)
print("CHECK" + json.dumps({
    "acknowledged": len(codes), "in_database": len(found), "missing": missing[:20],
    "documents": sum(d.documents.count() for d in found.values()), "bad_files": bad_files[:20],
    "sms_rows_per_dossier": sorted(set(per_dossier.values())),
    "dossiers_without_submission_sms": len(set(codes) - {keys[key] for key in noticed}),
    "sms_states": states, "phones": phones, "sms_rows_per_phone": rows_per_phone,
}))
"""


def ready_after(url: str, ca: Path, started: float, limit: float = 180) -> dict[str, float | None]:
    """Seconds from ``started`` until ``url`` answers 200 (``serving``) and until it also
    reports every check ok (``all_checks_ok``); None: not within ``limit``."""
    session = requests.Session()
    session.trust_env = False
    found: dict[str, float | None] = {"serving": None, "all_checks_ok": None}
    while time.monotonic() - started < limit:
        try:
            answer = session.get(url, verify=str(ca), timeout=3)
            if answer.status_code == 200:
                now = round(time.monotonic() - started, 1)
                if found["serving"] is None:
                    found["serving"] = now
                if answer.json().get("status") == "ok":
                    found["all_checks_ok"] = now
                    return found
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.5)
    return found


class Prober(threading.Thread):
    """Apart from the load: the home page, the catalogue and a public lookup every half
    second, each answer kept with its time, so that each fault's effect can be told apart."""

    def __init__(self, base: str, ca: Path) -> None:
        super().__init__(daemon=True)
        self.base, self.ca = base, ca
        self.seen: list[tuple[float, str, str]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        session = requests.Session()
        session.trust_env = False
        session.verify = str(self.ca)
        lookup = {"code": "000.00.00.H33-000000-0000", "phone_digits": "0000"}  # a 404 is a right answer
        probes: list[tuple[str, str, str, dict[str, str] | None]] = [
            ("home", "GET", "/", None),
            ("catalogue", "GET", "/thu-tuc/", None),
            ("lookup_api", "POST", "/api/v1/lookup", lookup),
        ]
        while not self.stopping.is_set():
            for name, method, path, body in probes:
                try:
                    status = str(session.request(method, f"{self.base}{path}", json=body, timeout=10).status_code)
                except requests.RequestException as exc:
                    status = type(exc).__name__
                self.seen.append((time.monotonic(), name, status))
            self.stopping.wait(0.5)

    def between(self, start: float, end: float) -> dict[str, Any]:
        """Answers by probe and status in [start, end), and how long the errors lasted."""
        counts: dict[str, dict[str, int]] = {}
        bad = [t for t, name, status in self.seen if start <= t < end and status not in ("200", "404")]
        for t, name, status in self.seen:
            if start <= t < end:
                counts.setdefault(name, {}).setdefault(status, 0)
                counts[name][status] += 1
        return {
            "answers": counts,
            "errors": len(bad),
            "errors_from_s": round(bad[0] - start, 1) if bad else None,
            "errors_until_s": round(bad[-1] - start, 1) if bad else None,
        }


def pid_of(pattern: str) -> int:
    out = subprocess.run(["pgrep", "-o", "-f", pattern], capture_output=True, text=True, check=False).stdout.split()
    if not out:
        raise RuntimeError(f"no process matches {pattern!r}")
    return int(out[0])


def web_master(port: int) -> int:
    """The gunicorn master serving ``port`` (found by its environment: no setproctitle here)."""
    marker = f"GUNICORN_BIND=127.0.0.1:{port}".encode()
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    pids.add(int(entry.name))
            except OSError:
                continue
    for pid in pids:
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        if parent not in pids:
            return pid
    raise RuntimeError(f"no gunicorn master on port {port}")


def kill_web() -> str:
    pid = web_master(Settings().first_web_port)
    os.kill(pid, signal.SIGKILL)
    return f"kill -9 gunicorn master of web instance 1 (pid {pid}; its workers exit when they see it gone)"


def kill_worker() -> str:
    pid = pid_of("celery -A province worker")
    os.kill(pid, signal.SIGKILL)
    return f"kill -9 Celery worker (pid {pid})"


def restart_redis() -> str:
    subprocess.run(["redis-cli", "shutdown", "nosave"], check=False, capture_output=True)
    time.sleep(2)
    subprocess.run(REDIS_START, check=True)
    return "Redis shut down (nosave) and started again after 2 s"


def others_on_postgres() -> int:
    """Sessions of other databases on the server (other people's work): said in the report."""
    import psycopg

    ours = psycopg.conninfo.conninfo_to_dict(Settings().database_url)["dbname"]
    with psycopg.connect(Settings().database_url, connect_timeout=5) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
            "AND datname IS NOT NULL AND datname NOT IN (%s, 'postgres')",
            (ours,),
        ).fetchone()
    return int(row[0]) if row else 0


def restart_postgres() -> str:
    others = others_on_postgres()
    version = sorted(os.listdir("/etc/postgresql"))[0]
    started = time.monotonic()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)
    took = time.monotonic() - started
    return f"PostgreSQL {version}/main restarted in {took:.1f} s ({others} sessions of other databases ended too)"


def skip_postgres() -> str:
    return "SKIPPED: PostgreSQL restart (--skip-postgres)"


def ensure_services_up() -> None:
    """Always leave Redis and PostgreSQL running: other people's tests use them."""
    if subprocess.run(["redis-cli", "ping"], capture_output=True, text=True, check=False).stdout.strip() != "PONG":
        subprocess.run(REDIS_START, check=False)
    version = sorted(os.listdir("/etc/postgresql"))[0]
    if subprocess.run(["pg_isready", "-h", "127.0.0.1"], capture_output=True, check=False).returncode != 0:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=False)


def sms_sent_to(db: Path, phones: list[str]) -> dict[str, int]:
    with sqlite3.connect(db, timeout=30) as conn:
        counts: dict[str, int] = {}
        for phone in phones:
            row = conn.execute('SELECT count(*) FROM sms_message WHERE "to" = ?', (phone,)).fetchone()
            counts[phone] = int(row[0])
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--officers", type=int, default=10, help="how many of the users are officers (bench/load)")
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--skip-postgres", action="store_true", help="leave the PostgreSQL restart out")
    args = parser.parse_args()
    staging = Staging(Settings())
    ca, base = staging.root / "tls" / "ca.pem", staging.s.public_url
    own_staging = None if answers(f"{base}/healthz", ca) else start_staging(staging)
    try:
        run(args, staging, ca, base)
    finally:
        if own_staging is not None:
            stop_staging(own_staging)


def answers(url: str, ca: Path) -> bool:
    session = requests.Session()
    session.trust_env = False  # no proxy for our own 127.0.0.1
    try:
        return session.get(url, verify=str(ca), timeout=3).status_code == 200
    except (requests.RequestException, OSError):  # OSError: no CA file before a first run
        return False


def start_staging(staging: Staging) -> subprocess.Popen[bytes]:
    """``make staging`` as a child process (Debian's nginx installed first if missing)."""
    if shutil.which("nginx") is None:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
        apt = [*sudo, "apt-get", "install", "-y", "-qq", "nginx"]
        subprocess.run(apt, check=True, env=os.environ | {"DEBIAN_FRONTEND": "noninteractive"})
    log = staging.root / "logs" / "faults-staging.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f"== starting the staging run (log: {log})", flush=True)
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [PY, str(REPO / "bin" / "staging.py")], cwd=REPO, env=os.environ | STAGING_LIMITS,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 900  # migrations and seeds on a first run
    ca = staging.root / "tls" / "ca.pem"
    while not answers(f"{staging.s.public_url}/readyz", ca):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_staging(proc)
            raise RuntimeError(f"the staging run did not come up: see {log}")
        time.sleep(2)
    return proc


def stop_staging(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # bin/staging.py stops its children on SIGTERM
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def run(args: argparse.Namespace, staging: Staging, ca: Path, base: str) -> None:
    acks = staging.root / f"faults-acks-{int(time.time())}.txt"
    load = subprocess.Popen(
        [PY, str(REPO / "bench" / "load" / "run.py"), "--users", str(args.users), "--officers", str(args.officers),
         "--seconds", str(args.seconds), "--think", str(args.think), "--acks", str(acks),
         "--report", str(REPO / "bench" / "results" / "faults-load.json")],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(load.stdout or []), daemon=True)
    reader.start()
    faults = [
        (0.15, kill_web),
        (0.35, kill_worker),
        (0.55, restart_redis),
        (0.75, skip_postgres if args.skip_postgres else restart_postgres),
    ]
    prober = Prober(base, ca)
    # the load prepares (accounts, payload) before its clock starts: wait for its first line
    while not output and load.poll() is None:
        time.sleep(1)
    time.sleep(20)  # sign-ins and ramp-up
    started = time.monotonic()
    prober.start()
    events: list[dict[str, Any]] = []
    moments: list[float] = []
    try:
        for at, fault in faults:
            time.sleep(max(0.0, started + at * args.seconds - time.monotonic()))
            moment = time.monotonic()
            what = fault()
            moments.append(moment)
            ready = ready_after(f"{base}/readyz", ca, moment)
            events.append(
                {"at_s": round(moment - started, 1), "fault": what, "serving_again_s": ready["serving"],
                 "all_checks_ok_s": ready["all_checks_ok"]}
            )  # fmt: skip
            print(json.dumps(events[-1], ensure_ascii=False), flush=True)
    finally:
        ensure_services_up()
    load.wait()
    prober.stopping.set()
    prober.join(timeout=15)
    reader.join(timeout=10)
    # what the prober saw from each fault until the next one (the last: until the load ended)
    for event, start, end in zip(events, moments, [*moments[1:], time.monotonic()], strict=True):
        event["prober"] = prober.between(start, end)
    before = prober.between(0.0, moments[0]) if moments else {}
    text = "".join(output)
    load_report = json.loads(text[text.index("{") :]) if "{" in text else {}
    # let beat's retries (every 60 s) drain the outbox
    deadline = time.monotonic() + 240
    while True:
        out = subprocess.run(
            [PY, "-c", "import django; django.setup()\n" + CHECK, str(acks)],
            cwd=REPO, env=staging.province_env(), capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        check = json.loads(out[out.index("CHECK") + 5 :])
        if set(check["sms_states"]) <= {"sent"} or time.monotonic() > deadline:
            break
        time.sleep(15)
    phones = check.pop("phones")
    rows_per_phone: dict[str, int] = check.pop("sms_rows_per_phone")
    sent = sms_sent_to(staging.root / "sandbox" / "sandbox.sqlite3", sorted(set(phones.values())))
    check["sms_messages_per_phone"] = sorted(set(sent.values()))
    # a phone gets one message per SMS row: two dossiers may carry the same (random) phone,
    # and the officers' actions add notices to a dossier's first
    check["phones_where_sms_differ_from_rows"] = {
        phone: {"sms_rows": rows_per_phone.get(phone, 0), "sms": n}
        for phone, n in sent.items()
        if rows_per_phone.get(phone, 0) != n
    }
    report = {"faults": events, "prober_before_faults": before, "checks": check, "load": load_report}
    out_dir = REPO / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "faults.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
