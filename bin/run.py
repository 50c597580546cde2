"""`make run`: migrate, seed demo data, start the provincial system and the national sandbox.

Both are served by gunicorn (a real WSGI server), each with its own database and settings.
They talk to each other over HTTP only. Ctrl-C stops both.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable


def env_for(settings_module: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = settings_module
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.update(extra or {})
    return env


def manage(package: str, *args: str) -> None:
    subprocess.run([PY, "-m", package, *args], cwd=REPO, check=True)


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local URL
                return
        except Exception:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def main() -> None:
    host = os.environ.get("RUN_HOST", "127.0.0.1")
    province_port = os.environ.get("PROVINCE_PORT", "8000")
    sandbox_port = os.environ.get("SANDBOX_PORT", "8001")
    province_url = os.environ.setdefault("PROVINCE_PUBLIC_URL", f"http://{host}:{province_port}")
    sandbox_url = os.environ.setdefault("SANDBOX_PUBLIC_URL", f"http://{host}:{sandbox_port}")
    os.environ.setdefault("NATIONAL_SSO_ISSUER", f"{sandbox_url}/oauth2")
    os.environ.setdefault("NATIONAL_SSO_CLIENT_ID", "province-portal")
    os.environ.setdefault("NATIONAL_SSO_CLIENT_SECRET", "province-portal-demo-secret")
    os.environ.setdefault("PROVINCE_SMS_GATEWAY_URL", f"{sandbox_url}/dev/sms/api/send")
    os.environ.setdefault("PROVINCE_POPULATION_API_URL", f"{sandbox_url}/population/api/v1")

    print("== National sandbox: migrate, seed, register the provincial portal as a client")
    os.environ["DJANGO_SETTINGS_MODULE"] = "sandbox.settings.local"
    manage("sandbox", "migrate", "--no-input", "-v0")
    manage("sandbox", "seed_demo")
    manage(
        "sandbox", "register_client",
        "--client-id", os.environ["NATIONAL_SSO_CLIENT_ID"],
        "--secret", os.environ["NATIONAL_SSO_CLIENT_SECRET"],
        "--name", "Cổng Dịch vụ công tỉnh",
        "--redirect-uri", f"{province_url}/sso/callback/",
        "--post-logout-uri", f"{province_url}/",
        "--backchannel-uri", f"{province_url}/sso/backchannel-logout/",
    )
    print("== Provincial system: migrate")
    os.environ["DJANGO_SETTINGS_MODULE"] = "province.settings.local"
    manage("province", "migrate", "--no-input", "-v0")

    workers = os.environ.get("RUN_WORKERS", "2")
    common = ["--workers", workers, "--threads", "4", "--access-logfile", "-", "--graceful-timeout", "5"]
    processes = [
        subprocess.Popen(
            [PY, "-m", "gunicorn", "sandbox.wsgi", "--bind", f"{host}:{sandbox_port}", *common],
            cwd=REPO, env=env_for("sandbox.settings.local"),
        ),
        subprocess.Popen(
            [PY, "-m", "gunicorn", "province.wsgi", "--bind", f"{host}:{province_port}", *common],
            cwd=REPO, env=env_for("province.settings.local"),
        ),
    ]

    def stop(*_: object) -> None:
        for proc in processes:
            if proc.poll() is None:
                proc.terminate()
        for proc in processes:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    wait_for(f"{sandbox_url}/oauth2/.well-known/openid-configuration")
    wait_for(f"{province_url}/")
    print(BANNER.format(province=province_url, sandbox=sandbox_url))
    while True:
        for proc in processes:
            if proc.poll() is not None:
                print(f"A server stopped (exit {proc.returncode}); stopping the other.")
                stop()
        time.sleep(1)


BANNER = """
==========================================================================
 Cổng Dịch vụ công tỉnh (provincial portal) .. {province}/
 Sandbox quốc gia (national SSO + VNeID) ..... {sandbox}/
   Ứng dụng VNeID mô phỏng (phone app) ....... {sandbox}/app/
   Hộp thư SMS (phone inbox, OTP codes) ...... {sandbox}/dev/sms/
   OIDC discovery ............................ {sandbox}/oauth2/.well-known/openid-configuration

 Demo accounts (see README.md for more):
   VNeID  số định danh 001099012345  mật khẩu Vneid@2024  (NGUYỄN VĂN AN, mức 2,
          phone 0912345678; VNeID app passcode 123456)
   Read the SMS OTP at {sandbox}/dev/sms/?to=0912345678

 Ctrl-C stops both servers.
==========================================================================
"""


if __name__ == "__main__":
    main()
