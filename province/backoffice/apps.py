from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "province.backoffice"
    label = "backoffice"
    verbose_name = _("Một cửa điện tử")

    def ready(self) -> None:
        from province.sso.services import register_purpose

        from .access import with_vneid_level
        from .views import vneid_failed, vneid_finish

        # The national SSO's callback hands officer sign-ins to us instead of opening a
        # citizen session (and we keep the asserted level: the admin asks for level 2),
        # and the failed ones, so that the officer stays in the back office.
        register_purpose("backoffice", with_vneid_level(vneid_finish), on_failure=vneid_failed)
