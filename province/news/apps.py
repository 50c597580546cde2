from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "province.news"
    label = "news"
    verbose_name = _("Tin tức")

    def ready(self) -> None:
        from province.portal.menu import MenuItem, register

        register(MenuItem(key="news", label=_("TIN TỨC"), url_name="news:list", order=70))
