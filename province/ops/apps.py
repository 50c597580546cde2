from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "province.ops"
    label = "ops"
    verbose_name = _("Vận hành")

    def ready(self) -> None:
        from . import metrics

        metrics.connect_signals()
