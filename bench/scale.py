"""The five paths of the scale run (issue #9), measured on whatever database it is given.

    .venv/bin/python -m bench.scale --database-url postgresql://postgres@127.0.0.1:5432/NAME \\
        [--samples 300] [--json-out FILE]

The same command on the 1M-dossier database and on the 10M one (``bench/scale_grow.py``)
gives comparable figures. It loads nothing: the database must be migrated and hold a dataset
(``bench.dataset``, made with ``BENCH_SECRET_KEY`` so that the lookup digests match). What it
writes is what users' actions write: sign-ins (login records, identity links, sessions), and
``bench.officer_queue``'s preparation the first time (units for the agencies, dossiers linked
to them, the bench officer).

Everything runs in this process through Django's test client (middleware, session, view,
queries, template), one request at a time, after a warm-up; each timed request is on a
different randomly chosen row (a random id between the smallest and the largest, then the
first row from there), so that caches do not flatter the figures:

1. sign-in: the portal's ``/sso/callback/`` against ``bench/fake_oidc.py`` under gunicorn,
   asserting the claims of dataset people (sub ``scale-<pk>``). "First" is a person who has
   never signed in (found by số định danh, the identity linked); "returning" is the same
   people again. Only the callback is timed, and it must redirect to the page asked for.
2. lookup: the public form (``POST /tra-cuu-ho-so/``) and the API (``POST /api/v1/lookup``)
   with a dossier's code and the last four digits of its applicant's phone; the answer must
   show the dossier.
3. my dossiers: ``/tai-khoan/ho-so/`` for people with dossiers (signed in as in 1), which must
   show their newest dossier; then the page of the person with the most dossiers.
4. officer queue: ``bench.officer_queue.run``.
5. statistics: the variants of ``bench.stats_page``, round-robin; skipped, and said so, when
   the aggregates are empty (``stats_recount`` not run).

Prints JSON (and writes it to ``--json-out``): per path p50/p95/max ms and SQL statements per
request, the dataset's size, the targets, and the load average at start and end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet
    from django.test import Client

    from province.accounts.models import Person

SIGN_IN_NEXT = "/tai-khoan/"
WARM_UP = 10
SUBJECT_PREFIX = "scale-"

Echo = Callable[[str], None]
SignIn = Callable[["Client", "Person"], None]


# --- measuring --------------------------------------------------------------------------------


class Meter:
    """Times requests and counts the SQL statements each one runs."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.statements: list[int] = []

    @contextmanager
    def request(self) -> Iterator[None]:
        from django.db import connection

        count = 0

        def counting(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            started = time.perf_counter()
            yield
            elapsed = (time.perf_counter() - started) * 1000
        self.times.append(elapsed)
        self.statements.append(count)

    def summary(self, **extra: Any) -> dict[str, Any]:
        if not self.times:
            return {"requests": 0, **extra}
        return {
            "requests": len(self.times),
            "p50_ms": round(statistics.median(self.times), 1),
            "p95_ms": round(percentile(self.times, 0.95), 1),
            "max_ms": round(max(self.times), 1),
            "sql_per_request": {"median": statistics.median(self.statements), "max": max(self.statements)},
            **extra,
        }


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def random_rows(
    queryset: QuerySet[Any], count: int, rng: random.Random, *, accept: Callable[[Any], bool] | None = None
) -> list[Any]:
    """``count`` different rows of ``queryset``, each the first at or after a random id
    (ids are dense enough in a loaded dataset for this to be close to uniform)."""
    from django.db.models import Max, Min

    bounds = queryset.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return []
    chosen: dict[int, Any] = {}
    tries = 0
    while len(chosen) < count and tries < count * 20:
        tries += 1
        row = queryset.filter(pk__gte=rng.randint(bounds["low"], bounds["high"])).order_by("pk").first()
        if row is None or row.pk in chosen or (accept is not None and not accept(row)):
            continue
        chosen[row.pk] = row
    return list(chosen.values())


# --- 1. sign-in -------------------------------------------------------------------------------


def person_claims(person: Person) -> dict[str, Any]:
    """What the national SSO would assert for a dataset person."""
    return {
        "sub": f"{SUBJECT_PREFIX}{person.pk}",
        "TechID": f"scale{person.pk:010d}",
        "loAs": 2,
        "LoaiTaiKhoan": 1,
        "SoDinhDanh": person.id_number,
        "HoVaTen": person.full_name,
        "NgayThangNamSinh": person.birth_date.strftime("%Y%m%d") if person.birth_date else "",
        "GioiTinh": person.gender,
        "SoDienThoai": person.phone,
        "ThuongTru": person.permanent_address,
        # identity fields are refreshed from the claims: without this one a sign-in would
        # blank the e-mail that marks a dataset person
        "ThuDienTu": person.identity_email,
    }


def sign_in(client: Client, person: Person, meter: Meter | None = None) -> None:
    """The portal's login → provider → callback dance for ``person``; only the callback is
    measured (when ``meter`` is given). Raises unless the callback lands on the page asked for."""
    from django.contrib import auth

    from bench.fake_oidc import claims_code

    client.cookies.clear()
    login = client.get("/sso/login/", {"next": SIGN_IN_NEXT})
    assert login.status_code == 302, ("login", login.status_code)
    query = parse_qs(urlparse(login["Location"]).query)
    data = {"code": claims_code(person_claims(person), query["nonce"][0]), "state": query["state"][0]}
    if meter is None:
        callback = client.get("/sso/callback/", data)
    else:
        with meter.request():
            callback = client.get("/sso/callback/", data)
    assert callback.status_code == 302 and callback["Location"] == SIGN_IN_NEXT, (
        "callback",
        person.pk,
        callback.status_code,
        callback.get("Location"),
    )
    # the person found by số định danh, not a new one
    assert client.session.get(auth.SESSION_KEY) == str(person.pk), (
        "signed in as",
        client.session.get(auth.SESSION_KEY),
    )


def dataset_people() -> QuerySet[Person]:
    from bench.dataset import PEOPLE_EMAIL_DOMAIN
    from province.accounts.models import Person

    people: QuerySet[Person] = Person.objects.filter(
        identity_email__endswith=f"@{PEOPLE_EMAIL_DOMAIN}", id_number__isnull=False
    )
    return people


def measure_sign_in(samples: int, rng: random.Random, *, warm_up: int = WARM_UP) -> dict[str, Any]:
    from django.test import Client

    from province.accounts.models import ExternalIdentity

    def never_signed_in(person: Person) -> bool:
        return not ExternalIdentity.objects.filter(person_id=person.pk).exists()

    people = random_rows(dataset_people(), samples + warm_up, rng, accept=never_signed_in)
    assert len(people) > warm_up, "no dataset people who have never signed in"
    warm, people = people[:warm_up], people[warm_up:]
    client = Client(HTTP_USER_AGENT="bench.scale")
    for person in warm:
        sign_in(client, person)
    first, returning = Meter(), Meter()
    for person in people:
        sign_in(client, person, first)
    for person in people:
        sign_in(client, person, returning)
    linked = ExternalIdentity.objects.filter(person__in=people, subject__startswith=SUBJECT_PREFIX).count()
    assert linked >= len(people), (linked, len(people))
    return {"first": first.summary(), "returning": returning.summary()}


# --- 2. lookup --------------------------------------------------------------------------------


def measure_lookup(samples: int, rng: random.Random, *, warm_up: int = WARM_UP) -> dict[str, Any]:
    from django.test import Client

    from province.dossiers.models import Dossier
    from province.dossiers.services import last_four_digits

    rows = random_rows(
        Dossier.objects.only("code", "applicant_info"),
        2 * (samples + warm_up),
        rng,
        accept=lambda d: bool(last_four_digits(d.applicant_info.get("phone") or "")),
    )
    assert rows, "no dossiers with an applicant's phone"
    client = Client(HTTP_USER_AGENT="bench.scale")
    form, api = Meter(), Meter()

    def by_form(dossier: Any, meter: Meter | None) -> None:
        data = {"code": dossier.code, "phone_digits": last_four_digits(dossier.applicant_info["phone"])}
        with meter.request() if meter else _nothing():
            response = client.post("/tra-cuu-ho-so/", data)
        assert response.status_code == 200 and dossier.code in response.content.decode(), (
            "lookup form",
            dossier.code,
            response.status_code,
        )

    def by_api(dossier: Any, meter: Meter | None) -> None:
        body = json.dumps({"code": dossier.code, "phone_digits": last_four_digits(dossier.applicant_info["phone"])})
        with meter.request() if meter else _nothing():
            response = client.post("/api/v1/lookup", body, content_type="application/json")
        assert response.status_code == 200 and response.json()["code"] == dossier.code, (
            "lookup API",
            dossier.code,
            response.status_code,
        )

    half = len(rows) // 2
    for dossier in rows[:warm_up]:
        by_form(dossier, None)
    for dossier in rows[warm_up:half]:
        by_form(dossier, form)
    for dossier in rows[half : half + warm_up]:
        by_api(dossier, None)
    for dossier in rows[half + warm_up :]:
        by_api(dossier, api)
    return {"form": form.summary(), "api": api.summary()}


@contextmanager
def _nothing() -> Iterator[None]:
    yield


# --- 3. my dossiers ---------------------------------------------------------------------------


def _newest_code(person_id: int) -> str:
    from province.dossiers.models import Dossier

    code: str = (
        Dossier.objects.filter(applicant_id=person_id, organisation__isnull=True)
        .order_by("-submitted_at", "-id")
        .values_list("code", flat=True)[0]
    )
    return code


def _my_dossiers_page(client: Client, person_id: int, meter: Meter | None) -> None:
    newest = _newest_code(person_id)
    with meter.request() if meter else _nothing():
        response = client.get("/tai-khoan/ho-so/")
    assert response.status_code == 200 and newest in response.content.decode(), (
        "my dossiers",
        person_id,
        response.status_code,
    )


def measure_my_dossiers(samples: int, rng: random.Random, login: SignIn, *, warm_up: int = WARM_UP) -> dict[str, Any]:
    """Different people reached through random dossiers (so the busier a person, the likelier)."""
    from django.db import connection
    from django.test import Client

    from province.accounts.models import Person
    from province.dossiers.models import Dossier

    seen: set[int] = set()

    def new_applicant(dossier: Any) -> bool:
        if dossier.applicant_id in seen or not dataset_people().filter(pk=dossier.applicant_id).exists():
            return False
        seen.add(dossier.applicant_id)
        return True

    # a plain filter, each candidate checked apart: a join with millions of people per pick
    # could make the planner hash them all
    dossiers = random_rows(
        Dossier.objects.filter(applicant__isnull=False, organisation__isnull=True).only("applicant_id"),
        samples + warm_up,
        rng,
        accept=new_applicant,
    )
    people = {p.pk: p for p in dataset_people().filter(pk__in=seen)}
    ordered = [people[d.applicant_id] for d in dossiers]
    assert len(ordered) > warm_up, "no dataset people with dossiers"
    meter = Meter()
    client = Client(HTTP_USER_AGENT="bench.scale")
    for n, person in enumerate(ordered):
        login(client, person)
        _my_dossiers_page(client, person.pk, meter if n >= warm_up else None)

    table = Dossier._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.applicant_id, count(*) FROM {table} d JOIN {Person._meta.db_table} p ON p.id = d.applicant_id "
            "WHERE d.organisation_id IS NULL AND p.id_number IS NOT NULL "
            "GROUP BY d.applicant_id ORDER BY count(*) DESC LIMIT 1"
        )
        busiest_id, busiest_count = cursor.fetchone()
    busiest = Person.objects.get(pk=busiest_id)
    login(client, busiest)
    for _ in range(warm_up):
        _my_dossiers_page(client, busiest.pk, None)
    most = Meter()
    for _ in range(samples):
        _my_dossiers_page(client, busiest.pk, most)
    return {
        "people": meter.summary(),
        "busiest_person": most.summary(dossiers=busiest_count, note="the same page every time"),
    }


