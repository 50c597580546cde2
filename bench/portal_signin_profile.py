"""The portal's sign-in in process, through Django's test client: CPU per sign-in and SQL.

    .venv/bin/python bench/portal_signin_profile.py [--sign-ins 200] [--rounds 3] [--sql]

The provider is bench/fake_oidc.py under gunicorn; the portal runs in this process on a
fresh SQLite database (local settings), logging off. Returning users (50 people signed in
first). Prints the best round's CPU ms per sign-in (login + callback, test client included)
and the statements of one returning user's login and callback (``--sql`` lists them).
Runs from any checkout (``cd`` to it), which is how old and new code are compared.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sign-ins", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sql", action="store_true")
    args = parser.parse_args()
    from bench.fake_oidc import serving

    with serving() as issuer:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="province.settings.local",
            PROVINCE_VAR_DIR=tempfile.mkdtemp(),
            NATIONAL_SSO_ISSUER=issuer,
        )
        import django

        django.setup()
        logging.disable(logging.CRITICAL)
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        call_command("migrate", verbosity=0)
        client = Client(HTTP_USER_AGENT="bench")
        statements: list[str] = []

        def record(execute: Any, sql: str, *rest: Any) -> Any:
            statements.append(sql)
            return execute(sql, *rest)

        def sign_in(index: int) -> int:
            client.cookies.clear()
            login = client.get("/sso/login/?next=/tai-khoan/")
            query = parse_qs(urlparse(login["Location"]).query)
            with connection.execute_wrapper(record):
                callback = client.get(
                    "/sso/callback/", {"code": f"{index}.{query['nonce'][0]}", "state": query["state"][0]}
                )
            assert callback.status_code == 302 and callback["Location"] == "/tai-khoan/", callback.status_code
            return len(statements)

        for index in range(50):
            sign_in(index)
        statements.clear()
        callback_statements = sign_in(7)
        shown = list(statements)
        best = float("inf")
        for _ in range(args.rounds):
            started = time.process_time()
            for index in range(args.sign_ins):
                sign_in(index % 50)
            best = min(best, (time.process_time() - started) / args.sign_ins * 1000)
        result = {
            "benchmark": "portal sign-in in process (test client), returning users",
            "load_average_1min": round(os.getloadavg()[0], 2),
            "cpu_ms_per_sign_in_best_round": round(best, 2),
            "callback_sql_statements": callback_statements,
        }
        print(json.dumps(result, indent=2))
        if args.sql:
            for sql in shown:
                print("   ", sql[:160])


if __name__ == "__main__":
    main()
