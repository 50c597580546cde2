from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "province.catalogue"
    label = "catalogue"
    verbose_name = _("Bộ thủ tục hành chính")

    def ready(self) -> None:
        from province.portal.menu import MenuItem, register

        # The seeds show the menu entry in capitals ("BỘ THỦ TỤC"); the label is kept as written there.
        register(MenuItem(key="catalogue", label=_("BỘ THỦ TỤC"), url_name="catalogue:list", order=10))
