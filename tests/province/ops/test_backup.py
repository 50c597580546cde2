"""deploy/backup.sh and deploy/restore.sh: a dump/restore round trip of a small database
(only when PostgreSQL answers at PG_URL, default the local test server)."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

psycopg = pytest.importorskip("psycopg")

REPO = Path(__file__).resolve().parents[3]
SERVER = os.environ.get("PG_URL", "postgresql://postgres@127.0.0.1:5432/test").rsplit("/", 1)[0]
TABLES = (
    "dossiers_dossier",
    "dossiers_dossierdocument",
    "dossiers_notification",
    "accounts_person",
    "accounts_auditlog",
    "catalogue_procedure",
)


def _postgres_answers() -> bool:
    try:
        with psycopg.connect(f"{SERVER}/postgres", connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:
        return False


pytestmark = pytest.mark.skipif(not _postgres_answers(), reason="PostgreSQL does not answer")


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    names = [f"bench_d_backup_{uuid.uuid4().hex[:8]}", f"bench_d_restore_{uuid.uuid4().hex[:8]}"]
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{SERVER}/{names[0]}", f"{SERVER}/{names[1]}"
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
            for name in names:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def fill(url: str, rows: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for index, table in enumerate(TABLES):
            conn.execute(f"CREATE TABLE {table} (id bigserial PRIMARY KEY, note text NOT NULL)")
            for n in range(rows + index):
                conn.execute(f"INSERT INTO {table} (note) VALUES (%s)", (f"{table} {n} Nguyễn Văn An",))


def run(*command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True, check=False)


def test_it_backs_up_and_restores_the_database_and_files(databases, tmp_path):
    source, target = databases
    fill(source, rows=5)
    files = tmp_path / "private"
    (files / "dossiers" / "2026" / "03").mkdir(parents=True)
    (files / "dossiers" / "2026" / "03" / "to-khai.pdf").write_bytes(b"%PDF-1.4 to khai")
    (files / "datastore" / "cccd.png").parent.mkdir(parents=True)
    (files / "datastore" / "cccd.png").write_bytes(b"\x89PNG anh")
    env = {"DATABASE_URL": source, "PROVINCE_PRIVATE_MEDIA_DIR": str(files), "BACKUP_DIR": str(tmp_path / "backups")}

    made = run("deploy/backup.sh", env=env)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    assert backup.name.startswith("province-") and (backup / "database.dump").stat().st_size > 0
    assert (backup / "rows.txt").read_text().splitlines()[0] == "dossiers_dossier 5"
    assert oct((backup / "database.dump").stat().st_mode)[-3:] == "600"

    restored_files = tmp_path / "restored"
    done = run("deploy/restore.sh", str(backup), target, str(restored_files), env={})
    assert done.returncode == 0, done.stderr
    assert "ok dossiers_dossier 5 rows" in done.stdout and "ok 2 files" in done.stdout
    assert (restored_files / "dossiers" / "2026" / "03" / "to-khai.pdf").read_bytes() == b"%PDF-1.4 to khai"
    with psycopg.connect(target) as conn:
        row = conn.execute("SELECT note FROM accounts_person ORDER BY id LIMIT 1").fetchone()
    assert row == ("accounts_person 0 Nguyễn Văn An",)

    # a second restore into the same (now full) database is refused, nothing changes
    again = run("deploy/restore.sh", str(backup), target, str(tmp_path / "again"), env={})
    assert again.returncode != 0 and "not empty" in again.stderr


def test_it_refuses_a_damaged_backup(databases, tmp_path):
    source, target = databases
    fill(source, rows=1)
    files = tmp_path / "private"
    files.mkdir()
    (files / "a.pdf").write_bytes(b"%PDF a")
    env = {"DATABASE_URL": source, "PROVINCE_PRIVATE_MEDIA_DIR": str(files), "BACKUP_DIR": str(tmp_path / "b")}
    backup = Path(run("deploy/backup.sh", env=env).stdout.strip().splitlines()[-1])
    with (backup / "database.dump").open("r+b") as dump:
        dump.seek(40)
        dump.write(b"\x00\x00\x00\x00")
    done = run("deploy/restore.sh", str(backup), target, str(tmp_path / "restored"), env={})
    assert done.returncode != 0 and "damaged" in done.stderr
    with psycopg.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)


def test_it_keeps_the_newest_backups_only(databases, tmp_path):
    source, _ = databases
    fill(source, rows=1)
    env = {
        "DATABASE_URL": source,
        "PROVINCE_PRIVATE_MEDIA_DIR": str(tmp_path / "none"),
        "BACKUP_DIR": str(tmp_path / "b"),
        "BACKUP_KEEP": "2",
    }
    made = []
    for _ in range(3):
        result = run("deploy/backup.sh", env=env)
        assert result.returncode == 0, result.stderr
        made.append(result.stdout.strip().splitlines()[-1])
        # names are per second
        subprocess.run(["sleep", "1.1"], check=True)
    kept = sorted(str(p) for p in (tmp_path / "b").iterdir())
    assert kept == sorted(made[1:])
