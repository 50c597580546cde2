from __future__ import annotations

import os
import subprocess
import sys


def test_it_refuses_to_start_in_production_mode():
    env = dict(os.environ, APP_ENV="production", DJANGO_SETTINGS_MODULE="sandbox.settings.local")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "refuses to start with APP_ENV=production" in result.stderr


def test_it_stops_on_a_malformed_setting():
    env = dict(os.environ, SANDBOX_PORT="eighty", DJANGO_SETTINGS_MODULE="sandbox.settings.local")
    env.pop("APP_ENV", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SANDBOX_PORT='eighty' is not a whole number" in result.stderr
