from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatastoreConfig(AppConfig):
    name = "province.datastore"
    label = "datastore"
    verbose_name = _("Kho dữ liệu cá nhân, tổ chức")

    def ready(self) -> None:
        from province.portal.menu import MenuItem, register

        register(MenuItem(key="datastore", label=_("KHO DỮ LIỆU"), url_name="datastore:list", order=80))
