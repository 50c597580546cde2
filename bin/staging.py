"""`make staging`: the production mode on one machine, with the settings a real deployment uses.

    PostgreSQL (DATABASE_URL)  Redis (REDIS_URL: cache; CELERY_BROKER_URL: jobs)
    nginx :8080, TLS ──► N gunicorn instances of the province (APP_ENV=production)
    Celery worker + beat       national sandbox (demo component, as in `make run`)

Everything it writes is under var/staging/: the generated secret key, the TLS certificate
(a local CA and a server certificate for 127.0.0.1/localhost, made with `cryptography`),
nginx's configuration (from deploy/nginx/province.conf.template), static files, private
files, logs and the Prometheus multiprocess folders. The database (default
postgresql://postgres@127.0.0.1:5432/tthc_staging) is created if missing, migrated and seeded.

Like systemd (Restart=always), a process that dies is started again after a second; the
fault benchmark relies on it. Ctrl-C stops everything.

Settings: STAGING_PORT (8080), STAGING_WEB (2 web instances), STAGING_WEB_WORKERS (2),
STAGING_WEB_THREADS (4), STAGING_WORKER_CONCURRENCY (2), DATABASE_URL, REDIS_URL,
CELERY_BROKER_URL, SANDBOX_PORT (8001), STAGING_DIR (var/staging), STAGING_SEED (true).
Any PROVINCE_* variable set in the environment is passed on (docs/deployment.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bin.stack import PY, REPO, Stack, wait_for

NGINX_TEMPLATE = REPO / "deploy" / "nginx" / "province.conf.template"
GUNICORN_CONF = REPO / "deploy" / "gunicorn.conf.py"


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


@dataclass
class Settings:
    root: Path = field(default_factory=lambda: Path(os.environ.get("STAGING_DIR", str(REPO / "var" / "staging"))))
    port: int = field(default_factory=lambda: env_int("STAGING_PORT", 8080))
    web: int = field(default_factory=lambda: env_int("STAGING_WEB", 2))
    web_workers: int = field(default_factory=lambda: env_int("STAGING_WEB_WORKERS", 2))
    web_threads: int = field(default_factory=lambda: env_int("STAGING_WEB_THREADS", 4))
    first_web_port: int = field(default_factory=lambda: env_int("STAGING_FIRST_WEB_PORT", 8101))
    worker_concurrency: int = field(default_factory=lambda: env_int("STAGING_WORKER_CONCURRENCY", 2))
    sandbox_port: int = field(default_factory=lambda: env_int("SANDBOX_PORT", 8001))
    database_url: str = field(
        default_factory=lambda: os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/tthc_staging")
    )
    redis_url: str = field(default_factory=lambda: os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2"))
    broker_url: str = field(default_factory=lambda: os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/3"))
    seed: bool = field(default_factory=lambda: os.environ.get("STAGING_SEED", "true") == "true")

    @property
    def public_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def web_ports(self) -> list[int]:
        return [self.first_web_port + i for i in range(self.web)]


# --- secrets and the TLS certificate ----------------------------------------------------
def secret_file(path: Path, make: Any) -> Path:
    """A secret generated once for this staging folder (never used outside it)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A local CA and a server certificate for 127.0.0.1 and localhost (kept between runs)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    ca_path, cert_path, key_path = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    if ca_path.exists() and cert_path.exists() and key_path.exists():
        return ca_path, cert_path, key_path
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TTHC staging local CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=90))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    return ca_path, cert_path, key_path


# --- PostgreSQL ---------------------------------------------------------------------------
def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    conninfo = psycopg.conninfo.conninfo_to_dict(url)
    name = str(conninfo["dbname"])
    admin = psycopg.conninfo.make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"== Created the database {name}")


# --- the staging stack -------------------------------------------------------------------
class StagingSandbox(Stack):
    """The national sandbox as `make run` runs it; the province's public URL is nginx's."""

    public_url: str = ""

    @property
    def province_url(self) -> str:
        return self.public_url


