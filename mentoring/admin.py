"""The admin for mentoring: organisers see requests, mentorships, waiting lists and
group memberships as states and dates, never what people wrote to each other; they run
facilitated groups."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from mentoring import reports
from mentoring.forms import PeerGroupForm
from mentoring.models import (
    GroupMembership,
    MentoringGroup,
    Mentorship,
    MentorshipRequest,
    WaitingListEntry,
)
from mentoring_hub.admin import ModelAdmin, ReadOnlyAdmin


class StatesOnlyAdmin(ReadOnlyAdmin):
    """Relationships as organisers see them: who, when and in what state, never what
    the people wrote to each other (messages and notes are not fields here)."""

    list_select_related = ["mentor", "mentee"]
    search_fields = ["mentor__display_name", "mentee__display_name"]


@admin.register(MentorshipRequest)
class MentorshipRequestAdmin(StatesOnlyAdmin):
    list_display = ["mentee", "mentor", "status", "created_at", "responded_at"]
    list_filter = ["status"]
    fields = ["mentee", "mentor", "status", "created_at", "expires_at", "responded_at"]
    date_hierarchy = "created_at"


@admin.register(Mentorship)
class MentorshipAdmin(StatesOnlyAdmin):
    change_list_template = "admin/mentoring/mentorship/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.outcomes_view)
        return [path("outcomes/", view, name="mentoring_mentorship_outcomes"), *super().get_urls()]

    def outcomes_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("How mentorships went: totals only"),
            "opts": self.model._meta,
            **reports.outcomes(),
        }
        return TemplateResponse(request, "admin/mentoring/mentorship/outcomes.html", context)

    list_display = ["mentor", "mentee", "status", "origin", "started_at", "ended_at", "end_reason"]
    list_filter = ["status", "origin", "end_reason"]
    fields = [
        "mentor",
        "mentee",
        "status",
        "origin",
        "round",
        "started_at",
        "ended_at",
        "end_reason",
    ]
    date_hierarchy = "started_at"


@admin.register(WaitingListEntry)
class WaitingListEntryAdmin(StatesOnlyAdmin):
    list_display = ["mentee", "mentor", "created_at", "told_at"]
    fields = ["mentee", "mentor", "created_at", "told_at"]


class GroupMembershipInline(admin.TabularInline):
    """Who is in the group and in what state; applicants' answers are not shown."""

    model = GroupMembership
    fields = ["profile", "status", "queued_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MentoringGroup)
class MentoringGroupAdmin(ModelAdmin):
    """Organisers run facilitated mentoring groups; members start accountability
    groups on the site (organisers can edit or close those too)."""

    list_display = ["name", "kind", "facilitator", "size_limit", "member_count", "accepting"]
    list_filter = ["kind", "accepting", "online", "sign_up"]
    search_fields = ["name", "facilitator__display_name"]
    autocomplete_fields = ["facilitator", "topic"]
    list_select_related = ["facilitator"]
    inlines = [GroupMembershipInline]
    fields = ["kind", "facilitator", *PeerGroupForm.Meta.fields, "accepting"]

    def get_queryset(self, request):
        members = Count("memberships", filter=Q(memberships__status="member"))
        return super().get_queryset(request).annotate(n_members=members)

    @admin.display(description=_("members"), ordering="n_members")
    def member_count(self, obj):
        return obj.n_members


@admin.register(GroupMembership)
class GroupMembershipAdmin(StatesOnlyAdmin):
    list_display = ["profile", "group", "status", "queued_at"]
    list_filter = ["status"]
    list_select_related = ["profile", "group"]
    search_fields = ["profile__display_name", "group__name"]
    fields = ["profile", "group", "status", "queued_at"]
