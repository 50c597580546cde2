"""bin/staging.py's supervisor: restarting a process whose master was killed takes what
it left behind with it (gunicorn workers holding the port made the first restart fail)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bin.staging import Child


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def _wait(condition: object, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_it_kills_the_orphans_of_a_killed_master_before_starting_again(tmp_path: Path) -> None:
    pidfile = tmp_path / "worker.pid"
    child = Child(
        name="web",
        # a "master" that leaves a "worker" behind in its process group
        command=["sh", "-c", f"sleep 120 & echo $! > {pidfile}; exec sleep 120"],
        env=dict(os.environ),
        log=tmp_path / "web.log",
    )
    child.start()
    assert child.proc is not None
    try:
        assert _wait(lambda: pidfile.exists() and pidfile.read_text().strip())
        worker = int(pidfile.read_text())
        first = child.proc
        first.kill()
        first.wait(5)
        assert not child.alive() and not _gone(worker)  # the orphan outlives its master

        child.restart(pause=0)

        assert _wait(lambda: _gone(worker)), "the orphaned worker still runs"
        assert child.alive() and child.proc is not first and child.restarts == 1
    finally:
        if child.proc is not None:
            os.killpg(child.proc.pid, 9)
