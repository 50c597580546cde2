"""The public statistics page (/thong-ke/) with a million dossiers in PostgreSQL.

    .venv/bin/python bench/stats_page.py --database-url postgresql://postgres@127.0.0.1:5432/bench_b \\
        [--dossiers 1000000] [--requests 60]

Loads the dataset with ``bench/dataset.py`` when the database holds fewer dossiers than
``--dossiers`` (idempotent), rebuilds the statistics aggregates with ``stats_recount`` (a bulk
load bypasses the status-change signal), times ``stats_recount --check``, then serves the
province under gunicorn (1 worker x 4 threads, not pinned) and requests each page variant ``--requests``
times, one request at a time, after two warm-up requests: the default page (this year), a
whole year, a month, a date range with partial months at both ends (daily and monthly
aggregates), one agency, one field, and the CSV export. Latency is the client's wall time
for the whole response. The page reads only the aggregate tables; the last figure is the
cost of keeping them: one status change's upserts (day and month rows) in a transaction.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bin.stack import PY, REPO, Stack, free_port, wait_for


def page_variants(*, year: int, month: int, agency: object, field: object) -> dict[str, str]:
    """The page variants measured, by name: ``year``/``month`` of the last aggregated day,
    the ids of the busiest agency and field (bench/scale.py measures the same list)."""
    return {
        "default (this year)": "/thong-ke/",
        "year": f"/thong-ke/?ky=nam&nam={year}",
        "month": f"/thong-ke/?ky=thang&nam={year}&thang={month}",
        "range with partial months": f"/thong-ke/?ky=khoang&tu={year - 1}-01-15&den={year}-{month:02d}-10",
        "one agency": f"/thong-ke/?co_quan={agency}",
        "one field": f"/thong-ke/?linh_vuc={field}",
        "CSV by field": "/thong-ke/xuat.csv?nhom=linh-vuc",
    }


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PY, "-m", "province", *args], cwd=REPO, env=env, check=False, capture_output=True, text=True)


def sql(env: dict[str, str], query: str) -> str:
    code = (
        "import django, sys; django.setup(); from django.db import connection\n"
        "with connection.cursor() as c:\n"
        f"    c.execute({query!r}); print(c.fetchone()[0])"
    )
    out = subprocess.run([PY, "-c", code], cwd=REPO, env=env, check=True, capture_output=True, text=True)
    return out.stdout.strip()


def upsert_cost(env: dict[str, str], n: int = 500) -> float:
    """Milliseconds for one status change's aggregate writes (two upserts), in a transaction."""
    code = f"""
import django, time; django.setup()
from django.db import transaction
from django.utils import timezone
from province.dossiers.models import Dossier
from province.stats import counters
dossier = Dossier.objects.order_by("-id").first()
started = time.perf_counter()
with transaction.atomic():
    for i in range({n}):
        counters.bump(day=timezone.localdate(), dossier=dossier, deltas={{"withdrawn": 1}})
    elapsed = time.perf_counter() - started
    transaction.set_rollback(True)
print(elapsed / {n} * 1000)
"""
    out = subprocess.run([PY, "-c", code], cwd=REPO, env=env, check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(
            var_dir=Path(tmp),
            province_port=free_port(),
            sandbox_port=free_port(),
            workers=1,
            threads=4,
            quiet=True,
            extra_env={"DATABASE_URL": args.database_url, "PROVINCE_LOG_LEVEL": "WARNING"},
        )
        env = stack.env("province.settings.local")
        have = int(sql(env, "select count(*) from dossiers_dossier")) if _migrated(env) else 0
        if have < args.dossiers:
            subprocess.run(
                [PY, "-m", "bench.dataset", "--database-url", args.database_url, "--dossiers", str(args.dossiers)],
                cwd=REPO,
                env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
                check=True,
            )
        manage(env, "migrate", "--no-input", "-v0").check_returncode()
        started = time.monotonic()
        check = manage(env, "stats_recount", "--check")
        check_seconds = time.monotonic() - started
        rebuilt = None
        if check.returncode != 0:
            started = time.monotonic()
            manage(env, "stats_recount").check_returncode()
            rebuilt = round(time.monotonic() - started, 1)
            started = time.monotonic()
            manage(env, "stats_recount", "--check").check_returncode()
            check_seconds = time.monotonic() - started
        dossiers = int(sql(env, "select count(*) from dossiers_dossier"))
        daily_rows = int(sql(env, "select count(*) from stats_dailystat"))
        monthly_rows = int(sql(env, "select count(*) from stats_monthlystat"))
        agency = sql(env, "select agency_id from stats_monthlystat group by 1 order by sum(received) desc limit 1")
        field = sql(
            env,
            "select p.field_id from stats_monthlystat s join catalogue_procedure p on p.id = s.procedure_id "
            "group by 1 order by sum(received) desc limit 1",
        )
        last_day = sql(env, "select max(day) from stats_dailystat")
        variants = page_variants(year=int(last_day[:4]), month=int(last_day[5:7]), agency=agency, field=field)
        upsert_ms = upsert_cost(env)
        server = stack._serve("province", stack.province_port)
        try:
            wait_for(f"{stack.province_url}/")
            session = requests.Session()
            results: dict[str, dict[str, float]] = {}
            every: list[float] = []
            for name, path in variants.items():
                url = stack.province_url + path
                for _ in range(2):
                    assert session.get(url, timeout=30).status_code == 200
                times = []
                for _ in range(args.requests):
                    started = time.perf_counter()
                    response = session.get(url, timeout=30)
                    times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (path, response.status_code)
                times.sort()
                every += times
                results[name] = {
                    "p50_ms": round(statistics.median(times), 1),
                    "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
                    "max_ms": round(times[-1], 1),
                }
        finally:
            server.terminate()
            server.wait(10)
    every.sort()
    print(
        json.dumps(
            {
                "benchmark": "public statistics page with a large dataset (reads the aggregates only)",
                "server": "gunicorn, 1 worker x 4 threads; one request at a time",
                "dossiers": dossiers,
                "aggregate_rows": {"daily": daily_rows, "monthly": monthly_rows},
                "stats_recount_check_seconds": round(check_seconds, 1),
                "stats_recount_rebuild_seconds": rebuilt,
                "status_change_aggregate_writes_ms": round(upsert_ms, 3),
                "requests_per_variant": args.requests,
                "all_p95_ms": round(every[int(len(every) * 0.95) - 1], 1),
                "variants": results,
            },
            indent=2,
            ensure_ascii=False,
        )
    )


def _migrated(env: dict[str, str]) -> bool:
    try:
        sql(env, "select count(*) from dossiers_dossier")
    except subprocess.CalledProcessError:
        return False
    return True


if __name__ == "__main__":
    main()
