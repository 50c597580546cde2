from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "province.backoffice"
    label = "backoffice"
    verbose_name = _("Một cửa điện tử")

    def ready(self) -> None:
        from province.sso.services import register_purpose

        from .views import vneid_finish

        # The national SSO's callback hands officer sign-ins to us instead of opening a
        # citizen session.
        register_purpose("backoffice", vneid_finish)
