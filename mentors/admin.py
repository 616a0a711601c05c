from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mentoring_hub.admin import ModelAdmin, ReadOnlyAdmin
from mentors import rounds, sensitive, suggest
from mentors.forms import CONTACT_FIELDS, ProfileForm
from mentors.models import (
    CareerField,
    Language,
    MatchingRound,
    MatchingSettings,
    Organisation,
    Profile,
    Report,
    RoundPair,
    RoundRule,
    SensitiveAttribute,
    Topic,
)


class NamedListAdmin(ModelAdmin):
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
class TopicAdmin(ModelAdmin):
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
class LanguageAdmin(ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Profile)
class ProfileAdmin(ModelAdmin):
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
    fields = ["user", *(f for f in ProfileForm.Meta.fields if f not in CONTACT_FIELDS)]
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
class ReportAdmin(ModelAdmin):
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
class MatchingSettingsAdmin(ModelAdmin):
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
        MatchingSettings.current()
        return redirect("admin:mentors_matchingsettings_change", 1)


class RuleFormSet(BaseInlineFormSet):
    def clean(self):
        """Pins may not ask more of a mentor than the places they have left."""
        super().clean()
        pins = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or data.get("kind") != RoundRule.Kind.PIN:
                continue
            if data.get("mentor"):
                pins.setdefault(data["mentor"], []).append(form)
        taken = suggest.places_taken([mentor.pk for mentor in pins])
        for mentor, forms in pins.items():
            places = max(mentor.capacity - taken.get(mentor.pk, 0), 0)
            if not mentor.accepting_mentees:
                places = 0
            if len(forms) > places:
                raise ValidationError(
                    _("%(name)s is pinned to %(n)d mentees but has %(places)d places left.")
                    % {"name": mentor.display_name, "n": len(forms), "places": places}
                )


class RoundRuleInline(admin.TabularInline):
    model = RoundRule
    formset = RuleFormSet
    fields = ["kind", "mentee", "mentor"]
    autocomplete_fields = ["mentee", "mentor"]
    extra = 1
    verbose_name = _("pin or drop")


@admin.register(MatchingRound)
class MatchingRoundAdmin(ModelAdmin):
    """Bulk matching: create a round, watch it compute, compare it with best-first,
    pin or drop pairs (each change recomputes), then publish on confirmation."""

    list_display = ["name", "status", "progress", "cohort_size", "created_at", "published_at"]
    list_filter = ["status"]
    search_fields = ["name"]
    fields = ["name", "organisation", "career_field"]
    inlines = [RoundRuleInline]
    change_form_template = "admin/mentors/matchinground/change_form.html"

    @admin.display(description=_("mentees"))
    def cohort_size(self, obj):
        return obj.summary.get("cohort", "–")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status == MatchingRound.Status.PUBLISHED:
            return False  # what was published stays as published
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == MatchingRound.Status.PUBLISHED:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            for rule in formset.new_objects:
                if rule.created_by_id is None:
                    RoundRule.objects.filter(pk=rule.pk).update(created_by=request.user)
        criteria_changed = {"organisation", "career_field"} & set(form.changed_data)
        if not change or criteria_changed or any(fs.has_changed() for fs in formsets):
            rounds.start(form.instance)
            self.message_user(
                request, _("The round is being computed; this page shows its progress.")
            )

    def response_add(self, request, obj, post_url_continue=None):
        return redirect("admin:mentors_matchinground_change", obj.pk)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/publish/", view(self.publish_view), name="mentors_matchinground_publish"
            ),
            path(
                "<int:pk>/recompute/",
                view(self.recompute_view),
                name="mentors_matchinground_recompute",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        round = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "round": round}
        if round is not None:
            extra_context["comparison"] = comparison(round.summary)
            extra_context["unmatched"] = Profile.objects.filter(
                pk__in=round.summary.get("unmatched", [])[:50]
            ).only("display_name")
        return super().change_view(request, object_id, form_url, extra_context)

    def recompute_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        round = get_object_or_404(MatchingRound, pk=pk)
        if not self.has_change_permission(request, round):
            raise PermissionDenied
        with transaction.atomic():
            rounds.start(round)
        self.message_user(request, _("Computing the round again."))
        return redirect("admin:mentors_matchinground_change", pk)

    def publish_view(self, request, pk):
        round = get_object_or_404(MatchingRound, pk=pk)
        if not self.has_change_permission(request, round):
            raise PermissionDenied
        if request.method == "POST":
            try:
                rounds.publish(round, request.user)
            except rounds.RoundError as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect("admin:mentors_matchinground_change", pk)
            count = round.pairs.count()
            self.message_user(
                request,
                ngettext(
                    "Published %(round)s: %(n)d pair.", "Published %(round)s: %(n)d pairs.", count
                )
                % {"round": round, "n": count},
                messages.SUCCESS,
            )
            return redirect("admin:mentors_matchinground_change", pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Publish %(round)s?") % {"round": round},
            "opts": self.model._meta,
            "round": round,
            "pairs": round.pairs.count(),
            "optimum": round.summary.get("optimum", {}),
        }
        return TemplateResponse(request, "admin/mentors/matchinground/publish.html", context)


