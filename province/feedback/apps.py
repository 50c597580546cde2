from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "province.feedback"
    label = "feedback"
    verbose_name = _("Phản ánh kiến nghị")

    def ready(self) -> None:
        from province.portal.menu import MenuItem, register

        register(MenuItem(key="feedback", label=_("PHẢN ÁNH KIẾN NGHỊ"), url_name="feedback:index", order=60))
