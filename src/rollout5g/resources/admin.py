from django.contrib import admin

from .models import FeeComplaint, ListRelease, PublicResource, SiteRequest


@admin.register(PublicResource)
class PublicResourceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "owner", "region", "availability", "smart_pole", "last_confirmed_on")
    list_filter = ("kind", "availability", "smart_pole", "withdrawn")
    search_fields = ("code", "name", "address")
    raw_id_fields = ("owner", "region")
    readonly_fields = ("code",)


@admin.register(ListRelease)
class ListReleaseAdmin(admin.ModelAdmin):
    """Read-only: releases are created and published through the services (published ones are immutable)."""

    list_display = ("number", "title", "notice_start", "notice_end", "published_at", "entry_count")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SiteRequest)
class SiteRequestAdmin(admin.ModelAdmin):
    list_display = ("code", "requester", "resource", "owner", "status", "received_on", "due_on")
    list_filter = ("status",)
    search_fields = ("code",)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FeeComplaint)
class FeeComplaintAdmin(admin.ModelAdmin):
    list_display = ("code", "complainant", "respondent", "fee_kind", "status", "filed_on")
    list_filter = ("status", "fee_kind")

    def has_change_permission(self, request, obj=None):
        return False