# --- 4. officer queue, 5. statistics ----------------------------------------------------------


def measure_officer_queue(samples: int, echo: Echo) -> dict[str, Any]:
    from bench import officer_queue

    return officer_queue.run(samples, echo)


def stats_variants() -> dict[str, str] | None:
    """``bench.stats_page``'s variants for this database, or None when the aggregates are empty."""
    from django.db.models import Max, Sum

    from bench.stats_page import page_variants
    from province.stats.models import DailyStat, MonthlyStat

    last_day = DailyStat.objects.aggregate(last=Max("day"))["last"]
    if last_day is None or not MonthlyStat.objects.exists():
        return None
    agency = (
        MonthlyStat.objects.values("agency_id")
        .annotate(n=Sum("received"))
        .order_by("-n")
        .values_list("agency_id", flat=True)[0]
    )
    field = (
        MonthlyStat.objects.values("procedure__field_id")
        .annotate(n=Sum("received"))
        .order_by("-n")
        .values_list("procedure__field_id", flat=True)[0]
    )
    return page_variants(year=last_day.year, month=last_day.month, agency=agency, field=field)


def measure_statistics(samples: int) -> dict[str, Any]:
    from django.test import Client

    variants = stats_variants()
    if variants is None:
        return {"skipped": "the statistics aggregates are empty: run `python -m province stats_recount` first"}
    client = Client(HTTP_USER_AGENT="bench.scale")
    urls = list(variants.items())
    for _name, url in urls * 2:  # warm-up
        assert client.get(url).status_code == 200, url
    every = Meter()
    per_variant: dict[str, Meter] = {name: Meter() for name in variants}
    for n in range(samples):
        name, url = urls[n % len(urls)]
        with every.request():
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        per_variant[name].times.append(every.times[-1])
        per_variant[name].statements.append(every.statements[-1])
    from django.db.models import Sum

    from province.stats.models import DailyStat, MonthlyStat

    return {
        **every.summary(),
        # whether the aggregates cover the dataset (a bulk copy of dossiers does not add to them)
        "aggregates": {
            "daily_rows": DailyStat.objects.count(),
            "monthly_rows": MonthlyStat.objects.count(),
            "received": MonthlyStat.objects.aggregate(n=Sum("received"))["n"],
        },
        "per_variant_p95_ms": {name: round(percentile(m.times, 0.95), 1) for name, m in per_variant.items() if m.times},
    }


