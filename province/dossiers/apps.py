from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "province.dossiers"
    label = "dossiers"
    verbose_name = _("Hồ sơ thủ tục hành chính")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from province.portal.menu import MenuItem, register

        from .calendar import overrides_forget
        from .models import CalendarDay
        from .queues import counts_forget
        from .signals import status_changed

        post_save.connect(overrides_forget, sender=CalendarDay, dispatch_uid="calendar-overrides-save")
        post_delete.connect(overrides_forget, sender=CalendarDay, dispatch_uid="calendar-overrides-delete")
        status_changed.connect(counts_forget, dispatch_uid="queue-counts-forget")

        register(MenuItem(key="lookup", label=_("TRA CỨU HỒ SƠ"), url_name="dossiers:lookup", order=20))
        register(MenuItem(key="online", label=_("NỘP QUA MẠNG"), url_name="dossiers:online", order=30))
