"""Mixed load against the staging run (`make staging`): N virtual users for S seconds.

    PROVINCE_DOSSIER_LOOKUP_RATE=1000000 PROVINCE_API_ANONYMOUS_RATE_PER_MINUTE=1000000 make staging
    .venv/bin/python bench/load/run.py [--users 200] [--officers 10] [--seconds 600] [--think 1.0]

Each virtual user (a thread with its own keep-alive HTTPS session through nginx) first signs
in as a citizen through the national SSO (the sandbox's VNeID password + SMS code flow, then
the province's callback), then loops with a random think time (exponential, mean --think s)
over: the home page, the catalogue (list, search, a procedure's page), public lookups of
dossiers submitted during the run (JSON API), "my dossiers" (its own list page), dossier
submissions through the integration API (OAuth2 client credentials, two small PDFs,
Idempotency-Key) and status reads of them. Every submission answered 201 is written to
``--acks`` (code, key) for bench/faults to check.

--officers of the users (default 10) are officers of the back office instead, with accounts
in the unit that receives the load's API submissions (the unit of the procedure's receiving
agency); their roles follow ``OFFICER_ROLES``: three in five receiving, one in five
processing, one in five approving (at least three officers, or none). Each signs in at
/motcua/ (password, then the SMS code read from the sandbox's outbox: ``officer_sign_in``),
then loops, with the same think time between pages, over: a queue tab (``officer_queue``;
"Trang sau" up to ``QUEUE_PAGES`` pages), a dossier from it (``officer_detail``) and the next
action on it (``officer_action``: the POST, answered by a redirect to the dossier, whose page,
timed as ``officer_detail``, says in its message whether the action was done).

- A receiving officer returns the result (a PDF) of a dossier a leader approved, found by the
  quick lookup (``officer_lookup``: no queue lists approved dossiers); otherwise receives a
  new dossier and, on the page that follows, hands it to a processing officer.
- A processing officer proposes a dossier for approval; a leader approves it, or one time in
  ten sends it back.

Officers of one role share the work by the number at the end of the dossier code (officer j
of k acts on numbers ≡ j mod k), so the generator never makes two officers act on one
dossier: a refusal because the dossier changed meanwhile is counted as ``conflict``, any
other as ``refused``, an action missing from the dossier page as ``not_offered``. After the
run, every dossier an officer acted on must have in the database the status of the last
action done on it (``officers.check``).

Not in the mix: the submission wizard's seven steps (the API's submit is the same service,
bench/submissions.py), and the officers' other actions (supplement, payment, inter-agency
hand-off, stop, extension).

Reports per action and overall: requests/s, p50/p95/p99 latency, errors by status, and the
resident memory of every staging process (peak and end), as JSON (bench/results/load.json).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import html
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

# Roles of officers 0, 1, 2 … (repeated): a receiving officer does three of a dossier's five
# steps (receive, hand on, return the result), a processing officer and a leader one each.
OFFICER_ROLES = ("tiep_nhan", "xu_ly", "lanh_dao", "tiep_nhan", "tiep_nhan")
QUEUE_PAGES = 3
# The status a dossier has after each action (province.dossiers.workflow.ACTIONS)
STATUS_AFTER = {"receive": 2, "assign": 4, "submit_for_approval": 4, "send_back": 4, "approve": 9, "return_result": 10}
CREATE_OFFICERS = """
import json
from django.contrib.auth.hashers import make_password
from province.accounts.models import Person
from province.backoffice.models import OfficerAccount, OfficerProfile, OtpSend, Throttle, Unit
from province.backoffice.otp import identity_key
from province.catalogue.models import Procedure
from province.dossiers.services import _receiving_agency
roles = json.loads({roles!r})
# where the API submits when no agency is given, hence the unit the load's dossiers go to
agency = _receiving_agency(Procedure.objects.get(code={procedure!r}), None)
unit = Unit.objects.filter(agency=agency).first()
if unit is None:
    raise SystemExit("no unit receives the dossiers of %s: python -m province seed_backoffice" % agency.code)