# --- the run ----------------------------------------------------------------------------------


def dataset_size() -> dict[str, Any]:
    """Rows in the big tables: PostgreSQL's estimates (pg_class.reltuples, as of the last
    ANALYZE or VACUUM; count(*) over 10M rows takes long), exact counts elsewhere."""
    from django.db import connection

    from province.accounts.models import Person
    from province.dossiers.models import Dossier, DossierEvent

    tables: dict[str, type[Model]] = {"dossiers": Dossier, "people": Person, "events": DossierEvent}
    sizes: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for name, model in tables.items():
            if connection.vendor == "postgresql":
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [model._meta.db_table])
            else:
                cursor.execute(f"SELECT count(*) FROM {model._meta.db_table}")
            sizes[name] = int(cursor.fetchone()[0])
    sizes["counted_with"] = (
        "pg_class.reltuples estimates (as of the last ANALYZE/VACUUM)"
        if connection.vendor == "postgresql"
        else "exact count(*)"
    )
    return sizes


def run(*, samples: int, seed: int, echo: Echo, paths: Sequence[str]) -> dict[str, Any]:
    """Measure ``paths`` (names of ``PATHS``) on the configured database."""
    rng = random.Random(seed)
    result: dict[str, Any] = {
        "benchmark": "scale run (issue #9): in process through Django's test client, one request at a time",
        "samples": samples,
        "seed": seed,
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "dataset": dataset_size(),
        "paths": {},
    }
    for name in paths:
        echo(f"{name} …")
        started = time.monotonic()
        if name == "sign_in":
            measured = measure_sign_in(samples, rng)
        elif name == "lookup":
            measured = measure_lookup(samples, rng)
        elif name == "my_dossiers":
            measured = measure_my_dossiers(samples, rng, sign_in)
        elif name == "officer_queue":
            measured = measure_officer_queue(samples, echo)
        else:
            measured = measure_statistics(samples)
        result["paths"][name] = {**measured, **TARGETS[name]}
        echo(f"{name}: {time.monotonic() - started:.0f} s")
    result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    return result


