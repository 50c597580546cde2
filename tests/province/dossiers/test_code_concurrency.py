"""500 submissions from several OS processes, each with its own connection to one
database, to one agency on one day: codes 0001–0500, no gaps, no duplicates.

Runs on the suite's database engine: when ``DATABASE_URL`` names PostgreSQL (``make
test-postgres``), on a fresh database created on that server for the test (where the
code counter's upsert locks the agency's row), otherwise on a fresh SQLite file in a
temporary folder (where the whole database is locked): the test database of the other
tests lives inside their transactions and cannot be shared with other processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

WORKERS = 5
PER_WORKER = 100

SETUP = """
from decimal import Decimal
from province.accounts.models import Person
from province.catalogue.models import Agency, Field, Procedure
agency = Agency.objects.create(code="000.00.06.H33", name="UBND xã", level="xa")
field = Field.objects.create(code="LV-1", name="Hộ tịch")
procedure = Procedure.objects.create(code="1.000001", name="Thủ tục", field=field, level="xa",
                                     online_level="toan_trinh", processing_days=Decimal(1))
procedure.agencies.add(agency)
for n in range(%(workers)d):
    Person.objects.create_user(full_name=f"Người {n}", phone="0912345678")
"""

WORKER = """
from province.accounts.models import Person
from province.catalogue.models import Procedure
from province.dossiers import services
person = Person.objects.order_by("id")[%(index)d]
procedure = Procedure.objects.get()
for n in range(%(count)d):
    services.dossier_submit(applicant=person, organisation=None, procedure=procedure, form_data={},
        documents=[], delivery=services.DeliveryInput(method="agency"),
        idempotency_key=f"w%(index)d-n{n:05d}", request_info=None)
"""

REPORT = """
import json
from province.dossiers.models import Dossier
print(json.dumps(list(Dossier.objects.values_list("code", flat=True))))
"""


def _manage(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "province", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
    )


def _run(env: dict[str, str], *args: str) -> str:
    process = _manage(env, *args)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err[-3000:]
    return out


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    suite = os.environ.get("DATABASE_URL", "")
    if not suite.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
        return
    import psycopg

    name = f"test_codes_{os.getpid()}"
    with psycopg.connect(suite, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(suite)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(suite, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_it_gives_500_concurrent_submissions_consecutive_codes(tmp_path: Path, database_url: str) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "province.settings.test",
        "PROVINCE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": database_url,
        "PROVINCE_DOSSIER_CUTOFF": "23:59",
    }
    _run(env, "migrate", "--noinput", "-v", "0")
    _run(env, "shell", "-c", SETUP % {"workers": WORKERS})
    workers = [_manage(env, "shell", "-c", WORKER % {"index": i, "count": PER_WORKER}) for i in range(WORKERS)]
    for process in workers:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-3000:]
    codes = json.loads(_run(env, "shell", "-c", REPORT).strip().splitlines()[-1])
    assert len(codes) == WORKERS * PER_WORKER
    prefixes = {code.rsplit("-", 1)[0] for code in codes}
    assert len(prefixes) == 1
    assert sorted(int(code.rsplit("-", 1)[1]) for code in codes) == list(range(1, WORKERS * PER_WORKER + 1))
