"""Where the sandbox SSO spends its time on one VNeID password + OTP login, in process.

    .venv/bin/python bench/sso_login_profile.py [--logins 200] [--profile 30]

Drives the same flow as bench/sso_logins.py through Django's test client (CSRF checks on)
against a throw-away SQLite database with the embedded settings, and prints per request
the CPU milliseconds of this thread and the SQL statements run. With ``--profile N`` it
prints cProfile's N costliest functions (cumulative) over the logins instead.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import hashlib
import os
import pstats
import re
import secrets
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CLIENT_ID = "bench-client"
CLIENT_SECRET = "bench-secret-" + "x" * 32
REDIRECT_URI = "http://127.0.0.1:8000/sso/callback/"
PASSWORD = "Bench@2024"


def setup(tmp: str) -> None:
    os.environ["SANDBOX_VAR_DIR"] = tmp
    os.environ.setdefault("SANDBOX_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "sandbox.settings.local"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command(
        "register_client",
        "--client-id",
        CLIENT_ID,
        "--secret",
        CLIENT_SECRET,
        "--name",
        "Bench",
        "--redirect-uri",
        REDIRECT_URI,
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )


def make_accounts(count: int) -> list[str]:
    from datetime import date

    from django.contrib.auth.hashers import make_password

    from sandbox.idp.models import Account
    from sandbox.population.models import Resident

    hashed = make_password(PASSWORD)
    numbers = []
    for i in range(count):
        number = "0010990%05d" % i
        resident = Resident.objects.create(
            id_number=number, full_name=f"NGƯỜI THỬ {i}", birth_date=date(1999, 1, 1), gender="Nam"
        )
        Account.objects.create(
            username=number, kind="vneid", resident=resident, level=2, phone="0399%06d" % i, password=hashed
        )
        numbers.append(number)
    return numbers


class Meter:
    """CPU time and SQL statements per named step."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.sql: dict[str, int] = defaultdict(int)
        self.order: list[str] = []
        self._queries = 0
        self.show_sql = False
        self.profile_step = ""
        self.profiler = cProfile.Profile()

    def _count(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self._queries += 1
        if self.show_sql:
            print("   ", sql[:160])
        return execute(sql, params, many, context)

    def step(self, name: str, call: Any) -> Any:
        from django.db import connection

        if name not in self.order:
            self.order.append(name)
        self._queries = 0
        if self.show_sql:
            print(name)
        start = time.thread_time()
        with connection.execute_wrapper(self._count):
            if name == self.profile_step:
                self.profiler.enable()
            result = call()
            if name == self.profile_step:
                self.profiler.disable()
        self.cpu[name] += time.thread_time() - start
        self.sql[name] += self._queries
        return result


def one_login(meter: Meter, number: str, browser: Any, rp: Any) -> None:
    from sandbox.sms.models import Message

    browser.cookies.clear()
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile dinhdanh phone",
        "state": secrets.token_urlsafe(8),
        "nonce": secrets.token_urlsafe(8),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    response = meter.step("authorize", lambda: browser.get(f"/oauth2/authorize/?{urlencode(params)}"))
    while response.status_code == 302:
        location = response["Location"]
        response = meter.step("login page", lambda url=location: browser.get(url))
    assert response.status_code == 200, response.status_code
    response = meter.step(
        "password",
        lambda: browser.post(
            "/dang-nhap/vneid/",
            {
                "csrfmiddlewaretoken": browser.cookies["nsso_csrftoken"].value,
                "so_dinh_danh": number,
                "mat_khau": PASSWORD,
            },
        ),
    )
    if response.status_code == 302:
        location = response["Location"]
        response = meter.step("otp page", lambda: browser.get(location))
    assert response.status_code == 200, response.status_code
    body = Message.objects.filter(to="0399" + number[-6:]).order_by("-id").values_list("body", flat=True).first()
    code = re.search(r"\b(\d{6})\b", body or "").group(1)  # type: ignore[union-attr]
    response = meter.step(
        "otp",
        lambda: browser.post(
            "/dang-nhap/otp/",
            {"csrfmiddlewaretoken": browser.cookies["nsso_csrftoken"].value, "ma_otp": code, "action": "confirm"},
        ),
    )
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    while not location.startswith(REDIRECT_URI):
        response = meter.step("authorize again", lambda url=location: browser.get(url))
        assert response.status_code == 302, response.status_code
        location = response["Location"]
    code_value = parse_qs(urlparse(location).query)["code"][0]
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    response = meter.step(
        "token",
        lambda: rp.post(
            "/oauth2/token/",
            {
                "grant_type": "authorization_code",
                "code": code_value,
                "redirect_uri": REDIRECT_URI,
                "code_verifier": verifier,
            },
            HTTP_AUTHORIZATION=f"Basic {basic}",
        ),
    )
    assert response.status_code == 200 and "id_token" in response.json(), response.content


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one login and stop")
    parser.add_argument("--step", default="", help="with --profile: profile only this step")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(tmp)
        numbers = make_accounts(min(args.logins, 400) + 1)
        from django.test import Client

        # One client each, as one server process: Django's test client builds its handler
        # (and loads the middleware) once per client.
        browser, rp = Client(enforce_csrf_checks=True), Client()
        one_login(Meter(), numbers[-1], browser, rp)
        if args.sql:
            meter = Meter()
            meter.show_sql = True
            one_login(meter, numbers[0], browser, rp)
            return
        meter = Meter()
        meter.profile_step = args.step
        profiler = cProfile.Profile() if args.profile and not args.step else None
        if profiler:
            profiler.enable()
        for i in range(args.logins):
            one_login(meter, numbers[i % (len(numbers) - 1)], browser, rp)
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
            return
        if args.step:
            pstats.Stats(meter.profiler).sort_stats("cumulative").print_stats(args.profile)
            return
        n = args.logins
        total_cpu = sum(meter.cpu.values()) / n * 1000
        total_sql = sum(meter.sql.values()) / n
        print(f"{'step':<18}{'CPU ms':>9}{'SQL':>6}")
        for name in meter.order:
            print(f"{name:<18}{meter.cpu[name] / n * 1000:>9.2f}{meter.sql[name] / n:>6.1f}")
        print(f"{'total':<18}{total_cpu:>9.2f}{total_sql:>6.1f}")
        from django.contrib.auth.hashers import check_password, make_password

        encoded = make_password(PASSWORD)
        timings = []
        for _ in range(40):
            start = time.thread_time()
            check_password(PASSWORD, encoded)
            timings.append(time.thread_time() - start)
        hash_ms = sorted(timings)[len(timings) // 2] * 1000
        print(f"Argon2id verify (CPU, median) {hash_ms:.2f} ms; own work besides it {total_cpu - hash_ms:.2f} ms")


if __name__ == "__main__":
    main()