PATHS = ("sign_in", "lookup", "my_dossiers", "officer_queue", "statistics")
TARGETS: dict[str, dict[str, Any]] = {
    "sign_in": {
        "target": "callback p95 < 50 ms (issue #3) at 20 concurrent sign-ins; measured here with one client in process"
    },
    "lookup": {"target": "none in ms (report)"},
    "my_dossiers": {"target": "none in ms (report)"},
    "officer_queue": {"target": "p95 < 50 ms"},
    "statistics": {"target": "p95 < 200 ms"},
}


def _unapplied_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--database-url", required=True, help="a migrated PostgreSQL database holding a dataset")
    parser.add_argument("--samples", type=int, default=300, help="timed requests per path")
    parser.add_argument("--json-out", type=Path, help="also write the JSON result here")
    parser.add_argument("--seed", type=int, default=9, help="for the random choice of rows")
    parser.add_argument("--only", choices=PATHS, action="append", help="measure only this path (repeatable)")
    args = parser.parse_args(argv)

    def echo(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    from bench.fake_oidc import serving
    from bench.lookups import BENCH_SECRET_KEY

    var_dir = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    (var_dir / "static").mkdir()  # no collected static files needed, only the directory
    with serving() as issuer:
        os.environ.update(
            DATABASE_URL=args.database_url,
            DJANGO_SETTINGS_MODULE="province.settings.local",
            PROVINCE_LOG_LEVEL="WARNING",
            PROVINCE_SECRET_KEY=BENCH_SECRET_KEY,  # the dataset's lookup digests were made with it
            PROVINCE_DOSSIER_LOOKUP_RATE="1000000000",  # the limiter still runs, never refuses
            PROVINCE_VAR_DIR=str(var_dir),
            NATIONAL_SSO_ISSUER=issuer,
        )
        import django

        django.setup()
        pending = _unapplied_migrations()
        if pending:
            sys.exit(
                f"the database is not migrated ({len(pending)} pending, e.g. {pending[0]}): the bench changes no schema"
            )
        result = run(samples=args.samples, seed=args.seed, echo=echo, paths=args.only or PATHS)
        result["database"] = urlparse(args.database_url).path.lstrip("/")
        result["measured_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.json_out:
        args.json_out.write_text(text + "\n")


if __name__ == "__main__":
    main()
