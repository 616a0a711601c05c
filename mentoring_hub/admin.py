from csp.constants import UNSAFE_INLINE
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mentoring_hub import mail


def field_path(model, lookup):
    """The fields a changelist lookup walks through, without its transforms and
    comparison: "host__id__exact" -> "host__id", "message__contains" -> "message"."""
    path = []
    for part in lookup.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            break
        path.append(part)
        if not field.is_relation or field.related_model is None:
            break
        model = field.related_model
    return LOOKUP_SEP.join(path)


class SafeChangeList(ChangeList):
    def get_filters(self, request):
        # Django turns a year it cannot build into "incorrect lookup" only for some
        # values: 9999 (the next year is out of range) or a 30-digit month raised
        # ValueError or OverflowError past its check, a 500.
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class ModelAdmin(admin.ModelAdmin):
    """The base of every admin in the project: a list filters only on what it shows.

    Django lets a changelist URL filter on any of the model's own fields, shown or not
    (`?message__contains=a` on mentoring requests), so an organiser could read private
    text a guess at a time. Here a URL may filter only through the list's own filters
    (`list_filter`), its date hierarchy and the raw-id popups' own limits; any other
    lookup is refused with a 400, as Django refuses a related lookup it does not offer.
    Search (`search_fields`) and sorting (`?o=`, list_display columns only) are checked
    by tests/core/test_admin_lookups.py to reach only fields the admin shows. A date
    the list cannot build is an incorrect lookup (the list reloads with ?e=1), never a 500.
    """

    def get_changelist(self, request, **kwargs):
        return SafeChangeList

    def filter_lookups(self, request):
        """(field paths, parameter names) the list's own filters use."""
        paths, names = set(), set()
        if self.date_hierarchy:
            paths.add(self.date_hierarchy)
        for item in self.get_list_filter(request):
            if isinstance(item, type) and issubclass(item, admin.SimpleListFilter):
                names.add(item.parameter_name)
                continue
            path = item[0] if isinstance(item, (list, tuple)) else item
            paths.add(path)
            model = self.model
            for part in path.split(LOOKUP_SEP):
                field = model._meta.get_field(part)
                model = field.related_model or model
            if field.is_relation:  # its filter picks by the related row's key: host__id
                paths.add(f"{path}{LOOKUP_SEP}{model._meta.pk.name}")
        return paths, names

    def lookup_allowed(self, lookup, value, request=None):
        if self._popup_limit(lookup, value):
            return True
        paths, names = self.filter_lookups(request)
        if lookup in names:
            return True
        path = field_path(self.model, lookup)
        return path in paths and super().lookup_allowed(lookup, value, request)

    def _popup_limit(self, lookup, value):
        """A raw-id popup's limit_choices_to, which Django also allows."""
        for fk_lookup in self.model._meta.related_fkey_lookups:
            if callable(fk_lookup):
                fk_lookup = fk_lookup()
            if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
                return True
        return False


class ReadOnlyAdmin(ModelAdmin):
    """Rows that only their own flow writes: organisers look, and act through actions."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AdminStylesMiddleware:
    """Django's admin writes a few inline styles (style attributes set by its pages and
    scripts), so under /admin/ the Content-Security-Policy also allows inline styles.
    Scripts stay 'self' only, everywhere. Sits after csp.middleware.CSPMiddleware, so
    its mark is on the response when that middleware writes the header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith("/admin/"):
            response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return response


class OutgoingEmailAdmin(ReadOnlyAdmin):
    """Whether mail went out, and why not: the envelope and the server's reply only. The
    subject, bodies and attachments are never shown, searched or filtered on (a subject
    names people). Registered by MentoringHubConfig.ready(): this module defines the
    admin site's class, so it is imported while the default site is being built, and a
    registration made here would land on a site that is then replaced."""

    list_display = [
        "recipient",
        "kind",
        "status",
        "attempts",
        "last_reply",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["=recipient"]
    date_hierarchy = "created_at"
    fields = [
        "recipient",
        "kind",
        "status",
        "attempts",
        "last_reply",
        "message_id",
        "created_at",
        "first_attempt_at",
        "next_attempt_at",
        "sent_at",
    ]
    readonly_fields = fields
    actions = ["retry"]

    def has_retry_permission(self, request):
        return request.user.has_perm("mentoring_hub.change_outgoingemail")

    @admin.action(
        description=_("Retry the selected undeliverable emails now"), permissions=["retry"]
    )
    def retry(self, request, queryset):
        n = mail.retry_now(queryset)
        self.message_user(
            request, ngettext("%d email queued again.", "%d emails queued again.", n) % n
        )
