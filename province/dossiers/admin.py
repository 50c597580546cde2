from django.contrib import admin

from .models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("day", "kind", "note")
    list_filter = ("kind",)
    date_hierarchy = "day"
