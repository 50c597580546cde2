"""The officer's work queue page (50 rows) with a million dossiers in PostgreSQL (issue #7).

    .venv/bin/python -m bench.officer_queue --database-url postgresql://postgres@127.0.0.1:5432/bench_a \\
        --dossiers 1000000 [--requests 400]

1. ``bench.dataset`` loads the dossiers (idempotent: a second run adds nothing).
2. The loader predates the back office's columns, so the bench gives every agency a unit
   (``Unit.agency``, as ``seed_backoffice`` does for the demo), points each dossier at its
   agency's unit, gives returned dossiers a return time, and runs VACUUM ANALYZE.
3. An officer of the unit with the most dossiers opens ``/motcua/ho-so/`` in-process through
   Django's test client (middleware, session, view, queries, template): every queue tab, first
   page and the next two pages by the keyset link, round-robin, after a warm-up.

Prints JSON: p50 / p95 / max in ms overall and per queue, the SQL statements per page and
the unit's dossier counts. Target: p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _prepare(echo: Any) -> dict[str, Any]:
    from django.db import connection, transaction

    from province.backoffice.models import OfficerAccount, OfficerProfile, Role, Unit
    from province.catalogue.models import Agency

    with transaction.atomic():
        for agency in Agency.objects.filter(backoffice_unit__isnull=True):
            Unit.objects.get_or_create(code=f"bench-{agency.code}", defaults={"name": agency.name, "agency": agency})
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "UPDATE dossiers_dossier d SET unit_id = u.id FROM backoffice_unit u "
            "WHERE u.agency_id = d.agency_id AND d.unit_id IS NULL"
        )
        linked = cursor.rowcount
        cursor.execute(
            "UPDATE dossiers_dossier SET finished_at = COALESCE(due_at, submitted_at) "
            "WHERE status = 10 AND finished_at IS NULL"
        )
        finished = cursor.rowcount
        echo(
            f"linked {linked} dossiers to units, {finished} returned ones dated ({time.perf_counter() - started:.0f} s)"
        )
        if linked or finished:
            cursor.execute("VACUUM ANALYZE dossiers_dossier")
        cursor.execute(
            "SELECT unit_id, count(*) FROM dossiers_dossier WHERE unit_id IS NOT NULL "
            "GROUP BY unit_id ORDER BY count(*) DESC LIMIT 1"
        )
        unit_id, total = cursor.fetchone()
        cursor.execute("SELECT status, count(*) FROM dossiers_dossier WHERE unit_id = %s GROUP BY status", [unit_id])
        by_status = {int(s): int(n) for s, n in cursor.fetchall()}
    unit = Unit.objects.get(pk=unit_id)
    officer = OfficerAccount.objects.filter(username="bench.queue").first()
    if officer is None:
        from province.accounts.models import Person

        person = Person.objects.create_user(full_name="CÁN BỘ ĐO HIỆU NĂNG")
        OfficerProfile.objects.create(person=person, full_name="CÁN BỘ ĐO HIỆU NĂNG")
        officer = OfficerAccount(username="bench.queue", person=person, unit=unit, role=Role.PROCESSING)
        officer.set_password("Bench@2024-not-used")
    officer.unit = unit
    officer.save()
    return {"officer": officer, "unit": unit.name, "unit_dossiers": total, "by_status": by_status}


def _client(officer: Any) -> Any:
    from django.test import Client

    from province.backoffice import services

    client = Client()
    session = client.session
    now = int(time.time())
    session[services.SESSION_ACCOUNT] = officer.pk
    session[services.SESSION_PERSON] = officer.person_id
    session[services.SESSION_AUTH_AT] = session[services.SESSION_LAST_SEEN] = now
    session.save()
    return client


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(requests: int, echo: Any) -> dict[str, Any]:
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from province.dossiers import queues

    prepared = _prepare(echo)
    client = _client(prepared["officer"])
    urls: list[tuple[str, str]] = []
    for queue in queues.QUEUES:
        url = f"/motcua/ho-so/?hang={queue.key}"
        for _page in range(3):
            urls.append((queue.key, url))
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            found = re.search(r'href="(\?hang=[^"]+&amp;sau=[^"]+)"', response.content.decode())
            if not found:
                break
            url = "/motcua/ho-so/" + found.group(1).replace("&amp;", "&")
    with CaptureQueriesContext(connection) as captured:
        client.get(urls[0][1])
    queries = len(captured.captured_queries)
    for _key, url in urls * 2:  # warm-up
        client.get(url)
    times: dict[str, list[float]] = {}
    for n in range(requests):
        key, url = urls[n % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200
        times.setdefault(key, []).append(elapsed)
    everything = [t for values in times.values() for t in values]
    return {
        "bench": "officer_queue",
        "requests": len(everything),
        "pages": len(urls),
        "p50_ms": round(statistics.median(everything), 1),
        "p95_ms": round(_percentile(everything, 0.95), 1),
        "max_ms": round(max(everything), 1),
        "per_queue_p95_ms": {key: round(_percentile(values, 0.95), 1) for key, values in times.items()},
        "sql_per_page": queries,
        "unit": prepared["unit"],
        "unit_dossiers": prepared["unit_dossiers"],
        "unit_by_status": prepared["by_status"],
        "target_p95_ms": 50,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--database-url", required=True, help="a PostgreSQL URL of your own (not the test database)")
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--skip-load", action="store_true", help="the dataset is loaded already")
    args = parser.parse_args(argv)

    def echo(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    if not args.skip_load:
        import contextlib

        from bench import dataset

        with contextlib.redirect_stdout(sys.stderr):  # stdout is for the JSON result
            dataset.main(["--database-url", args.database_url, "--dossiers", str(args.dossiers), "--quiet"])
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "province.settings.local")
    os.environ.setdefault("PROVINCE_LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)  # the queue indexes
    print(json.dumps(run(args.requests, echo), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
