"""gunicorn settings of a provincial web process (staging run and the systemd units).

    gunicorn -c deploy/gunicorn.conf.py province.wsgi

Environment: GUNICORN_BIND (127.0.0.1:8101), GUNICORN_WORKERS (2), GUNICORN_THREADS (4),
GUNICORN_TIMEOUT (30), PROMETHEUS_MULTIPROC_DIR (a folder of this instance, emptied before start).
"""

from __future__ import annotations

import os
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8101")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
# Replace a worker now and then: a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
# The application logs every request as one JSON line with its request id (province.ops);
# gunicorn's access log would repeat it with the query string, which may carry personal data.
accesslog = None
errorlog = "-"
# nginx on the same machine sets X-Forwarded-Proto; gunicorn trusts it from these addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = os.environ.get("GUNICORN_PROC_NAME", "province-web")
# gunicorn's runtime control socket defaults to one path per user: several instances on a
# machine would share it. Not used here (systemd or the staging run manage the processes).
control_socket_disable = True


def child_exit(server: Any, worker: Any) -> None:
    """A dead worker's live gauges must leave the sums (prometheus-client multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