@dataclass
class Child:
    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    before_start: Any = None

    def start(self) -> None:
        if self.before_start is not None:
            self.before_start()
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            self.command, cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        out.close()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def restart(self, pause: float = 1) -> None:
        """Start it again after it stopped. What it left behind goes first, the whole process
        group (its own session), as with systemd's KillMode=control-group: the gunicorn
        workers of a killed master would otherwise keep the port until they notice, and the
        new master could not bind it."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        time.sleep(pause)
        self.restarts += 1
        self.start()


class Staging:
    def __init__(self, settings: Settings) -> None:
        self.s = settings
        self.root = settings.root
        self.children: list[Child] = []
        self.stopping = False

    # environment shared by every provincial process (web, worker, beat, commands)
    def province_env(self) -> dict[str, str]:
        s, root = self.s, self.root
        sandbox = f"http://127.0.0.1:{s.sandbox_port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SANDBOX_", "DJANGO_SETTINGS_MODULE"))}
        env.update(
            APP_ENV="production",
            DJANGO_SETTINGS_MODULE="province.settings.production",
            PYTHONUNBUFFERED="1",
            PROVINCE_SECRET_KEY_FILE=str(root / "secrets" / "secret_key"),
            PROVINCE_FIELD_ENCRYPTION_KEY_FILE=str(root / "secrets" / "field_key"),
            PROVINCE_METRICS_TOKEN_FILE=str(root / "secrets" / "metrics_token"),
            PROVINCE_PUBLIC_URL=s.public_url,
            PROVINCE_ALLOWED_HOSTS="127.0.0.1,localhost",
            PROVINCE_VAR_DIR=str(root / "province"),
            PROVINCE_PRIVATE_MEDIA_DIR=str(root / "province" / "private"),
            PROVINCE_BEHIND_PROXY="true",
            PROVINCE_TRUSTED_PROXIES="127.0.0.1,::1",
            # the browser is sent to the sandbox on plain http: it is a local demo component
            PROVINCE_ALLOW_HTTP_SSO="true",
            DATABASE_URL=s.database_url,
            REDIS_URL=s.redis_url,
            CELERY_BROKER_URL=s.broker_url,
            NATIONAL_SSO_ISSUER=f"{sandbox}/oauth2",
            NATIONAL_SSO_CLIENT_ID="province-portal",
            NATIONAL_SSO_CLIENT_SECRET="province-portal-demo-secret",
            NATIONAL_REGISTRATION_URL=f"{sandbox}/dang-ky/",
            PROVINCE_SMS_GATEWAY_URL=f"{sandbox}/dev/sms/api/send",
            PROVINCE_SMS_GATEWAY_TOKEN="demo-sms-token",
            PROVINCE_POPULATION_API_URL=f"{sandbox}/population/api/v1",
            PROVINCE_POPULATION_API_TOKEN="demo-population-token",
        )
        return env

    def manage(self, *args: str) -> None:
        subprocess.run([PY, "-m", "province", *args], cwd=REPO, env=self.province_env(), check=True)

    def prepare(self) -> StagingSandbox:
        s, root = self.s, self.root
        for sub in ("secrets", "tls", "nginx", "logs", "prometheus", "province/private"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        secret_file(root / "secrets" / "secret_key", lambda: secrets.token_urlsafe(64))
        secret_file(root / "secrets" / "metrics_token", lambda: secrets.token_urlsafe(32))

        def fernet_key() -> str:
            from cryptography.fernet import Fernet

            return Fernet.generate_key().decode()

        secret_file(root / "secrets" / "field_key", fernet_key)
        self.ca, self.cert, self.key = make_certificates(root / "tls")
        print(f"== PostgreSQL: {s.database_url}  Redis: {s.redis_url} (cache), {s.broker_url} (jobs)")
        ensure_database(s.database_url)
        sandbox = StagingSandbox(var_dir=root, sandbox_port=s.sandbox_port, quiet=True, workers=2)
        sandbox.public_url = s.public_url
        # the sandbox posts back-channel logouts to our https URL: trust the staging CA
        sandbox.extra_env = {"REQUESTS_CA_BUNDLE": str(self.ca), "SSL_CERT_FILE": str(self.ca)}
        print("== Preparing the national sandbox (migrate, seed, register the portal)")
        sandbox.prepare(seed=s.seed, province=False)
        print("== Preparing the provincial system (migrate, collectstatic, seed) with the production settings")
        self.manage("migrate", "--no-input", "-v0")
        self.manage("collectstatic", "--no-input", "-v0")
        if s.seed:
            self.manage("seed_catalogue")
            self.manage("seed_backoffice")
        self.write_nginx_config()
        return sandbox

    def write_nginx_config(self) -> Path:
        s, root = self.s, self.root
        upstreams = "\n  ".join(f"server 127.0.0.1:{port} max_fails=2 fail_timeout=5s;" for port in s.web_ports())
        site = NGINX_TEMPLATE.read_text()
        for name, value in {
            "UPSTREAMS": upstreams,
            "LISTEN": f"127.0.0.1:{s.port} ssl",
            "SERVER_NAME": "127.0.0.1 localhost",
            "CERT": str(self.cert),
            "KEY": str(self.key),
            "STATIC_ROOT": str(root / "province" / "static"),
            "ACCESS_LOG": str(root / "logs" / "nginx.access.log"),
        }.items():
            site = site.replace(f"@@{name}@@", value)
        (root / "nginx" / "province.conf").write_text(site)
        temp = root / "nginx" / "tmp"
        temp.mkdir(exist_ok=True)
        main = f"""# generated by bin/staging.py: nginx as a child process of the staging run
