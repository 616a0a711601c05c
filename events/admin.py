import csv

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events import booking, ics, importing, proposals
from events.dashboard import campaign_dashboard
from events.forms import EventForm, WallClockField
from events.models import (
    Campaign,
    ChangeNotice,
    Event,
    Host,
    JoinOption,
    Proposal,
    Registration,
)
from events.templatetags.events_tags import long_date, time_range
from mentoring_hub.admin import ModelAdmin, ReadOnlyAdmin
from mentoring_hub.fetch import FetchError
from mentoring_hub.zones import validate_time_zone

S = Registration.Status


def spreadsheet_safe(value):
    """A CSV cell a spreadsheet will not run as a formula (=, +, -, @, tab, CR)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class JoinOptionInline(admin.StackedInline):
    model = JoinOption
    extra = 0
    fields = ["platform", "join_url", "meeting_id", "passcode", "place", "position"]


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ["user", "status", "queued_at"]
    readonly_fields = ["user", "status", "queued_at"]
    ordering = ["status", "queued_at"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # places are taken through registration, which keeps the order


class UpcomingFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", _("Upcoming")), ("past", _("Past"))]

    def queryset(self, request, queryset):
        if self.value() == "upcoming":
            return queryset.upcoming()
        if self.value() == "past":
            return queryset.past()
        return queryset


class EmailAttendeesForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea, max_length=5000)


class ImportForm(forms.Form):
    file = forms.FileField(label=_(".ics file"), required=False)
    url = forms.URLField(label=_("or its address"), required=False, assume_scheme="https")
    host = forms.ModelChoiceField(
        label=_("Host of the imported sessions"), queryset=Host.objects.all()
    )
    publish = forms.BooleanField(
        label=_("Publish new sessions at once"),
        required=False,
        help_text=_("Otherwise they arrive as drafts for you to check."),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("url"):
            raise forms.ValidationError(_("Choose an .ics file or give its address."))
        return cleaned


class CopyCampaignForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


@admin.register(Campaign)
class CampaignAdmin(ModelAdmin):
    list_display = ["name", "theme", "starts_on", "ends_on", "region", "is_demo", "dashboard_link"]
    search_fields = ["name", "theme"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "starts_on"
    actions = ["copy_to_year"]

    def get_urls(self):
        dashboard = self.admin_site.admin_view(self.dashboard_view)
        import_view = self.admin_site.admin_view(self.import_view)
        return [
            path("<int:pk>/dashboard/", dashboard, name="events_campaign_dashboard"),
            path("<int:pk>/import/", import_view, name="events_campaign_import"),
            *super().get_urls(),
        ]

    def import_view(self, request, pk):
        """Import an .ics file or URL: a preview first, then all of it or nothing."""
        campaign = get_object_or_404(Campaign, pk=pk)
        if not request.user.has_perm("events.add_event"):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self.import_confirmed(request, campaign)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            if preview := self.import_preview(request, campaign, form):
                return preview
        context = {**self.import_context(request, campaign), "form": form}
        return TemplateResponse(request, "admin/events/campaign/import.html", context)

    def import_context(self, request, campaign):
        return {
            **self.admin_site.each_context(request),
            "title": _("Import sessions into %(name)s") % {"name": campaign.name},
            "campaign": campaign,
            "opts": self.model._meta,
        }

    def import_preview(self, request, campaign, form):
        """The preview page for a valid upload or address, keeping the calendar until
        the organiser confirms; None, with the error on the form, if it cannot be read."""
        publish = form.cleaned_data["publish"]
        try:
            data = importing.read(form.cleaned_data["file"], form.cleaned_data["url"])
            result = importing.preview(campaign, data, publish=publish)
        except (ics.CalendarError, FetchError) as exc:
            form.add_error(None, str(exc))
            return None
        context = {
            **self.import_context(request, campaign),
            "plan": result,
            "token": importing.hold(request.user, data),
            "host": form.cleaned_data["host"],
            "publish": publish,
        }
        return TemplateResponse(request, "admin/events/campaign/import_preview.html", context)

    def import_confirmed(self, request, campaign):
        """Import the calendar previewed, all of it or nothing, then to the dashboard."""
        data = importing.held(request.user, request.POST.get("token", ""))
        host = Host.objects.filter(pk=request.POST.get("host")).first()
        if data is None or host is None:
            messages.error(request, _("The preview expired; choose the file again."))
            return redirect("admin:events_campaign_import", campaign.pk)
        publish = request.POST.get("publish") == "1"
        try:
            result = importing.import_calendar(campaign, data, host=host, publish=publish)
        except ics.CalendarError as exc:
            messages.error(request, str(exc))
            return redirect("admin:events_campaign_import", campaign.pk)
        messages.success(request, _("Imported: %(summary)s.") % {"summary": result.summary()})
        return redirect("admin:events_campaign_dashboard", campaign.pk)

    @admin.display(description=_("Dashboard"))
    def dashboard_link(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:events_campaign_dashboard", args=[obj.pk]),
            _("Dashboard"),
            reverse("admin:events_campaign_import", args=[obj.pk]),
            _("Import .ics"),
        )

    def dashboard_view(self, request, pk):
        campaign = get_object_or_404(Campaign, pk=pk)
        if not self.has_view_permission(request, campaign):
            return redirect("admin:index")
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(name)s: dashboard") % {"name": campaign.name},
            "campaign": campaign,
            "opts": self.model._meta,
            **campaign_dashboard(campaign),
        }
        return TemplateResponse(request, "admin/events/campaign/dashboard.html", context)

    @admin.action(description=_("Copy to another year (as drafts)"), permissions=["add"])
    def copy_to_year(self, request, queryset):
        form = CopyCampaignForm(request.POST if "year" in request.POST else None)
        if form.is_valid():
            for campaign in queryset:
                copy = campaign.copy_to_year(form.cleaned_data["year"])
                self.message_user(
                    request,
                    _("%(copy)s created with %(n)s draft sessions.")
                    % {"copy": copy.name, "n": copy.events.count()},
                    messages.SUCCESS,
                )
            return None
        return TemplateResponse(
            request,
            "admin/events/action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Copy campaigns to another year"),
                "form": form,
                "objects": queryset,
                "action": "copy_to_year",
                "opts": self.model._meta,
            },
        )


@admin.register(Host)
class HostAdmin(ModelAdmin):
    list_display = ["name", "url"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class LabelledSplitDateTime(admin_widgets.AdminSplitDateTime):
    """The admin's date and time boxes, each with an accessible name: Django's own
    show "Date:" and "Time:" as bare text, which axe reports as unlabelled inputs."""

    def __init__(self, label, attrs=None):
        super().__init__(attrs)
        self.widgets[0].attrs["aria-label"] = _("%(field)s: date") % {"field": label}
        self.widgets[1].attrs["aria-label"] = _("%(field)s: time") % {"field": label}


@admin.register(Event)
class EventAdmin(ModelAdmin):
    list_display = [
        "title",
        "starts_on",
        "local_time",
        "host",
        "platforms",
        "status",
        "seats",
        "waiting",
    ]
    list_filter = ["status", UpcomingFilter, "campaign", "host", "join_options__platform"]
    search_fields = ["title", "summary", "host__name"]
    list_select_related = ["host", "campaign"]
    date_hierarchy = "starts_on"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["uid", "sequence", "created_at", "updated_at"]
    raw_id_fields = ["contact"]
    fieldsets = [
        (
            None,
            {"fields": ["campaign", "host", "title", "slug", "summary", "description", "contact"]},
        ),
        (
            _("When"),
            {
                "fields": [
                    "time_zone",
                    "time_tbd",
                    "starts_on",
                    "starts_at",
                    "ends_at",
                    "repeated_hour",
                ],
                "description": _("Start and end are wall-clock times in the session's time zone."),
            },
        ),
        (_("Who may join"), {"fields": ["status", "join_audience", "capacity"]}),
        (_("Calendar"), {"fields": ["uid", "sequence", "created_at", "updated_at"]}),
    ]
    inlines = [JoinOptionInline, RegistrationInline]
    actions = ["publish", "cancel", "duplicate", "export_attendees", "email_attendees"]
    form = EventForm

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DateTimeField) and db_field.editable:
            kwargs["widget"] = LabelledSplitDateTime(db_field.verbose_name)
            kwargs["form_class"] = WallClockField  # read in the session's zone: EventForm
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        # One query for the counts; platforms come from one prefetch.
        return (
            super()
            .get_queryset(request)
            .annotate(
                _confirmed=Count(
                    "registrations", filter=Q(registrations__status=S.CONFIRMED), distinct=True
                ),
                _waiting=Count(
                    "registrations", filter=Q(registrations__status=S.WAITING), distinct=True
                ),
            )
            .prefetch_related("join_options")
        )

    @admin.display(description=_("Time (session's zone)"))
    def local_time(self, obj):
        return time_range(obj)

    @admin.display(description=_("Platforms"))
    def platforms(self, obj):
        return ", ".join(dict.fromkeys(o.get_platform_display() for o in obj.join_options.all()))

    @admin.display(description=_("Registered"), ordering="_confirmed")
    def seats(self, obj):
        return f"{obj._confirmed}/{obj.capacity}" if obj.capacity else str(obj._confirmed)

    @admin.display(description=_("Waiting"), ordering="_waiting")
    def waiting(self, obj):
        return obj._waiting

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != Event.Status.DRAFT:
            fields.append("slug")  # published addresses never change
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and obj.status != Event.Status.DRAFT:
            return {}
        return super().get_prepopulated_fields(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Show and read times in the session's own zone, not the server's: an organiser
        typing 11:00 for a New York session means 11:00 in New York."""
        zone = request.POST.get("time_zone")
        if not zone and object_id:
            event = self.get_object(request, object_id)
            zone = event.time_zone if event else None
        try:
            validate_time_zone(zone or "")
        except ValidationError:
            zone = settings.TIME_ZONE
        with timezone.override(zone):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()  # widgets format times while the zone is active
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            promoted = booking.fill_from_waiting_list(obj)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%d person moved from the waiting list into a place.",
                        "%d people moved from the waiting list into places.",
                        len(promoted),
                    )
                    % len(promoted),
                )

    # Each action goes through the model method, not queryset.update(): that bumps the
    # sequence and the cache version, which update() would skip (and is refused).
    @admin.action(description=_("Publish selected sessions"), permissions=["change"])
    def publish(self, request, queryset):
        drafts = list(queryset.filter(status=Event.Status.DRAFT))
        for event in drafts:
            event.publish()
        n = len(drafts)
        self.message_user(
            request, ngettext("%d session published.", "%d sessions published.", n) % n
        )

    @admin.action(description=_("Cancel selected sessions"), permissions=["change"])
    def cancel(self, request, queryset):
        events = list(queryset.exclude(status=Event.Status.CANCELLED))
        for event in events:
            event.cancel()
        n = len(events)
        self.message_user(
            request, ngettext("%d session cancelled.", "%d sessions cancelled.", n) % n
        )

    @admin.action(description=_("Duplicate selected sessions (as drafts)"), permissions=["add"])
    def duplicate(self, request, queryset):
        copies = [event.duplicate(title=f"{event.title} (copy)") for event in queryset]
        n = len(copies)
        self.message_user(request, ngettext("%d draft copy made.", "%d draft copies made.", n) % n)

    @admin.action(description=_("Export attendees as CSV"), permissions=["view"])
    def export_attendees(self, request, queryset):
        registrations = (
            Registration.objects.filter(event__in=queryset)
            .exclude(status=S.CANCELLED)
            .select_related("event", "user")
            .order_by("event__starts_on", "event__title", "status", "queued_at")
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="attendees-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(["session", "date", "name", "email", "status", "registered at"])
        for r in registrations:
            writer.writerow(
                spreadsheet_safe(value)
                for value in (
                    r.event.title,
                    r.event.starts_on.isoformat(),
                    r.user.get_full_name(),
                    r.user.email,
                    r.get_status_display(),
                    r.queued_at.isoformat(timespec="seconds"),
                )
            )
        return response

    @admin.action(description=_("Email the attendees of selected sessions"), permissions=["change"])
    def email_attendees(self, request, queryset):
        form = EmailAttendeesForm(request.POST if "subject" in request.POST else None)
        if form.is_valid():
            sent = booking.email_attendees(
                queryset, form.cleaned_data["subject"], form.cleaned_data["message"]
            )
            self.message_user(request, ngettext("%d email sent.", "%d emails sent.", sent) % sent)
            return None
        return TemplateResponse(
            request,
            "admin/events/action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Email attendees"),
                "form": form,
                "objects": queryset,
                "action": "email_attendees",
                "opts": self.model._meta,
            },
        )


