"""The WSGI entry point leaves what it loaded out of the garbage collector's full passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_it_freezes_the_loaded_application_for_the_collector(tmp_path: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "province.settings.test", "PROVINCE_VAR_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", "import gc, province.wsgi; print(gc.get_freeze_count())"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
        timeout=120,
    ).stdout
    assert int(out.strip().splitlines()[-1]) > 10_000
