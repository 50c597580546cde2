from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "province.ops"
    label = "ops"
    verbose_name = "Vận hành"

    def ready(self) -> None:
        from . import metrics

        metrics.connect_signals()
