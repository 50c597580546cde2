"""Online submissions per second, each with two 1 MB documents, durable.

    .venv/bin/python bench/submissions.py [--database-url postgresql://postgres@127.0.0.1:5432/bench_submissions]
        [--processes 4] [--seconds 20] [--people 400] [--dossiers 0]

What is measured: ``dossier_submit``, the service behind the wizard's last step and the
integration API, called by ``--processes`` OS processes at once for ``--seconds``, with
the production settings (PostgreSQL, Redis as cache and Celery broker, the notification
task queued to it). Each call checks the two PDFs by content and hashes them, validates
the e-form, numbers the dossier under the agency's counter lock, writes both files through
the private storage (``DurableFileSystemStorage``: file and folders fsync'ed) on the disk
that holds the repository (not tmpfs), and commits (PostgreSQL fsyncs its WAL;
``fsync`` and ``synchronous_commit`` are read from the server and reported). So a counted
submission is committed and on disk. Applicants are the real ``Person`` rows of
``bench/dataset.py``; each submission goes to one of the procedure's agencies at random.

Why the service and not HTTP: a submission through the wizard is seven requests after an
SSO sign-in (steps, two multipart uploads of 1 MB, review, submit). A Python client doing
that needs CPU comparable to the server's, and on two cores it would measure itself; the
parts an HTTP front adds (parsing a 2 MB multipart body, the session) are measured by the
lookup benchmark's hello-world figure and are not where the durable submit spends its time.

After the run the benchmark checks what it counted: the dossiers exist, each has two
documents whose files are on disk with the right size and SHA-256, and the codes of each
agency and day are consecutive.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.lookups import BENCH_REDIS_URL, BENCH_SECRET_KEY, server_env
from bin.stack import PY, REPO

MB = 1024 * 1024
KEY_PREFIX = "bench-sub-"


def pdf_bytes(size: int) -> bytes:
    """A PDF-typed file of ``size`` bytes (random body: incompressible, never deduplicated)."""
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    tail = b"\n%%EOF\n"
    return head + secrets.token_bytes(size - len(head) - len(tail)) + tail


def _setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def choose_procedure() -> dict[str, Any]:
    """A fully-online procedure with at least two documents whose e-form the generator fills
    validly; returns what the workers need (ids only: they load their own rows)."""
    import random

    from bench.dataset import _Applicant, _form_value
    from province.catalogue.models import OnlineLevel, Procedure
    from province.dossiers import services

    probe = _Applicant(
        pk=0,
        info={
            "full_name": "NGUYỄN VĂN AN",
            "address": "Thôn 1, Xã Phụng Công",
            "id_number": "033099012345",
            "phone": "0912345678",
        },
        digits="",
    )
    rng = random.Random(1)
    procedures = (
        Procedure.objects.filter(is_active=True, online_level=OnlineLevel.FULL, agencies__is_active=True)
        .distinct()
        .order_by("code")
    )
    for procedure in procedures:
        documents = list(procedure.documents.order_by("-required", "order", "id"))
        if len(documents) < 2 or sum(d.required for d in documents) > 2:
            continue
        version = procedure.form_versions.filter(is_current=True).first()
        schema = list(version.schema) if version else []
        form = {str(f["name"]): _form_value(rng, f, probe) for f in schema}
        _version, _cleaned, errors = services.validate_form(procedure, form)
        if errors:
            continue
        return {
            "procedure_id": procedure.pk,
            "code": procedure.code,
            "form": form,
            "documents": [d.pk for d in documents[:2]],
            "agencies": sorted(a.pk for a in procedure.agencies.filter(is_active=True)),
        }
    raise SystemExit("no fully-online procedure with two documents and a fillable e-form")


def worker(
    index: int, env: dict[str, str], plan: dict[str, Any], people: list[int], go: Any, seconds: float, out: Any
) -> None:
    _setup_django(env)
    import random

    from django.db import connection

    from province.accounts.models import Person
    from province.catalogue.models import Agency, Procedure, ProcedureDocument
    from province.dossiers import services
    from province.dossiers.files import check_content

    rng = random.Random(index)
    procedure = Procedure.objects.get(pk=plan["procedure_id"])
    documents = [ProcedureDocument.objects.get(pk=pk) for pk in plan["documents"]]
    agencies = list(Agency.objects.filter(pk__in=plan["agencies"]))
    applicants = list(Person.objects.filter(pk__in=people))
    files = [pdf_bytes(MB), pdf_bytes(MB)]
    latencies: list[float] = []
    codes: list[str] = []

    def submit(key: str, applicant: Any) -> Any:
        # what the upload step does with each file: type by content, size, SHA-256, name
        inputs = [
            services.DocumentInput(file=check_content(content, f"giay-to-{k}.pdf"), procedure_document=doc)
            for k, (content, doc) in enumerate(zip(files, documents, strict=True))
        ]
        return services.dossier_submit(
            applicant=applicant,
            organisation=None,
            procedure=procedure,
            form_data=plan["form"],
            documents=inputs,
            delivery=services.DeliveryInput(method="online"),
            idempotency_key=key,
            request_info=None,
            agency=rng.choice(agencies),
        )

    # one submission before the clock starts: imports, translations, the holiday calendar,
    # the broker connection are loaded on first use (seconds), not per submission
    warm = submit(f"{KEY_PREFIX}{plan['run']}-{index}-warm", applicants[0])
    out.put({"ready": index, "warm_code": warm.code})
    go.wait()
    deadline = time.time() + seconds
    cpu_started = time.process_time()
    n = 0
    while time.time() < deadline:
        began = time.perf_counter()
        dossier = submit(f"{KEY_PREFIX}{plan['run']}-{index}-{n}", applicants[n % len(applicants)])
        latencies.append(time.perf_counter() - began)
        codes.append(dossier.code)
        n += 1
    cpu = time.process_time() - cpu_started
    connection.close()
    out.put({"worker": index, "latencies": latencies, "codes": codes, "cpu": cpu})


def verify(codes: list[str]) -> dict[str, Any]:
    """Every counted dossier exists with two stored documents on disk, of the right size
    and hash; codes per agency and day have no gap among the benchmark's own."""
    from province.dossiers.models import Dossier, DossierDocument

    found = Dossier.objects.filter(code__in=codes).count()
    documents = DossierDocument.objects.filter(dossier__code__in=codes)
    bad = 0
    checked = 0
    for doc in documents.iterator():
        checked += 1
        path = Path(doc.file.path)
        if not path.exists() or path.stat().st_size != doc.size:
            bad += 1
            continue
        if checked <= 200 and hashlib.sha256(path.read_bytes()).hexdigest() != doc.sha256:
            bad += 1
    by_day: dict[str, list[int]] = {}
    for code in codes:
        prefix, number = code.rsplit("-", 1)
        by_day.setdefault(prefix, []).append(int(number))
    gaps = sum(1 for numbers in by_day.values() if sorted(numbers) != list(range(min(numbers), max(numbers) + 1)))
    duplicates = len(codes) - len(set(codes))
    return {
        "dossiers_found": found,
        "documents_on_disk": checked - bad,
        "documents_bad": bad,
        "code_gaps": gaps,
        "code_duplicates": duplicates,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/bench_submissions")
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--dossiers", type=int, default=0, help="bulk dossiers to have in the database first")
    args = parser.parse_args()
    subprocess.run(
        [
            PY,
            "-m",
            "bench.dataset",
            "--database-url",
            args.database_url,
            "--dossiers",
            str(args.dossiers),
            "--people",
            str(args.people),
            "--quiet",
        ],
        cwd=REPO,
        env=dict(os.environ, PROVINCE_SECRET_KEY=BENCH_SECRET_KEY),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    # private files on the repository's disk (ext4 here), not /tmp, which may be tmpfs
    var_dir = REPO / "var" / f"bench-submissions-{os.getpid()}"
    env = server_env(args.database_url, var_dir, 9)
    _setup_django(env)
    from django.db import connection

    from province.accounts.models import Person

    with connection.cursor() as cursor:
        cursor.execute("SHOW fsync")
        fsync = cursor.fetchone()
        cursor.execute("SHOW synchronous_commit")
        sync_commit = cursor.fetchone()
    plan = choose_procedure()
    plan["run"] = secrets.token_hex(3)
    people = list(
        Person.objects.filter(identity_email__endswith="@dulieu-mau.invalid").values_list("pk", flat=True)[
            : args.people
        ]
    )
    connection.close()
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    go = ctx.Event()  # set once every process has loaded Django and its rows
    share = max(1, len(people) // args.processes)
    procs = [
        ctx.Process(
            target=worker,
            args=(i, env, plan, people[i * share : (i + 1) * share] or people, go, args.seconds, queue),
        )
        for i in range(args.processes)
    ]
    try:
        for proc in procs:
            proc.start()
        warm_codes = [queue.get(timeout=300)["warm_code"] for _ in procs]
        go.set()
        results = [queue.get(timeout=args.seconds + 120) for _ in procs]
        for proc in procs:
            proc.join(timeout=30)
        latencies = sorted(x for r in results for x in r["latencies"])
        codes = [c for r in results for c in r["codes"]]
        checks = verify(codes + warm_codes)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
        try:
            import redis

            redis.Redis.from_url(BENCH_REDIS_URL).flushdb()  # the queued notification tasks
        except Exception as exc:  # the figures stand without it
            print(f"could not empty the benchmark's Redis database: {exc}", file=sys.stderr)

    def pct(p: float) -> float:
        return round(float(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]) * 1000, 1)

    result = {
        "procedure": plan["code"],
        "processes": args.processes,
        "seconds": args.seconds,
        "submissions": len(codes),
        "rate_per_s": round(len(codes) / args.seconds, 1),
        "latency_ms": {
            "p50": pct(50),
            "p95": pct(95),
            "p99": pct(99),
            "mean": round(statistics.mean(latencies) * 1000, 1),
        },
        # CPU of the submitting processes only (PostgreSQL's own work is not in it): a figure
        # that does not depend on what else the machine runs
        "client_cpu_ms_per_submission": round(sum(r["cpu"] for r in results) / max(1, len(codes)) * 1000, 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "documents_per_submission": 2,
        "document_bytes": MB,
        "postgres": {
            "fsync": fsync[0] if fsync else None,
            "synchronous_commit": sync_commit[0] if sync_commit else None,
        },
        "checks": checks,
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
