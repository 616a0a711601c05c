"""The admin for community content: organisers moderate what members offer for public
pages, pick Mentors of the Month and write guides. Private thank-you notes never reach it."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from community import recognition
from community.models import Guide, MentorOfTheMonth, Moderated, Nomination, Story, ThankYou
from events import cache as schedule_cache
from mentoring_hub.admin import ModelAdmin


class ModerationAdmin(ModelAdmin):
    """Approve or reject what members offered for public pages."""

    actions = ["approve", "reject"]
    list_filter = ["status"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def _review(self, request, queryset, status):
        count = recognition.review(queryset, status, request.user)
        self.message_user(request, ngettext("%d item.", "%d items.", count) % count)

    @admin.action(description=_("Approve: show publicly"), permissions=["change"])
    def approve(self, request, queryset):
        self._review(request, queryset, Moderated.Status.APPROVED)

    @admin.action(description=_("Reject: do not show"), permissions=["change"])
    def reject(self, request, queryset):
        self._review(request, queryset, Moderated.Status.REJECTED)


@admin.register(ThankYou)
class ThankYouAdmin(ModerationAdmin):
    """Only notes offered for the wall: a private note is for its mentor alone."""

    list_display = ["created_at", "author_name", "mentor_shown", "status"]
    fields = ["author_name", "mentor_shown", "message", "status", "reviewed_by", "reviewed_at"]
    readonly_fields = ["author_name", "mentor_shown", "message", "reviewed_by", "reviewed_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(status="private").select_related("mentor")

    @admin.display(description=_("to"))
    def mentor_shown(self, obj):
        return obj.mentor.display_name if obj.mentor_id else obj.mentor_name


@admin.register(Story)
class StoryAdmin(ModerationAdmin):
    list_display = ["title", "kind", "author_name", "campaign", "status", "created_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        schedule_cache.bump()  # approved stories show on the cached home page

    list_filter = ["status", "kind", "campaign"]
    fields = ["kind", "title", "body", "author_name", "campaign", "status"]
    readonly_fields = ["author_name"]
    search_fields = ["title", "body"]


@admin.register(Nomination)
class NominationAdmin(ModelAdmin):
    list_display = ["mentor", "month", "shortlisted", "nominator_name", "created_at"]
    list_filter = ["month", "shortlisted"]
    list_select_related = ["mentor", "nominator"]
    fields = ["mentor", "month", "reason", "shortlisted"]
    readonly_fields = ["mentor", "month", "reason"]
    actions = ["shortlist", "choose"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("nominated by"))
    def nominator_name(self, obj):
        return obj.nominator.email if obj.nominator else _("former member")

    @admin.action(description=_("Shortlist"), permissions=["change"])
    def shortlist(self, request, queryset):
        count = queryset.update(shortlisted=True)
        self.message_user(request, ngettext("%d shortlisted.", "%d shortlisted.", count) % count)

    @admin.action(description=_("Choose as Mentor of the Month"), permissions=["change"])
    def choose(self, request, queryset):
        picks = list(queryset.select_related("mentor__user"))
        if len({n.month for n in picks}) != len(picks) or len(picks) != 1:
            self.message_user(request, _("Choose exactly one nomination."), messages.ERROR)
            return
        [nomination] = picks
        try:
            recognition.choose(nomination, request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request,
            _("%(name)s is Mentor of the Month for %(month)s.")
            % {"name": nomination.mentor.display_name, "month": nomination.month.strftime("%B %Y")},
            messages.SUCCESS,
        )


@admin.register(MentorOfTheMonth)
class MentorOfTheMonthAdmin(ModelAdmin):
    list_display = ["month", "mentor", "chosen_by"]
    autocomplete_fields = ["mentor"]
    fields = ["month", "mentor", "citation"]

    def save_model(self, request, obj, form, change):
        obj.chosen_by = obj.chosen_by or request.user
        super().save_model(request, obj, form, change)


@admin.register(Guide)
class GuideAdmin(ModelAdmin):
    list_display = ["title", "slug", "published", "position", "updated_at"]
    list_editable = ["published", "position"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "summary", "body", "published", "position"]
