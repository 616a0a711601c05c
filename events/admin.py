from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from events.models import Campaign, Event, Host, JoinOption
from events.templatetags.events_tags import time_range


class JoinOptionInline(admin.StackedInline):
    model = JoinOption
    extra = 0
    fields = ["platform", "join_url", "meeting_id", "passcode", "place", "position"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "theme", "starts_on", "ends_on", "region", "is_demo"]
    search_fields = ["name", "theme"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "starts_on"


@admin.register(Host)
class HostAdmin(admin.ModelAdmin):
    list_display = ["name", "url"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_on", "local_time", "host", "status", "join_audience"]
    list_filter = ["status", "campaign", "host", "join_options__platform"]
    search_fields = ["title", "summary", "host__name"]
    list_select_related = ["host", "campaign"]
    date_hierarchy = "starts_on"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["uid", "sequence", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["campaign", "host", "title", "slug", "summary", "description"]}),
        (_("When"), {"fields": ["time_zone", "time_tbd", "starts_on", "starts_at", "ends_at"]}),
        (_("Who may join"), {"fields": ["status", "join_audience", "capacity"]}),
        (_("Calendar"), {"fields": ["uid", "sequence", "created_at", "updated_at"]}),
    ]
    inlines = [JoinOptionInline]

    @admin.display(description=_("Time (session's zone)"))
    def local_time(self, obj):
        return time_range(obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != Event.Status.DRAFT:
            fields.append("slug")  # published addresses never change
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and obj.status != Event.Status.DRAFT:
            return {}
        return super().get_prepopulated_fields(request, obj)
