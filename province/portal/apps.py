from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "province.portal"
    label = "portal"
    verbose_name = _("Cổng Dịch vụ công")

    def ready(self) -> None:
        from .menu import MenuItem, register

        register(MenuItem(key="home", label=_("Trang chủ"), url_name="portal:home", order=0))