hashed = make_password({password!r})
made = []
for i, role in enumerate(roles):
    username, phone = "tai.canbo.%03d" % i, "0398%06d" % i
    account = OfficerAccount.objects.filter(username=username).first()
    if account is None:
        person = Person.objects.create_user(full_name="CÁN BỘ TẢI %d" % i)
        account = OfficerAccount(username=username, person=person, password=hashed)
    account.unit, account.role, account.suspended, account.position = unit, role, False, "Cán bộ (tải thử)"
    account.save()
    OfficerProfile.objects.update_or_create(
        person_id=account.person_id, defaults=dict(full_name="CÁN BỘ TẢI %d" % i, phone=phone))
    made.append([username, account.pk, phone])
# each account signs in once per run; runs close together must not meet the cap on codes
# sent per identity (5 in 15 minutes, for people asking again and again) or an old lock
keys = [identity_key(username) for username, _, _ in made]
OtpSend.objects.filter(identity__in=keys).delete()
Throttle.objects.filter(key__in=keys).delete()
print("OFFICERS" + json.dumps(dict(unit=unit.code, accounts=made)))
"""
CHECK_OFFICERS = """
import json, sys
from province.dossiers.models import Dossier
expected = json.loads(sys.stdin.read())
found = dict(Dossier.objects.filter(code__in=list(expected)).values_list("code", "status"))
differ = {code: [status, found.get(code)] for code, status in expected.items() if found.get(code) != status}
samples = dict(list(differ.items())[:10])
print("CHECK" + json.dumps(dict(dossiers=len(expected), status_differs=len(differ), samples=samples)))
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

    def error(self, action: str, status: str, detail: str) -> None:
        """An error found without a request of its own to time (an action not offered)."""
        with self.lock:
            self.errors[action][status] += 1
            if len(self.samples) < 20:
                self.samples.append(f"{action}: {detail}")


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


def number_of(code: str) -> int:
    """The daily counter at the end of a dossier code (``{agency}-{yyMMdd}-{NNNN}``)."""
    return int(code.rsplit("-", 1)[-1])


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    return match.group(1) if match else ""


def queue_rows(page: str) -> list[tuple[str, str, str]]:
    """(dossier URL, code, status as shown) of each row of a queue page."""
    rows = re.findall(
        r'<tr[^>]*>\s*<td><a href="([^"]+)">([^<]+)</a></td>\s*<td>.*?</td>\s*<td>.*?</td>\s*<td>([^<]*)</td>',
        page,
        re.DOTALL,
    )
    return [(html.unescape(url), html.unescape(code), html.unescape(status).strip()) for url, code, status in rows]


def action_form(page: str, key: str) -> tuple[str, str] | None:
    """(CSRF token, dossier version) of the action's form on a dossier page; None: not offered."""
    match = re.search(rf'action="[^"]*/thao-tac/{key}/".*?</form>', page, re.DOTALL)
    if match is None:
        return None
    version = re.search(rf'name="{key}-version" value="(\d+)"', match.group(0))
    return (csrf_token(match.group(0)), version.group(1)) if version else None