daemon off;
worker_processes 2;
pid {root / "nginx" / "nginx.pid"};
error_log {root / "logs" / "nginx.error.log"} warn;
events {{ worker_connections 4096; }}
http {{
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  sendfile on;
  client_body_temp_path {temp}/body;
  proxy_temp_path {temp}/proxy;
  fastcgi_temp_path {temp}/fastcgi;
  uwsgi_temp_path {temp}/uwsgi;
  scgi_temp_path {temp}/scgi;
  include {root / "nginx" / "province.conf"};
}}
"""
        path = root / "nginx" / "nginx.conf"
        path.write_text(main)
        return path

    def add(self, name: str, command: list[str], env: dict[str, str], before_start: Any = None) -> None:
        child = Child(name, command, env, self.root / "logs" / f"{name}.log", before_start=before_start)
        child.start()
        self.children.append(child)

    def start(self, sandbox: StagingSandbox) -> None:
        s, root = self.s, self.root
        sandbox.start(sandbox_only=True)
        self.children.append(Child("sandbox", [], {}, root / "logs" / "sandbox.log", proc=sandbox.processes[0]))
        env = self.province_env()
        for index, port in enumerate(s.web_ports(), start=1):
            metrics_dir = root / "prometheus" / f"web-{index}"

            def clean(folder: Path = metrics_dir) -> None:
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)

            web_env = env | {
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": str(s.web_workers),
                "GUNICORN_THREADS": str(s.web_threads),
                "GUNICORN_PROC_NAME": f"province-web-{index}",
                "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
            }
            command = [PY, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "province.wsgi"]
            self.add(f"web-{index}", command, web_env, before_start=clean)
        celery = [PY, "-m", "celery", "-A", "province"]
        self.add(
            "worker",
            [*celery, "worker", "--loglevel", "INFO", "--concurrency", str(s.worker_concurrency), "-n", "worker1@%h"],
            env,
        )
        self.add("beat", [*celery, "beat", "--loglevel", "INFO", "-s", str(root / "celerybeat-schedule")], env)
        self.add(
            "nginx",
            ["nginx", "-c", str(root / "nginx" / "nginx.conf"), "-e", str(root / "logs" / "nginx.error.log")],
            env,
        )
        for port in s.web_ports():
            wait_for(f"http://127.0.0.1:{port}/healthz")
        wait_for_tls(f"{s.public_url}/healthz", self.ca)

    def supervise(self) -> None:
        """Start again, after a second, any process that stopped (like systemd's Restart=always)."""
        while not self.stopping:
            for child in self.children:
                if not child.alive() and child.command and not self.stopping:
                    code = child.proc.returncode if child.proc else None
                    print(f"!! {child.name} stopped (exit {code}); starting it again", flush=True)
                    child.restart()
            time.sleep(0.5)

    def stop(self) -> None:
        self.stopping = True
        for child in self.children:
            if child.alive() and child.proc is not None:
                sig = signal.SIGQUIT if child.name == "nginx" else signal.SIGTERM
                with contextlib.suppress(ProcessLookupError):
                    if child.command:
                        os.killpg(child.proc.pid, sig)  # its own session: the whole group
                    else:
                        child.proc.terminate()  # the sandbox, started by bin/stack.py
        for child in self.children:
            if child.proc is None:
                continue
            try:
                child.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                if child.command:
                    os.killpg(child.proc.pid, signal.SIGKILL)
                else:
                    child.proc.kill()


def wait_for_tls(url: str, ca: Path, seconds: float = 60) -> None:
    import ssl

    context = ssl.create_default_context(cafile=str(ca))
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2, context=context):  # noqa: S310 - our own URL
                return
        except Exception as exc:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {seconds} s: {exc}") from exc
            time.sleep(0.3)


BANNER = """
==========================================================================
 Staging run: the production settings on one machine
   Cổng Dịch vụ công tỉnh ........ {url}/
   Một cửa điện tử ............... {url}/motcua/   (admin.motcua · Motcua@2024)
   Quản trị (Django admin) ....... {url}/quan-tri/ (officers of role quan_tri)
   Health / readiness ............ {url}/healthz · {url}/readyz
   Metrics (per web process) ..... http://127.0.0.1:{first_web}/metrics
                                   (from 127.0.0.1, or Bearer token in {root}/secrets/metrics_token)
   Sandbox (SSO, SMS inbox) ...... http://127.0.0.1:{sandbox}/dev/sms/
 TLS: a local CA made for this run, {root}/tls/ca.pem (trust it, or accept the warning)
 Processes: nginx, {web} × gunicorn ({workers} workers × {threads} threads), Celery worker and beat,
            the sandbox; logs in {root}/logs/ (JSON lines)
 Ctrl-C stops everything.
==========================================================================
"""


def main() -> None:
    if shutil.which("nginx") is None:
        sys.exit("nginx is not installed: apt-get install nginx (the Debian package), then run again")
    staging = Staging(Settings())
    sandbox = staging.prepare()

    def stop(*_: object) -> None:
        print("\n== Stopping", flush=True)
        staging.stop()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        staging.start(sandbox)
    except Exception:
        staging.stop()
        raise
    s = staging.s
    print(
        BANNER.format(
            url=s.public_url,
            first_web=s.first_web_port,
            sandbox=s.sandbox_port,
            root=staging.root,
            web=s.web,
            workers=s.web_workers,
            threads=s.web_threads,
        ),
        flush=True,
    )
    staging.supervise()


if __name__ == "__main__":
    main()
