"""Start the national sandbox and the provincial system as real gunicorn servers.

One way of doing it for `make run`, the browser tests and the benchmarks: migrate, seed the
demo data, register the provincial portal as an OIDC client of the sandbox, then serve both
over HTTP on 127.0.0.1. The two never share a database, a cookie or an import.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
CLIENT_ID = "province-portal"
CLIENT_SECRET = "province-portal-demo-secret"
# The demo kiosk of the integration API (docs/api.md); a fixed secret, for the demo only.
API_DEMO_CLIENT_ID = "demo-kiosk"
API_DEMO_CLIENT_SECRET = "demo-kiosk-secret-not-for-production"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local URL
                return
        except Exception as exc:  # not up yet
            last = exc
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s: {last}")


@dataclass
class Stack:
    """Both services with their environment; ``var_dir`` holds databases, keys and files."""

    var_dir: Path
    host: str = "127.0.0.1"
    province_port: int = 8000
    sandbox_port: int = 8001
    workers: int = 2
    threads: int = 4
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    quiet: bool = False

    @property
    def province_url(self) -> str:
        return f"http://{self.host}:{self.province_port}"

    @property
    def sandbox_url(self) -> str:
        return f"http://{self.host}:{self.sandbox_port}"

    def env(self, settings_module: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE=settings_module,
            PYTHONUNBUFFERED="1",
            SANDBOX_VAR_DIR=str(self.var_dir / "sandbox"),
            PROVINCE_VAR_DIR=str(self.var_dir / "province"),
            SANDBOX_PORT=str(self.sandbox_port),
            PROVINCE_PORT=str(self.province_port),
            SANDBOX_PUBLIC_URL=self.sandbox_url,
            PROVINCE_PUBLIC_URL=self.province_url,
            NATIONAL_SSO_ISSUER=f"{self.sandbox_url}/oauth2",
            NATIONAL_SSO_CLIENT_ID=CLIENT_ID,
            NATIONAL_SSO_CLIENT_SECRET=CLIENT_SECRET,
            NATIONAL_REGISTRATION_URL=f"{self.sandbox_url}/dang-ky/",
            PROVINCE_SMS_GATEWAY_URL=f"{self.sandbox_url}/dev/sms/api/send",
            PROVINCE_POPULATION_API_URL=f"{self.sandbox_url}/population/api/v1",
        )
        env.update(self.extra_env)
        return env

    def manage(self, package: str, *args: str) -> None:
        settings_module = f"{package}.settings.local"
        out = subprocess.DEVNULL if self.quiet else None
        subprocess.run([PY, "-m", package, *args], cwd=REPO, env=self.env(settings_module), check=True, stdout=out)

    def prepare(self, *, seed: bool = True, province: bool = True) -> None:
        self.manage("sandbox", "migrate", "--no-input", "-v0")
        self.manage("sandbox", "collectstatic", "--no-input", "-v0")
        if seed:
            self.manage("sandbox", "seed_demo")
        self.manage(
            "sandbox",
            "register_client",
            "--client-id",
            CLIENT_ID,
            "--secret",
            CLIENT_SECRET,
            "--name",
            "Cổng Dịch vụ công tỉnh",
            "--redirect-uri",
            f"{self.province_url}/sso/callback/",
            "--post-logout-uri",
            f"{self.province_url}/",
            "--backchannel-uri",
            f"{self.province_url}/sso/backchannel-logout/",
        )
        if province:
            self.manage("province", "migrate", "--no-input", "-v0")
            self.manage("province", "collectstatic", "--no-input", "-v0")
            if seed:
                self.manage("province", "seed_catalogue")
                self.manage("province", "seed_backoffice")
                self.manage(
                    "province",
                    "api_client",
                    "create",
                    "--name",
                    "Kiosk demo (Bộ phận Một cửa)",
                    "--kind",
                    "kiosk",
                    "--scopes",
                    "dossiers:read dossiers:submit",
                    "--client-id",
                    API_DEMO_CLIENT_ID,
                    "--secret",
                    API_DEMO_CLIENT_SECRET,
                )
                self.manage("province", "seed_dossiers")
                self.manage("province", "seed_news_demo")

    def _serve(self, package: str, port: int, *, cpu: str | None = None) -> subprocess.Popen[bytes]:
        command = [
            PY,
            "-m",
            "gunicorn",
            f"{package}.wsgi",
            "--bind",
            f"{self.host}:{port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--graceful-timeout",
            "5",
        ]
        if not self.quiet:
            command += ["--access-logfile", "-"]
        if cpu is not None:
            command = ["taskset", "-c", cpu, *command]
        out = subprocess.DEVNULL if self.quiet else None
        proc = subprocess.Popen(command, cwd=REPO, env=self.env(f"{package}.settings.local"), stdout=out, stderr=out)
        self.processes.append(proc)
        return proc

    def start(self, *, sandbox_only: bool = False, sandbox_cpu: str | None = None) -> None:
        self._serve("sandbox", self.sandbox_port, cpu=sandbox_cpu)
        if not sandbox_only:
            self._serve("province", self.province_port)
        wait_for(f"{self.sandbox_url}/oauth2/.well-known/openid-configuration")
        if not sandbox_only:
            wait_for(f"{self.province_url}/")

    def stop(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.processes:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.processes.clear()
