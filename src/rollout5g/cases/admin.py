from django.contrib import admin

from .models import ClockRule


@admin.register(ClockRule)
class ClockRuleAdmin(admin.ModelAdmin):
    """Routing and limits are data a city edits; cases keep the limit they were opened with."""

    list_display = ("key", "organization", "limit_days", "warn_days", "description")