class Officer(User):
    """An officer of the back office (see the module's docstring for what they do)."""

    def __init__(self, index: int, run: Run, slot: int, role: str) -> None:
        super().__init__(index, run)
        self.role = role
        self.username, self.pk, self.phone = run.officers[slot]
        peers = [i for i, r in enumerate(run.officer_roles) if r == role]
        self.rank, self.peers = peers.index(slot), len(peers)
        self.motcua = f"{run.base}/motcua"

    def mine(self, code: str) -> bool:
        return number_of(code) % self.peers == self.rank

    def pause(self) -> None:
        time.sleep(min(self.rng.expovariate(1 / self.run_.think), 10 * self.run_.think))

    def newest_code(self) -> str:
        """The newest SMS to the officer's phone (body and time), "" when there is none."""
        outbox = self.s.get(f"{self.run_.sandbox}/dev/sms/outbox.json", params={"to": self.phone}, timeout=30).json()
        return str(outbox[0]["body"]) + str(outbox[0]["sent_at"]) if outbox else ""

    def sign_in(self) -> None:
        started = time.perf_counter()
        try:
            before = self.newest_code()  # the message of an earlier run, if any
            started = time.perf_counter()
            login = f"{self.motcua}/dang-nhap/"
            r = self.s.get(login, timeout=30)
            r = self.s.post(
                login,
                data={"csrfmiddlewaretoken": csrf_token(r.text), "username": self.username, "password": PASSWORD},
                headers={"Referer": login},
                allow_redirects=False,
                timeout=30,
            )
            if r.status_code != 302 or "/dang-nhap/otp/" not in r.headers.get("Location", ""):
                raise RuntimeError(f"password step {r.status_code}")
            otp_url = urljoin(login, r.headers["Location"])
            r = self.s.get(otp_url, timeout=30)
            code = ""
            for _ in range(20):
                newest = self.newest_code()
                match = re.search(r"\b(\d{6})\b", newest) if newest != before else None
                if match:
                    code = match.group(1)
                    break
                time.sleep(0.2)
            r = self.s.post(
                otp_url,
                data={"csrfmiddlewaretoken": csrf_token(r.text), "code": code},
                headers={"Referer": otp_url},
                allow_redirects=False,
                timeout=30,
            )
            landing = r.headers.get("Location", "")
            self.signed_in = r.status_code == 302 and "/dang-nhap" not in landing
            status = str(r.status_code) if self.signed_in else f"code step {r.status_code} {landing}"
        except Exception as exc:  # a failed sign-in is an error of the run, not of the script
            status = f"{type(exc).__name__}: {str(exc)[:60]}"
        self.run_.rec.add("officer_sign_in", time.perf_counter() - started, self.signed_in, status)

    def find(self, queue: str, statuses: tuple[str, ...]) -> tuple[str, str] | None:
        """Open the queue tab and its next pages until a dossier of this officer's share in
        one of ``statuses`` shows; (its URL, its code), or None."""
        url = f"{self.motcua}/ho-so/?hang={queue}"
        for _ in range(QUEUE_PAGES):
            r = self.timed("officer_queue", "GET", url)
            if r is None:
                return None
            for link, code, status in queue_rows(r.text):
                if status in statuses and self.mine(code):
                    return urljoin(url, link), code
            more = re.search(r'href="(\?hang=[^"]*sau=[^"]*)"', r.text)
            if more is None:
                return None
            url = urljoin(url, html.unescape(more.group(1)))
            self.pause()
        return None

    def perform(
        self, url: str, code: str, page: str, key: str, fields: dict[str, str], files: dict[str, Any] | None = None
    ) -> str | None:
        """Post the action's form found on the dossier ``page``, then open the dossier page it
        leads to; that page (with the action done), or None when it was not done."""
        form = action_form(page, key)
        if form is None:
            self.run_.rec.error("officer_action", "not_offered", f"{key} not offered on {code} ({self.username})")
            return None
        token, version = form
        data = {"csrfmiddlewaretoken": token, f"{key}-version": version} | {f"{key}-{k}": v for k, v in fields.items()}
        started = time.perf_counter()
        try:
            r = self.s.post(
                f"{url}thao-tac/{key}/",
                data=data,
                files=files,
                headers={"Referer": url},
                allow_redirects=False,
                timeout=30,
            )
        except requests.RequestException as exc:
            self.run_.rec.add("officer_action", time.perf_counter() - started, False, type(exc).__name__)
            return None
        seconds = time.perf_counter() - started
        if r.status_code != 302:
            detail = f"{key} {code}: {r.status_code} {r.text[:120]!r}"
            self.run_.rec.add("officer_action", seconds, False, str(r.status_code), detail)
            return None
        shown = self.timed("officer_detail", "GET", urljoin(url, r.headers["Location"]))
        if shown is None:
            self.run_.rec.add("officer_action", seconds, False, "no_result_page", f"{key} {code}")
            return None
        message = re.search(r'class="message message--(\w+)">(.*?)</p>', shown.text, re.DOTALL)
        if message is not None and message.group(1) == "success":
            self.run_.rec.add("officer_action", seconds, True, "302")
            self.run_.acted(code, key)
            return str(shown.text)
        text = html.unescape(message.group(2)).strip() if message else "no message"
        status = "conflict" if "cán bộ khác" in text else "refused"
        self.run_.rec.add("officer_action", seconds, False, status, f"{key} {code}: {text[:100]}")
        return None

    def receive(self) -> bool:
        found = self.find("cho-tiep-nhan", ("Mới đăng ký",))
        if found is None:
            return False
        url, code = found
        self.pause()
        page = self.timed("officer_detail", "GET", url)
        if page is None:
            return True
        self.pause()
        done = self.perform(url, code, page.text, "receive", {})
        if done is not None:
            self.pause()  # and on the same page, to the processing officer whose share it is
            to = self.run_.processing_pks[number_of(code) % len(self.run_.processing_pks)]
            self.perform(url, code, done, "assign", {"to_officer": str(to), "to_unit": "", "note": ""})
        return True

    def return_result(self, code: str) -> None:
        r = self.timed("officer_lookup", "GET", f"{self.motcua}/ho-so/tra-cuu/", expect=(302,), params={"ma": code})
        if r is None:
            return
        url = urljoin(self.motcua, r.headers["Location"])
        page = self.timed("officer_detail", "GET", url)
        if page is None:
            return
        self.pause()
        fields = {
            "title": "Quyết định giải quyết thủ tục hành chính",
            "reference_number": f"{number_of(code)}/QĐ-UBND",
            "signed_by": "Chủ tịch UBND",
            "signed_on": dt.date.today().isoformat(),
        }
        files = {"return_result-file": ("ket-qua.pdf", self.run_.result_pdf, "application/pdf")}
        self.perform(url, code, page.text, "return_result", fields, files)

    def work(self) -> bool:
        """One round: find a dossier, open it, act on it. False: nothing to do."""
        if self.role == "tiep_nhan":
            code = self.run_.take_done(self.rank, self.peers)
            if code is not None:
                self.return_result(code)
                return True
            return self.receive()
        if self.role == "xu_ly":
            key, fields, found = "submit_for_approval", {"note": ""}, self.find("dang-xu-ly", ("Đang xử lý",))
        else:
            found = self.find("cho-phe-duyet", ("Đang xử lý (chờ phê duyệt)",))
            key, fields = "approve", {"note": ""}
            if self.rng.random() < 0.1:
                key, fields = "send_back", {"reason": "Đề nghị thẩm định lại thành phần hồ sơ."}
        if found is None:
            return False
        url, code = found
        self.pause()
        page = self.timed("officer_detail", "GET", url)
        if page is not None:
            self.pause()
            self.perform(url, code, page.text, key, fields)
        return True

    def run(self) -> None:
        self.sign_in()
        while self.signed_in and time.monotonic() < self.run_.deadline:
            try:
                busy = self.work()
            except Exception as exc:  # counted, and the officer goes on with the next round
                self.run_.rec.error("officer_round", type(exc).__name__, f"{self.username}: {exc!r}"[:160])
                busy = True
            if not busy:
                self.run_.count_idle()
            self.pause()


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
        self.result_pdf = base64.b64decode(self.pdf)
        # officers: (username, account id, phone) and role of each, the processing officers'
        # account ids (for the hand-on), what they did (code → status it should have now)
        self.officers: list[tuple[str, int, str]] = []
        self.officer_roles = [OFFICER_ROLES[i % len(OFFICER_ROLES)] for i in range(args.officers)]
        self.processing_pks: list[int] = []
        self.officer_lock = threading.Lock()
        self.approved: list[str] = []  # approved, waiting for a receiving officer to return them
        self.expected: dict[str, int] = {}
        self.officer_actions: dict[str, int] = defaultdict(int)
        self.idle_rounds = 0
        self.token = ""
        self.token_until = 0.0
        self.token_lock = threading.Lock()
        self.deadline = 0.0

    def province(self, code: str, stdin: str = "") -> str:
        done = subprocess.run(
            [PY, "-c", "import django; django.setup()\n" + code],
            cwd=REPO,
            env=self.staging.province_env(),
            input=stdin,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def prepare_officers(self) -> None:
        out = self.province(
            CREATE_OFFICERS.format(
                roles=json.dumps(self.officer_roles), procedure=self.payload["procedure"], password=PASSWORD
            )
        )
        made = json.loads(out[out.index("OFFICERS") + len("OFFICERS") :])
        self.officers = [(username, int(pk), phone) for username, pk, phone in made["accounts"]]
        self.officer_unit = made["unit"]
        self.processing_pks = [
            pk for (_, pk, _), role in zip(self.officers, self.officer_roles, strict=True) if role == "xu_ly"
        ]

    def acted(self, code: str, key: str) -> None:
        with self.officer_lock:
            self.expected[code] = STATUS_AFTER[key]
            self.officer_actions[key] += 1
            if key == "approve":
                self.approved.append(code)

    def take_done(self, rank: int, peers: int) -> str | None:
        """An approved dossier of this receiving officer's share, to return its result."""
        with self.officer_lock:
            for position, code in enumerate(self.approved):
                if number_of(code) % peers == rank:
                    return self.approved.pop(position)
        return None

    def count_idle(self) -> None:
        with self.officer_lock:
            self.idle_rounds += 1

    def check_officers(self) -> dict[str, Any]:
        """Every dossier an officer acted on has the status of the last action done on it."""
        with self.officer_lock:
            expected = dict(self.expected)
        out = self.province(CHECK_OFFICERS, stdin=json.dumps(expected))
        result: dict[str, Any] = json.loads(out[out.index("CHECK") + len("CHECK") :])
        return result

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
        if self.officer_roles:
            self.prepare_officers()
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
    parser.add_argument("--officers", type=int, default=10, help="how many of the users are officers (0, or 3 or more)")
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--acks", default=str(REPO / "var" / "staging" / "load-acks.txt"))
    parser.add_argument("--report", default=str(REPO / "bench" / "results" / "load.json"))
    args = parser.parse_args()
    if args.officers in (1, 2) or not 0 <= args.officers < args.users:
        parser.error("--officers: 0, or from 3 (one of each role) to fewer than --users")
    citizens = args.users - args.officers
    run = Run(args)
    print(
        f"== preparing {citizens} VNeID accounts, {args.officers} officer accounts, the API client and the "
        "submission payload",
        flush=True,
    )
    run.prepare(citizens)
    run.auth()
    run.deadline = time.monotonic() + args.seconds
    officers = [Officer(citizens + slot, run, slot, role) for slot, role in enumerate(run.officer_roles)]
    users = [*officers, *(User(i, run) for i in range(citizens))]
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
        "signed_in_users": sum(user.signed_in for user in users if not isinstance(user, Officer)),
        "submissions_acknowledged": len(run.codes),
        "officers": {
            "accounts": len(officers),
            "unit": getattr(run, "officer_unit", None),
            "roles": {role: run.officer_roles.count(role) for role in sorted(set(run.officer_roles))},
            "signed_in": sum(officer.signed_in for officer in officers),
            "actions_done": dict(sorted(run.officer_actions.items())),
            "rounds_with_nothing_to_do": run.idle_rounds,
            "check": run.check_officers() if officers else None,
        },
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
