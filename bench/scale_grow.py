"""Grow a ``bench/dataset.py`` database tenfold in SQL, for the scale run (issue #9).

    PROVINCE_SECRET_KEY=<the key the dataset was loaded with> .venv/bin/python -m bench.scale_grow \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_10m [--factor 10] [--people-factor 9]

Generating ten million dossiers one by one in Python (``bench/dataset.py``) takes about two
hours on this machine; copying a loaded million inside PostgreSQL takes minutes. The loaded
dataset (``dataset-*`` dossiers, ``@dulieu-mau.invalid`` people) is copied ``--factor - 1``
times and its people ``--people-factor - 1`` times, so that the copies are data the
application accepts, not just rows:

- a copied person is born ``k`` years earlier than the original, and their số định danh is
  rebuilt from that birth year (century/gender digit and year digits; same province code
  and serial), so it passes ``id_number_errors`` and is unique (the serials of the generated
  people are unique among them); new ``public_id``, identity e-mail ``cd<n>@…`` numbered on;
- copy ``k`` of a dossier belongs to copy ``k mod people-factor`` of its applicant (so each
  person has about as many dossiers as before: 10 M dossiers over 3 M people), its snapshot
  of the applicant (``applicant_info``) and the applicant events' actor follow; its code keeps
  agency and day and takes the number ``n + k × c`` where ``c`` is that agency-day counter's
  value, and the counters end at ``c × factor``, so codes stay unique and a new submission
  on one of those days continues after them; ``lookup_secret`` is recomputed with the same
  HMAC as ``lookup_digest`` (pgcrypto) from the new code and the phone's last four digits,
  so the public lookup finds every copy; idempotency keys are numbered on;
- every dossier's timeline (``DossierEvent``) is copied with it. Statuses, dates, units and
  everything else are the original's: the province gets ten times the volume over the same
  two years.

Each copy is one transaction, recorded in ``bench_scale_grow``: a run that stops can be run
again and continues. The secondary indexes of the two big tables are dropped before the
copies and built again after them (much faster than maintaining them row by row); the
unique constraints stay, so a copy that broke uniqueness would fail. Then ANALYZE, and the
statistics aggregates are rebuilt (``stats_recount``), timed.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dataset import KEY_PREFIX, PEOPLE_EMAIL_DOMAIN

BIG_TABLES = ("dossiers_dossier", "dossiers_dossierevent")
# what a copy computes itself; every other column is copied as it is
PERSON_COMPUTED = {"id", "public_id", "birth_date", "id_number", "cmnd", "identity_email"}
DOSSIER_COMPUTED = {"id", "code", "applicant_id", "applicant_info", "lookup_secret", "idempotency_key"}


def _columns(cursor: Any, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def _drop_secondary_indexes(cursor: Any) -> None:
    """Keep the definitions in ``bench_scale_index`` (so a stopped run rebuilds them), drop."""
    cursor.execute("CREATE TABLE IF NOT EXISTS bench_scale_index (name text PRIMARY KEY, definition text NOT NULL)")
    cursor.execute(
        """
        INSERT INTO bench_scale_index (name, definition)
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = ANY(%s) AND i.schemaname = 'public'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        ON CONFLICT (name) DO NOTHING
        """,
        [list(BIG_TABLES)],
    )
    cursor.execute("SELECT name FROM bench_scale_index")
    for (name,) in cursor.fetchall():
        cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def _rebuild_indexes(cursor: Any, echo: Any) -> None:
    cursor.execute("SELECT name, definition FROM bench_scale_index ORDER BY name")
    for name, definition in cursor.fetchall():
        started = time.monotonic()
        cursor.execute(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
        echo(f"index {name}: {time.monotonic() - started:.0f} s")
    cursor.execute("DROP TABLE bench_scale_index")


def _copy_people(cursor: Any, people_factor: int, echo: Any) -> int:
    """Map table ``bench_scale_person (orig_id, k, new_id)`` and the copied people."""
    cursor.execute(
        "CREATE TABLE IF NOT EXISTS bench_scale_person "
        "(orig_id bigint NOT NULL, k int NOT NULL, new_id bigint NOT NULL, PRIMARY KEY (orig_id, k))"
    )
    cursor.execute("SELECT count(*) FROM bench_scale_person")
    if cursor.fetchone()[0]:
        return 0
    started = time.monotonic()
    cursor.execute(
        "CREATE TEMP TABLE scale_base AS SELECT id, identity_email FROM accounts_person "
        "WHERE identity_email LIKE %s ORDER BY id",
        [f"%@{PEOPLE_EMAIL_DOMAIN}"],
    )
    cursor.execute("SELECT count(*), max(substring(identity_email from 3 for 7)::int) FROM scale_base")
    base_count, top_index = cursor.fetchone()
    stride = top_index + 1
    cursor.execute(
        "INSERT INTO bench_scale_person (orig_id, k, new_id) "
        "SELECT b.id, k, nextval(pg_get_serial_sequence('accounts_person', 'id')) "
        "FROM scale_base b CROSS JOIN generate_series(1, %s) AS k ORDER BY k, b.id",
        [people_factor - 1],
    )
    copied = [c for c in _columns(cursor, "accounts_person") if c not in PERSON_COMPUTED]
    plain = ", ".join(f'p."{c}"' for c in copied)
    cursor.execute(
        f"""
        INSERT INTO accounts_person (id, public_id, birth_date, id_number, cmnd, identity_email, {", ".join(copied)})
        SELECT m.new_id, gen_random_uuid(), born,
               left(p.id_number, 3)
               || ((extract(year FROM born)::int / 100 - 19) * 2 + (p.gender = 'Nữ')::int)::text
               || lpad((extract(year FROM born)::int %% 100)::text, 2, '0')
               || right(p.id_number, 6),
               NULL,
               'cd' || pg_temp.zpad(substring(p.identity_email from 3 for 7)::int + m.k * %s, 7)
               || '@{PEOPLE_EMAIL_DOMAIN}',
               {plain}
        FROM bench_scale_person m
        JOIN accounts_person p ON p.id = m.orig_id
        CROSS JOIN LATERAL (SELECT (p.birth_date - make_interval(years => m.k))::date AS born) b
        """,
        [stride],
    )
    added: int = cursor.rowcount
    cursor.execute("DROP TABLE scale_base")
    echo(f"people: {base_count} → {base_count + added} ({time.monotonic() - started:.0f} s)")
    return added


def _copy_dossiers(cursor: Any, k: int, *, people_factor: int, stride: int, keys: int, secret: str) -> int:
    copied = [c for c in _columns(cursor, "dossiers_dossier") if c not in DOSSIER_COMPUTED]
    plain = ", ".join(f'd."{c}"' for c in copied)
    owner = k % people_factor
    if owner:
        person_join = "JOIN bench_scale_person m ON m.orig_id = d.applicant_id AND m.k = %(owner)s"
        person_id = "m.new_id"
    else:
        person_join = ""
        person_id = "d.applicant_id"
    cursor.execute(
        f"""
        INSERT INTO dossiers_dossier
            (id, code, applicant_id, applicant_info, lookup_secret, idempotency_key, {", ".join(copied)})
        SELECT d.id + %(k)s * %(stride)s, c.new_code, {person_id},
               d.applicant_info || jsonb_build_object(
                   'id_number', p.id_number, 'birth_date', p.birth_date::text, 'email', p.identity_email),
               encode(hmac(c.new_code || ':' || right(d.applicant_info ->> 'phone', 4), %(secret)s, 'sha256'), 'hex'),
               %(prefix)s || pg_temp.zpad(substring(d.idempotency_key from %(skip)s)::bigint + %(k)s * %(keys)s, 9),
               {plain}
        FROM dossiers_dossier d
        {person_join}
        JOIN accounts_person p ON p.id = {person_id}
        JOIN dossiers_agencydaycounter a
          ON a.agency_id = d.agency_id AND a.day = to_date(substring(d.code from '-(\\d{{6}})-\\d+$'), 'YYMMDD')
        CROSS JOIN LATERAL (
            SELECT regexp_replace(d.code, '\\d+$', '')
                   || pg_temp.zpad(substring(d.code from '(\\d+)$')::int + %(k)s * a.last, 4) AS new_code
        ) c
        WHERE d.idempotency_key LIKE %(pattern)s AND d.id < %(stride)s
        """,
        {
            "k": k,
            "stride": stride,
            "owner": owner,
            "secret": secret,
            "prefix": KEY_PREFIX,
            "skip": len(KEY_PREFIX) + 1,
            "keys": keys,
            "pattern": f"{KEY_PREFIX}%",
        },
    )
    added: int = cursor.rowcount
    actor = "CASE WHEN e.actor_id = d.applicant_id THEN m.new_id ELSE e.actor_id END" if owner else "e.actor_id"
    cursor.execute(
        f"""
        INSERT INTO dossiers_dossierevent (dossier_id, at, actor_id, from_status, to_status, note)
        SELECT e.dossier_id + %(k)s * %(stride)s, e.at, {actor}, e.from_status, e.to_status, e.note
        FROM dossiers_dossierevent e
        JOIN dossiers_dossier d ON d.id = e.dossier_id
        {person_join}
        WHERE d.idempotency_key LIKE %(pattern)s AND d.id < %(stride)s
        ORDER BY e.id
        """,
        {"k": k, "stride": stride, "owner": owner, "pattern": f"{KEY_PREFIX}%"},
    )
    return added


def grow(*, factor: int, people_factor: int, echo: Any = print) -> dict[str, Any]:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        raise SystemExit("the scale run needs PostgreSQL")
    started = time.monotonic()
    timings: dict[str, float] = {}
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
        # lpad() cuts a longer string: a number wider than the padding must stay whole
        cursor.execute(
            "CREATE OR REPLACE FUNCTION pg_temp.zpad(n bigint, width int) RETURNS text LANGUAGE sql IMMUTABLE "
            "AS $$ SELECT lpad(n::text, greatest(width, length(n::text)), '0') $$"
        )
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET synchronous_commit = off")  # a bench database: a crash means a re-run
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_scale_grow (k int PRIMARY KEY, stride bigint NOT NULL, "
            "keys bigint NOT NULL, dossiers bigint NOT NULL, seconds real NOT NULL)"
        )
        cursor.execute("SELECT k, stride, keys FROM bench_scale_grow ORDER BY k")
        done = cursor.fetchall()
        if done:
            stride, keys = done[0][1], done[0][2]
        else:
            cursor.execute(
                "SELECT max(id), count(*) FROM dossiers_dossier WHERE idempotency_key LIKE %s", [f"{KEY_PREFIX}%"]
            )
            top, keys = cursor.fetchone()
            if not keys:
                raise SystemExit("no generated dossiers: load them with bench/dataset.py first")
            cursor.execute("SELECT max(id) FROM dossiers_dossier")
            stride = 10 ** len(str(cursor.fetchone()[0]))  # every copy's ids above everything there
            del top
        todo = [k for k in range(1, factor) if k not in {row[0] for row in done}]
        if todo:
            with transaction.atomic():
                t = time.monotonic()
                _copy_people(cursor, people_factor, echo)
                timings["people_seconds"] = round(time.monotonic() - t, 1)
            _drop_secondary_indexes(cursor)
        for k in todo:
            t = time.monotonic()
            with transaction.atomic():
                added = _copy_dossiers(
                    cursor, k, people_factor=people_factor, stride=stride, keys=keys, secret=settings.SECRET_KEY
                )
                seconds = time.monotonic() - t
                cursor.execute(
                    "INSERT INTO bench_scale_grow (k, stride, keys, dossiers, seconds) VALUES (%s, %s, %s, %s, %s)",
                    [k, stride, keys, added, seconds],
                )
                if k == factor - 1:
                    cursor.execute(
                        "UPDATE dossiers_agencydaycounter SET last = last * %s "
                        "WHERE (agency_id, day) IN (SELECT DISTINCT agency_id, "
                        "to_date(substring(code from '-(\\d{6})-\\d+$'), 'YYMMDD') FROM dossiers_dossier "
                        "WHERE idempotency_key LIKE %s AND id < %s)",
                        [factor, f"{KEY_PREFIX}%", stride],
                    )
            echo(f"copy {k}/{factor - 1}: {added} dossiers with their events ({seconds:.0f} s)")
        if _exists(cursor):
            t = time.monotonic()
            _rebuild_indexes(cursor, echo)
            timings["indexes_seconds"] = round(time.monotonic() - t, 1)
        for table in ("accounts_person", "dossiers_dossier", "dossiers_dossierevent", "dossiers_agencydaycounter"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        t = time.monotonic()
        cursor.execute("VACUUM ANALYZE accounts_person")
        cursor.execute("VACUUM ANALYZE dossiers_dossier")
        cursor.execute("VACUUM ANALYZE dossiers_dossierevent")
        timings["vacuum_analyze_seconds"] = round(time.monotonic() - t, 1)
        cursor.execute("SELECT count(*) FROM dossiers_dossier")
        dossiers = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM accounts_person")
        people = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM dossiers_dossierevent")
        events = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    t = time.monotonic()
    call_command("stats_recount", stdout=io.StringIO())
    timings["stats_recount_seconds"] = round(time.monotonic() - t, 1)
    return {
        "dossiers": dossiers,
        "people": people,
        "events": events,
        "stride": stride,
        "database_gb": round(size / 1e9, 1),
        **timings,
        "total_seconds": round(time.monotonic() - started, 1),
    }


def _exists(cursor: Any) -> bool:
    cursor.execute("SELECT to_regclass('bench_scale_index') IS NOT NULL")
    return bool(cursor.fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--people-factor", type=int, default=9)
    args = parser.parse_args()
    if "PROVINCE_SECRET_KEY" not in os.environ:
        raise SystemExit("set PROVINCE_SECRET_KEY to the key the dataset was loaded with (lookup digests)")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "province.settings.local")
    os.environ.setdefault("PROVINCE_LOG_LEVEL", "WARNING")
    import json

    import django

    django.setup()
    result = grow(factor=args.factor, people_factor=args.people_factor, echo=lambda line: print(line, flush=True))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
