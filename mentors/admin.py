from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mentors import sensitive, suggest
from mentors.forms import ProfileForm
from mentors.models import (
    CareerField,
    Language,
    MatchingSettings,
    Organisation,
    Profile,
    Report,
    SensitiveAttribute,
    Topic,
)


class NamedListAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "profile_count"]
    list_editable = ["active"]
    list_filter = ["active"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_profiles=Count("profiles", distinct=True))

    @admin.display(description=_("profiles"), ordering="n_profiles")
    def profile_count(self, obj):
        return obj.n_profiles


admin.site.register(CareerField, NamedListAdmin)
admin.site.register(Organisation, NamedListAdmin)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "mentor_count", "mentee_count"]
    list_editable = ["active"]
    list_filter = ["active"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_experts=Count("experts", distinct=True), n_seekers=Count("seekers", distinct=True)
            )
        )

    @admin.display(description=_("can help"), ordering="n_experts")
    def mentor_count(self, obj):
        return obj.n_experts

    @admin.display(description=_("want help"), ordering="n_seekers")
    def mentee_count(self, obj):
        return obj.n_seekers


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    """Organisers moderate profiles: they can hide one or stop it taking mentees. The
    special-category attributes are not fields here and never will be: organisers see
    them only as suppressed counts (the "Who shared what" page)."""

    list_display = [
        "display_name",
        "role",
        "career_field",
        "visibility",
        "accepting_mentees",
        "created_at",
    ]
    list_filter = ["role", "visibility", "accepting_mentees", "career_field"]
    search_fields = ["display_name", "headline", "user__email"]
    list_select_related = ["career_field"]
    # Everything a member fills in is theirs: organisers read it and may only hide a
    # profile or stop it taking mentees.
    fields = ["user", *ProfileForm.Meta.fields]
    readonly_fields = [f for f in fields if f not in ("accepting_mentees", "visibility")]
    actions = ["hide_profiles"]

    def has_add_permission(self, request):
        return False  # members make their own profiles

    @admin.action(description=_("Hide the selected profiles"), permissions=["change"])
    def hide_profiles(self, request, queryset):
        count = queryset.update(visibility=Profile.Visibility.HIDDEN)
        suggest.bump()  # update() sends no signals: hidden mentors leave suggestions now
        self.message_user(
            request, ngettext("%d profile hidden.", "%d profiles hidden.", count) % count
        )

    def get_urls(self):
        summary = self.admin_site.admin_view(self.sensitive_summary)
        return [
            path("shared-attributes/", summary, name="mentors_profile_sensitive_summary"),
            *super().get_urls(),
        ]

    def sensitive_summary(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = (
            SensitiveAttribute.objects.filter(profile__user__is_active=True)
            .values("kind", "value", "profile__role")
            .annotate(n=Count("pk"))
        )
        by_kind = {kind.value: {} for kind in sensitive.Kind}
        for row in rows:
            by_kind[row["kind"]][row["value"], row["profile__role"]] = row["n"]
        columns = [
            (Profile.Role.MENTOR, _("Mentors")),
            (Profile.Role.MENTEE, _("Mentees")),
            (Profile.Role.BOTH, _("Mentor and mentee")),
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Who shared what: counts only"),
            "opts": self.model._meta,
            "tables": [sensitive.summary(by_kind[kind], kind, columns) for kind in by_kind],
            "min_group": sensitive.MIN_GROUP,
            "total_profiles": Profile.objects.count(),
        }
        return TemplateResponse(request, "admin/mentors/sensitive_summary.html", context)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "profile", "reason", "reporter_name", "status"]
    list_filter = ["status", "reason"]
    search_fields = ["profile__display_name", "note"]
    list_select_related = ["profile", "reporter"]
    date_hierarchy = "created_at"
    fields = [
        "profile",
        "reporter_name",
        "reason",
        "note",
        "created_at",
        "status",
        "organiser_note",
        "reviewed_by",
        "reviewed_at",
    ]
    readonly_fields = [
        "profile",
        "reporter_name",
        "reason",
        "note",
        "created_at",
        "reviewed_by",
        "reviewed_at",
    ]
    actions = ["mark_actioned", "mark_dismissed"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("reported by"))
    def reporter_name(self, obj):
        if obj.reporter is None:
            return _("former member")
        return obj.reporter.email

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data and obj.status != Report.Status.OPEN:
            obj.reviewed_by, obj.reviewed_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)

    def _close(self, request, queryset, status):
        count = queryset.filter(status=Report.Status.OPEN).update(
            status=status, reviewed_by=request.user, reviewed_at=timezone.now()
        )
        self.message_user(
            request,
            ngettext("%d report closed.", "%d reports closed.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark as action taken"), permissions=["change"])
    def mark_actioned(self, request, queryset):
        self._close(request, queryset, Report.Status.ACTIONED)

    @admin.action(description=_("Dismiss"), permissions=["change"])
    def mark_dismissed(self, request, queryset):
        self._close(request, queryset, Report.Status.DISMISSED)


@admin.register(MatchingSettings)
class MatchingSettingsAdmin(admin.ModelAdmin):
    """One row of weights: the list goes straight to it."""

    fieldsets = [
        (
            _("Points for each criterion"),
            {
                "fields": [
                    "topics",
                    "career_field",
                    "experience",
                    "language",
                    "format",
                    "time_zone",
                ],
                "description": _(
                    "A mentor's score for a mentee adds these up. Mentees can also mark "
                    "criteria they require; special-category attributes are never scored."
                ),
            },
        ),
        (_("Limits"), {"fields": ["max_hours_apart"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        from django.shortcuts import redirect

        MatchingSettings.current()
        return redirect("admin:mentors_matchingsettings_change", 1)