def comparison(summary):
    """Rows for the optimum-versus-best-first table of a round's summary."""
    optimum, best_first = summary.get("optimum"), summary.get("greedy")
    if not optimum or not best_first:
        return None
    rows = [
        (_("Total score"), optimum["total"], best_first["total"]),
        (_("Mentees matched"), optimum["matched"], best_first["matched"]),
        (_("Mentees left unmatched"), optimum["unmatched"], best_first["unmatched"]),
        (_("Average score of a pair"), optimum["mean"], best_first["mean"]),
    ]
    buckets = [
        (f"{a['low']:g}–{a['high']:g}", a["count"], b["count"])
        for a, b in zip(optimum["distribution"], best_first["distribution"], strict=True)
    ]
    gain = optimum["total"] - best_first["total"]
    return {"rows": rows, "buckets": buckets, "gain": round(gain, 1)}


@admin.register(RoundPair)
class RoundPairAdmin(ReadOnlyAdmin):
    """The proposed pairs of a round: read, pin or drop (each recomputes the round)."""

    list_display = ["mentee", "mentor", "score", "reasons", "pinned", "round"]
    list_filter = ["round", "pinned"]
    search_fields = ["mentee__display_name", "mentor__display_name"]
    list_select_related = ["mentee", "mentor", "round"]
    actions = ["pin_pairs", "drop_pairs"]
    list_per_page = 100

    def has_adjust_permission(self, request):
        return request.user.has_perm("mentors.change_matchinground")

    def _adjust(self, request, queryset, kind):
        queryset = queryset.exclude(round__status=MatchingRound.Status.PUBLISHED)
        touched = set()
        with transaction.atomic():
            for pair in queryset.select_related("round"):
                RoundRule.objects.filter(round=pair.round, mentee=pair.mentee_id).filter(
                    kind=RoundRule.Kind.PIN
                ).exclude(mentor=pair.mentor_id).delete()
                RoundRule.objects.update_or_create(
                    round=pair.round,
                    mentee_id=pair.mentee_id,
                    mentor_id=pair.mentor_id,
                    defaults={"kind": kind, "created_by": request.user},
                )
                touched.add(pair.round)
            for round in touched:
                rounds.start(round)
        return touched

    @admin.action(description=_("Pin: keep these pairs and recompute"), permissions=["adjust"])
    def pin_pairs(self, request, queryset):
        touched = self._adjust(request, queryset, RoundRule.Kind.PIN)
        self.message_user(request, _("Pinned; recomputing %d round(s).") % len(touched))

    @admin.action(
        description=_("Drop: never propose these pairs and recompute"), permissions=["adjust"]
    )
    def drop_pairs(self, request, queryset):
        touched = self._adjust(request, queryset, RoundRule.Kind.DROP)
        self.message_user(request, _("Dropped; recomputing %d round(s).") % len(touched))
