"""The Celery application of the provincial system.

Tasks are thin wrappers around services, given ids (never objects), enqueued with
``transaction.on_commit``. In the embedded and test modes ``CELERY_TASK_ALWAYS_EAGER`` is on
and they run inline, on commit (DESIGN: "run inline, on commit"); in production
``CELERY_BROKER_URL`` (or ``REDIS_URL``) names the broker and workers run them:
``celery -A province worker`` and ``celery -A province beat`` for the periodic jobs.
"""

from __future__ import annotations

from celery import Celery

# Settings are read lazily, when a task is first sent or a worker starts; a worker is
# started with DJANGO_SETTINGS_MODULE set (province.settings.production).
app = Celery("province")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
