from django.contrib import admin

from province.catalogue.models import ProcessingStep

from .models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("day", "kind", "note")
    list_filter = ("kind",)
    date_hierarchy = "day"


@admin.register(ProcessingStep)
class ProcessingStepAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A procedure's processing steps and their time budgets (working hours), used by form 06."""

    list_display = ("procedure", "order", "name", "role", "hours")
    list_filter = ("role",)
    search_fields = ("procedure__code", "procedure__name", "name")
    raw_id_fields = ("procedure",)