@admin.register(Registration)
class RegistrationAdmin(ModelAdmin):
    list_display = ["event", "user", "status", "queued_at"]
    list_filter = ["status", "event__campaign"]
    search_fields = ["event__title", "user__email"]
    list_select_related = ["event", "user"]
    readonly_fields = ["event", "user", "status", "queued_at", "created_at"]
    fields = readonly_fields
    actions = ["cancel_registrations"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Cancel selected registrations"), permissions=["change"])
    def cancel_registrations(self, request, queryset):
        n = 0
        for registration in queryset.exclude(status=S.CANCELLED).select_related("event", "user"):
            booking.cancel(registration.event, registration.user)  # promotes who is waiting
            n += 1
        self.message_user(
            request, ngettext("%d registration cancelled.", "%d registrations cancelled.", n) % n
        )


class ProposalDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[
            ("", _("No decision yet")),
            ("approve", _("Approve and publish")),
            ("changes", _("Ask for changes")),
            ("decline", _("Decline")),
        ],
    )

    class Meta:
        model = Proposal
        fields = ["organiser_note"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") in ("changes", "decline") and not cleaned.get("organiser_note"):
            self.add_error("organiser_note", _("Tell the proposer what to change or why."))
        return cleaned


@admin.register(Proposal)
class ProposalAdmin(ModelAdmin):
    form = ProposalDecisionForm
    list_display = [
        "title",
        "organisation",
        "proposer",
        "campaign",
        "starts_on",
        "state",
        "created_at",
    ]
    list_filter = ["state", "campaign"]
    search_fields = ["title", "organisation", "proposer__email"]
    list_select_related = ["proposer", "campaign"]
    readonly_fields = [
        "proposer",
        "campaign",
        "organisation",
        "title",
        "description",
        "when",
        "time_zone",
        "platform",
        "join_url",
        "place",
        "state",
        "event",
        "created_at",
        "decided_at",
    ]
    fields = [*readonly_fields, "decision", "organiser_note"]

    def has_add_permission(self, request):
        return False  # members propose from the site

    @admin.display(description=_("When (the proposal's zone)"))
    def when(self, obj):
        """The date and times as the proposer meant them, with the zone: the admin would
        show the instants in the server's zone (UTC), beside another zone's name."""
        return _("%(day)s, %(times)s (%(zone)s)") % {
            "day": long_date(obj.starts_on),
            "times": time_range(obj),
            "zone": obj.time_zone,
        }

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        note = form.cleaned_data.get("organiser_note", "")
        try:
            if decision == "approve":
                proposals.approve(obj, note)
            elif decision == "changes":
                proposals.request_changes(obj, note)
            elif decision == "decline":
                proposals.decline(obj, note)
            else:
                proposals.save_note(obj, note)
        except forms.ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)


@admin.register(ChangeNotice)
class ChangeNoticeAdmin(ReadOnlyAdmin):
    """What registered people were told, and when: organisers look; notices come only
    from changes to sessions."""

    list_display = ["event", "status", "created_at", "due_at", "sent_at", "recipients"]
    list_filter = ["status"]
    list_select_related = ["event"]
    search_fields = ["event__title"]
    fields = ["event", "status", "created_at", "due_at", "sent_at", "recipients"]
    date_hierarchy = "created_at"
