"""WSGI entry point for a real server (gunicorn/granian): ``province.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "province.settings.production")

application = get_wsgi_application()
