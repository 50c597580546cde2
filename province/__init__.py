"""The provincial public-service system (Cổng Dịch vụ công tỉnh + Một cửa điện tử)."""

# The Celery app is loaded with Django so that ``shared_task``s bind to it (its settings).
from .celery import app as celery_app

__all__ = ["celery_app"]
