from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "province.stats"
    label = "stats"
    verbose_name = _("Thống kê và đánh giá")

    def ready(self) -> None:
        from province.dossiers.signals import status_changed
        from province.portal.menu import MenuItem, register

        from . import counters

        status_changed.connect(counters.on_status_changed, dispatch_uid="stats.on_status_changed")
        register(MenuItem(key="stats", label=_("THỐNG KÊ"), url_name="stats:index", order=40))
