from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "province.dossiers"
    label = "dossiers"
    verbose_name = _("Hồ sơ thủ tục hành chính")

    def ready(self) -> None:
        from province.portal.menu import MenuItem, register

        register(MenuItem(key="lookup", label=_("TRA CỨU HỒ SƠ"), url_name="dossiers:lookup", order=20))
        register(MenuItem(key="online", label=_("NỘP QUA MẠNG"), url_name="dossiers:online", order=30))
